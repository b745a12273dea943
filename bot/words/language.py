"""``language cy`` / ``language en``: the language the bot writes to a person in.

A person's choice comes first; then their platform's language, where Roundtable has a
catalogue for it; then the space's (``[space] language`` in the config). English command
words always work, whatever the language.
"""

from __future__ import annotations

from bot import commands as c
from bot.cards import Tone, message_card
from bot.context import Core
from bot.effects import Effect, Reply
from bot.errors import BadInput
from bot.i18n import N_, _, current, speaking
from bot.model import Actor, SpaceRef

#: What people may write for each language, in either language.
_NAMES = {
    "cy": "cy", "cymraeg": "cy", "welsh": "cy",
    "en": "en", "english": "en", "saesneg": "en",
}
_DEFAULT = {"default", "reset", "diofyn"}
#: Whole sentences per language: Welsh mutates a language's name after "yn".
_NOW = {"cy": N_("I write to you in Welsh (Cymraeg)."),
        "en": N_("I write to you in English.")}
_FROM_NOW = {"cy": N_("I will write to you in Welsh from now on."),
             "en": N_("I will write to you in English from now on.")}


def parse_language(args: list[str], actor: Actor, space: SpaceRef) -> c.SetLanguage:
    """``language`` (show), ``language cy`` / ``language en``, ``language default``."""
    if not args:
        return c.SetLanguage(actor, space, show=True)
    word = args[0].casefold()
    if len(args) == 1 and word in _NAMES:
        return c.SetLanguage(actor, space, language=_NAMES[word])
    if len(args) == 1 and word in _DEFAULT:
        return c.SetLanguage(actor, space, language=None)
    raise BadInput(_("Write language cy for Welsh (Cymraeg) or language en for English."))


class LanguageCommands:
    """The ``language`` command."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def language(self, cmd: c.SetLanguage) -> list[Effect]:
        """Set or show the person's own language."""
        if cmd.show:
            text = _(_NOW[current()])
            return [Reply(cmd.actor, cmd.space, message_card(
                _("Your language"), text + " " + _(
                    "To change it, write language cy for Welsh (Cymraeg) or language en "
                    "for English.")))]
        await self.core.store.set_member_language(cmd.actor.key, cmd.language)
        chosen = cmd.language or self.core.settings.language
        with speaking(chosen):
            # Said in the language just chosen, so the person sees it worked.
            text = _(_FROM_NOW[chosen])
            if cmd.language is None:
                text = _("You will get this space's language.") + " " + text
            return [Reply(cmd.actor, cmd.space, message_card(
                _("Language changed"), text, Tone.SUCCESS))]
