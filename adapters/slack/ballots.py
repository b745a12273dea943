"""The voting form (modal) for every kind of poll, read back into the words the core takes.

The core reads a ballot from words (``bot.polls.kinds.parse_ballot``): option numbers
for choice, multi and ranked, ``N=V`` pairs for score and dots, and a stance
followed by its reason for proposals. This module builds those words from the
form, and says which field an error from the core belongs to. The form is built in its
reader's language (the listener sets it); the words read back are the same in every one.
"""

from __future__ import annotations

import json
import re
from typing import Any

from adapters.slack.blocks import MODAL_TITLE_MAX, plain
from adapters.slack.poll_blocks import MAX_CHECKBOXES, option_objects
from adapters.text import clip
from bot.anonymity import OPEN_POLL_NOTE, PROMISE
from bot.errors import BadInput
from bot.i18n import N_, _, ngettext, ordinal
from bot.model import MAX_REASON_LENGTH, MAX_SCORE, Poll, PollKind, Stance

VOTE_CALLBACK = "rt_vote"
FIELD = "value"
_NAMED = re.compile(r"'([^']*)'")

#: A proposal's choices, as the form words them (translated where shown).
STANCES = (
    (Stance.AGREE, N_("Agree")),
    (Stance.ABSTAIN, N_("Abstain: I stand aside")),
    (Stance.DISAGREE, N_("Disagree, but I won't stop it")),
    (Stance.BLOCK, N_("Block: this must not go ahead as it is")),
)


def _input(block_id: str, label: str, element: dict[str, Any],
           optional: bool = False, hint: str = "") -> dict[str, Any]:
    element = {"action_id": FIELD, **element}
    block = {"type": "input", "block_id": block_id, "label": plain(label), "element": element,
             "optional": optional}
    if hint:
        block["hint"] = plain(hint)
    return block


def _fields(poll: Poll) -> list[dict[str, Any]]:
    spec = poll.spec
    options = option_objects(spec.options)
    if spec.kind is PollKind.CHOICE:
        element = ({"type": "radio_buttons", "options": options} if len(options) <= MAX_CHECKBOXES
                   else {"type": "static_select", "options": options,
                         "placeholder": plain(_("Choose one"))})
        return [_input("choice", _("Your choice"), element)]
    if spec.kind is PollKind.MULTI:
        element = ({"type": "checkboxes", "options": options} if len(options) <= MAX_CHECKBOXES
                   else {"type": "multi_static_select", "options": options,
                         "placeholder": plain(_("Options you support"))})
        if spec.max_picks and element["type"] == "multi_static_select":
            element["max_selected_items"] = spec.max_picks
        hint = _("Pick up to {count}.").format(count=spec.max_picks) if spec.max_picks else ""
        return [_input("multi", _("Options you support"), element, hint=hint)]
    if spec.kind is PollKind.RANKED:
        return [_input(f"rank-{n}", _("{place} choice").format(place=ordinal(n)),
                       {"type": "static_select", "options": options,
                        "placeholder": plain(_("Choose an option"))},
                       optional=n > 1,
                       hint=_("Your favourite. Rank as many or as few as you like.")
                       if n == 1 else "")
                for n in range(1, len(spec.options) + 1)]
    if spec.kind is PollKind.SCORE:
        scores = [{"text": plain(str(v)), "value": str(v)} for v in range(MAX_SCORE + 1)]
        return [_input(f"score-{n}", f"{n}. {label}"[:2000],
                       {"type": "static_select", "options": scores,
                        "placeholder": plain(_("0 to {most}").format(most=MAX_SCORE))},
                       optional=True)
                for n, label in enumerate(spec.options, start=1)]
    if spec.kind is PollKind.DOTS:
        return [_input(f"dots-{n}", f"{n}. {label}",
                       {"type": "number_input", "is_decimal_allowed": False,
                        "min_value": "0", "max_value": str(spec.dots)}, optional=True,
                       hint=ngettext("You have {count} dot in all.",
                                     "You have {count} dots in all.",
                                     spec.dots).format(count=spec.dots) if n == 1 else "")
                for n, label in enumerate(spec.options, start=1)]
    radios = [{"text": plain(_(label)), "value": stance.value} for stance, label in STANCES]
    return [
        _input("stance", _("Your position"), {"type": "radio_buttons", "options": radios}),
        _input("reason", _("Your reason"), {"type": "plain_text_input", "multiline": True,
                                            "max_length": MAX_REASON_LENGTH},
               optional=True, hint=_("Needed for a block, welcome with a disagreement. "
                                     "Reasons are shown without your name.")),
    ]


