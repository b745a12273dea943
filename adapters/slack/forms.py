"""The form (modal) for starting a poll or proposal, and its field-by-field errors.

The core checks what was asked and says which part of the command an error is about
(``BadInput.about``); this module shows it under that field. The form and its errors are
in the reader's language (the listener sets it).
"""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.blocks import MODAL_TITLE_MAX, plain
from adapters.text import clip
from bot.commands import CreatePoll
from bot.errors import BadInput
from bot.i18n import N_, _
from bot.model import Actor, PollKind, SpaceRef
from bot.polls.kinds import check_options
from bot.service import Roundtable
from bot.timeparse import parse_when

CREATE_CALLBACK = "rt_create"
FIELD = "value"
MAX_QUESTION = 300

#: The choices of the form's menus (value, label); labels are translated where shown.
KINDS = (
    ("choice", N_("Pick one option")),
    ("multi", N_("Pick any options you support")),
    ("ranked", N_("Rank the options")),
    ("score", N_("Score each option from 0 to 5")),
    ("dots", N_("Spread 5 dots across the options")),
    ("consent", N_("Proposal: agree, abstain, disagree or block")),
)
RULES = (
    ("majority", N_("Majority: most support wins")),
    ("consent", N_("Consent: a block holds a proposal until it is answered")),
    ("parity", N_("Parity: a majority within every group")),
    ("equal-weight", N_("Equal weight: each group counts the same")),
)
#: What the reminders field takes for "no reminders".
NO_REMINDERS = frozenset({"none", "no", "off", "0"})
ANONYMITY = (
    ("anonymous", N_("Anonymous: nobody can see what anyone chose")),
    ("open", N_("Open: everyone can see who chose what")),
)


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": plain(_(label)), "value": value}


def _select(choices: tuple[tuple[str, str], ...], initial: str) -> dict[str, Any]:
    options = [_option(v, label) for v, label in choices]
    start = next(o for o in options if o["value"] == initial)
    return {"type": "static_select", "action_id": FIELD, "options": options,
            "initial_option": start}


def _input(block_id: str, label: str, element: dict[str, Any], hint: str = "",
           optional: bool = False) -> dict[str, Any]:
    block = {"type": "input", "block_id": block_id, "label": plain(label),
             "element": element, "optional": optional}
    if hint:
        block["hint"] = plain(hint)
    return block


def create_view(channel: str, tz: str, kind: str = "choice", question: str = ""
                ) -> dict[str, Any]:
    """The form for a new poll in ``channel``, empty but for the kind (and the question,
    when the command gave one), in the language being written in."""
    radios = [_option(v, label) for v, label in ANONYMITY]
    asked: dict[str, Any] = {
        "type": "plain_text_input", "action_id": FIELD, "max_length": MAX_QUESTION,
        "placeholder": plain(_("Where should we meet?"))}
    if question:
        asked["initial_value"] = question[:MAX_QUESTION]
    blocks = [
        _input("question", _("Question or proposal"), asked),
        _input("options", _("Options, one per line"), {
            "type": "plain_text_input", "action_id": FIELD, "multiline": True},
            hint=_("2 to 20 options of at most 80 characters. Leave empty for a proposal."),
            optional=True),
        _input("kind", _("How people vote"), _select(KINDS, kind)),
        _input("anonymity", _("Anonymity"), {"type": "radio_buttons", "action_id": FIELD,
                                             "options": radios, "initial_option": radios[0]}),
        _input("closes", _("Closes"), {
            "type": "plain_text_input", "action_id": FIELD,
            "placeholder": plain(_("friday 17:00, 3d, or 2026-12-04 17:00"))},
            hint=_("In the channel's time zone ({zone}). Leave empty to close it by hand."
                   ).format(zone=tz),
            optional=True),
        _input("remind", _("Reminders before it closes"), {
            "type": "plain_text_input", "action_id": FIELD, "max_length": 40,
            "placeholder": plain("24h, 1h")},
            hint=_("A private reminder to each member who has not voted, this long before "
                   "closing. Leave empty for the usual ones; write none for no reminders."),
            optional=True),
        _input("quorum", _("Quorum"), {
            "type": "plain_text_input", "action_id": FIELD, "max_length": 10,
            "placeholder": plain(_("8, or 50%"))},
            hint=_("Ballots needed for the result to count: a number, or a share of the "
                   "channel's members. Leave empty for none."), optional=True),
        _input("rule", _("Decision rule"), _select(RULES, "majority"),
               hint=_("Parity and equal weight need the channel's groups."), optional=True),
    ]
    return {
        "type": "modal", "callback_id": CREATE_CALLBACK,
        "title": plain(clip(_("New poll"), MODAL_TITLE_MAX)),
        "submit": plain(clip(_("Start it"), MODAL_TITLE_MAX)),
        "close": plain(clip(_("Cancel"), MODAL_TITLE_MAX)),
        "private_metadata": json.dumps({"channel": channel}), "blocks": blocks,
    }


def _value(values: dict[str, Any], block: str) -> str | None:
    element = (values.get(block) or {}).get(FIELD) or {}
    if element.get("type") in ("static_select", "radio_buttons"):
        chosen = element.get("selected_option") or {}
        return chosen.get("value")
    return element.get("value")


def read_create(values: dict[str, Any], actor: Actor, space: SpaceRef) -> CreatePoll:
    """The command the filled-in form asks for (not yet checked)."""
    kind = _value(values, "kind") or "choice"
    lines = (_value(values, "options") or "").splitlines()
    options = tuple(line.strip() for line in lines if line.strip())
    rule = _value(values, "rule")
    remind = (_value(values, "remind") or "").strip()
    no_remind = remind.lower() in NO_REMINDERS
    return CreatePoll(
        actor, space,
        question=_value(values, "question") or "",
        options=options,
        kind=kind,
        anonymous=_value(values, "anonymity") != "open",
        closes=(_value(values, "closes") or "").strip() or None,
        remind=None if no_remind else remind or None,
        no_remind=no_remind,
        quorum=(_value(values, "quorum") or "").strip() or None,
        rule=None if rule in (None, "majority") else rule,
    )


async def check_create(core: Roundtable, cmd: CreatePoll) -> dict[str, str]:
    """Errors by field (block id -> message), in the language being written in; empty when
    the poll can be opened."""
    errors: dict[str, str] = {}
    if cmd.closes:
        try:
            parse_when(cmd.closes, core.clock.now(), core.zone_of(cmd.space))
        except BadInput as error:
            errors["closes"] = error.message
    try:
        check_options(PollKind(cmd.kind), cmd.options)
    except (BadInput, ValueError) as error:
        errors["options"] = getattr(error, "message", None) or _("Choose how people vote.")
    if errors:
        return errors
    try:
        await core.check_poll(cmd)
    except BadInput as error:
        # The core says which part of the command was wrong; the message is already in
        # the reader's language.
        errors[error.about or "question"] = error.message
    return errors
