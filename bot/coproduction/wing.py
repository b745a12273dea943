"""The co-production wing as the core's registry sees it: groups, facilitators, ideas
rounds, answers to reasons, new rounds of a proposal (``amend``) and who is a member."""

from __future__ import annotations

from collections.abc import Mapping

from bot import commands as c
from bot.context import Core
from bot.coproduction import answers, facilitators, groups, ideas, rounds
from bot.coproduction.membership import MembershipCommands
from bot.registry import Handler, Wing


def _handlers(core: Core) -> Mapping[type, Handler]:
    return {
        **groups.GroupCommands(core).handlers(),
        **facilitators.FacilitatorCommands(core).handlers(),
        **answers.AnswerCommands(core).handlers(),
        **rounds.RoundCommands(core).handlers(),
        **ideas.IdeaCommands(core).handlers(),
        **MembershipCommands(core).handlers(),
    }


WING = Wing(
    "coproduction",
    handlers=_handlers,
    parsers={**groups.PARSERS, **facilitators.PARSERS, **answers.PARSERS, **ideas.PARSERS,
             **rounds.PARSERS},
    # The adapters' reports of who is there come from the platform, for anyone.
    open_to_all=(c.MembersSeen, c.MembersLeft, c.MembersNow),
    # A role change of someone not a member is dropped without a word.
    quiet=(c.RolesSeen,),
    contributions=(c.StartIdeas, c.AddIdea, c.Respond, c.FollowUp, c.Amend),
)