def vote_view(poll: Poll, channel: str) -> dict[str, Any]:
    """The voting form for one poll, in the language being written in."""
    promise = _(PROMISE) if poll.spec.anonymous else _(OPEN_POLL_NOTE)
    blocks = [{"type": "section", "text": plain(poll.spec.question)},
              {"type": "context", "elements": [plain(promise)]},
              *_fields(poll)]
    return {
        "type": "modal", "callback_id": VOTE_CALLBACK,
        "title": plain(clip(_("Vote on {ref}").format(ref=poll.ref), MODAL_TITLE_MAX)),
        "submit": plain(clip(_("Vote"), MODAL_TITLE_MAX)),
        "close": plain(clip(_("Cancel"), MODAL_TITLE_MAX)),
        "private_metadata": json.dumps({"poll": poll.id, "channel": channel}),
        "blocks": blocks,
    }


def _element(values: dict[str, Any], block: str) -> dict[str, Any]:
    return (values.get(block) or {}).get(FIELD) or {}


def _picked(element: dict[str, Any]) -> list[str]:
    if "selected_options" in element:
        return [str(o.get("value", "")) for o in element.get("selected_options") or ()]
    chosen = element.get("selected_option")
    return [str(chosen.get("value", ""))] if chosen else []


def read_vote(poll: Poll, values: dict[str, Any]) -> tuple[str, ...]:
    """The words of the ballot, as ``vote #N ...`` would have them."""
    spec = poll.spec
    count = range(1, len(spec.options) + 1)
    if spec.kind is PollKind.CHOICE:
        return tuple(_picked(_element(values, "choice")))
    if spec.kind is PollKind.MULTI:
        return tuple(_picked(_element(values, "multi")))
    if spec.kind is PollKind.RANKED:
        return tuple(p for n in count for p in _picked(_element(values, f"rank-{n}")))
    if spec.kind is PollKind.SCORE:
        return tuple(f"{n}={p}" for n in count for p in _picked(_element(values, f"score-{n}")))
    if spec.kind is PollKind.DOTS:
        words = []
        for n in count:
            given = (_element(values, f"dots-{n}").get("value") or "").strip()
            if given and given != "0":
                words.append(f"{n}={given}")
        return tuple(words)
    stance = _picked(_element(values, "stance"))
    reason = (_element(values, "reason").get("value") or "").strip()
    return tuple(stance[:1]) + ((reason,) if reason and stance else ())


def vote_field(poll: Poll, values: dict[str, Any], error: BadInput) -> str:
    """The form field an error about this ballot belongs to."""
    spec = poll.spec
    message = error.message
    if spec.kind is PollKind.CONSENT:
        # The core says whether a proposal's ballot went wrong in its stance or its reason.
        return "reason" if error.about == "reason" else "stance"
    if spec.kind is PollKind.CHOICE:
        return "choice"
    if spec.kind is PollKind.MULTI:
        return "multi"
    if spec.kind is PollKind.RANKED:
        # The place where an option already ranked higher is named again.
        seen: set[str] = set()
        for n in range(1, len(spec.options) + 1):
            for word in _picked(_element(values, f"rank-{n}")):
                if word in seen:
                    return f"rank-{n}"
                seen.add(word)
        return "rank-1"
    prefix = "score" if spec.kind is PollKind.SCORE else "dots"
    named = _NAMED.search(message)
    if named:
        for n, label in enumerate(spec.options, start=1):
            if label == named.group(1):
                return f"{prefix}-{n}"
    return f"{prefix}-1"
