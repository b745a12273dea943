"""Groups, mapped memberships, member lookup, group-tagged ballots, answers and ideas."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import inspect

from bot.errors import BadInput, PollClosed
from bot.model import Group, PollKind, Rule
from storage import SqlStore
from tests.storage.helpers import (
    OTHER_SPACE,
    SPACE,
    T0,
    actor,
    decision,
    rows,
    spec,
    tag,
)

LATER = T0 + timedelta(hours=1)


async def test_groups_members_and_memberships(store: SqlStore) -> None:
    assert await store.add_group(SPACE, Group("staff", "Staff"))
    assert await store.add_group(SPACE, Group("carers", "Carers", role="R1"))
    assert not await store.add_group(SPACE, Group("staff", "Other name"))
    assert await store.add_group(OTHER_SPACE, Group("staff", "Staff elsewhere"))

    assert await store.groups(SPACE) == [Group("carers", "Carers", "R1"), Group("staff", "Staff")]
    assert await store.join_group(SPACE, "staff", "m1", "self")
    assert not await store.join_group(SPACE, "staff", "m1", "assigned")
    assert await store.join_group(SPACE, "carers", "m1", "assigned")
    assert await store.join_group(SPACE, "staff", "m2", "mapped")
    with pytest.raises(ValueError):
        await store.join_group(SPACE, "staff", "m3", "whim")

    assert await store.group_members(SPACE) == {"staff": {"m1", "m2"}, "carers": {"m1"}}
    assert await store.group_members(OTHER_SPACE) == {"staff": set()}
    assert await store.member_groups(SPACE, "m1") == ["carers", "staff"]
    assert await store.leave_group(SPACE, "staff", "m1")
    assert not await store.leave_group(SPACE, "staff", "m1")
    assert await store.member_groups(SPACE, "m1") == ["carers"]

    assert await store.set_group_role(SPACE, "staff", "R2")
    assert not await store.set_group_role(SPACE, "nobody", "R2")
    assert await store.remove_group(SPACE, "carers")
    assert not await store.remove_group(SPACE, "carers")
    assert await store.group_members(SPACE) == {"staff": {"m2"}}
    assert await store.member_groups(SPACE, "m1") == []


async def test_sync_mapped_never_touches_own_or_assigned_memberships(store: SqlStore) -> None:
    for slug in ("staff", "carers", "peers"):
        await store.add_group(SPACE, Group(slug, slug.title()))
    await store.join_group(SPACE, "peers", "m1", "self")
    await store.join_group(SPACE, "carers", "m1", "assigned")

    assert await store.sync_mapped(SPACE, "m1", ["staff", "peers"]) == (["staff"], [])
    assert await store.member_groups(SPACE, "m1") == ["carers", "peers", "staff"]
    # The roles are gone: only the mapped membership ends.
    assert await store.sync_mapped(SPACE, "m1", []) == ([], ["staff"])
    assert await store.member_groups(SPACE, "m1") == ["carers", "peers"]
    assert await store.sync_mapped(SPACE, "m1", []) == ([], [])

    # When a mapping ends, those who joined through it stay.
    await store.sync_mapped(SPACE, "m1", ["staff"])
    assert await store.set_group_role(SPACE, "staff", None)
    assert await store.sync_mapped(SPACE, "m1", []) == ([], [])
    assert "staff" in await store.member_groups(SPACE, "m1")


async def test_find_members_by_id_or_name_and_remove_facilitator(store: SqlStore) -> None:
    await store.touch_member(SPACE, actor(1, "Priya Shah"), T0)
    await store.touch_member(SPACE, actor(2, "Sam"), T0)
    await store.touch_member(SPACE, actor(3, "sam"), T0)
    await store.touch_member(OTHER_SPACE, actor(4, "Priya Shah"), T0)

    assert await store.find_members(SPACE, "u1") == [(actor(1).key, "Priya Shah")]
    assert await store.find_members(SPACE, "PRIYA SHAH") == [(actor(1).key, "Priya Shah")]
    assert len(await store.find_members(SPACE, "Sam")) == 2
    assert await store.find_members(SPACE, "nobody") == []
    assert await store.member_names(SPACE, [actor(1).key, actor(4).key]) == {
        actor(1).key: "Priya Shah"}

    await store.add_facilitator(SPACE, actor(2).key)
    assert await store.remove_facilitator(SPACE, actor(2).key)
    assert not await store.remove_facilitator(SPACE, actor(2).key)
    assert await store.facilitators(SPACE) == set()


async def test_ballots_carry_group_tags_until_close(engine, store: SqlStore) -> None:
    await store.add_group(SPACE, Group("staff", "Staff"))
    await store.add_group(SPACE, Group("lived-experience", "Lived experience"))
    await store.add_group(OTHER_SPACE, Group("elsewhere", "Elsewhere"))
    await store.join_group(SPACE, "staff", "m1", "self")
    await store.join_group(SPACE, "lived-experience", "m1", "self")
    await store.join_group(OTHER_SPACE, "elsewhere", "m2", "self")
    poll = await store.create_poll(SPACE, "c", spec(), b"salt", T0)

    await store.record_vote(poll.id, tag(1), '{"p":[0]}', "m1", None)
    await store.record_vote(poll.id, tag(2), '{"p":[1]}', "m2", None)
    tagged = sorted(await store.tagged_ballots(poll.id), key=lambda row: row[1])
    assert tagged == [(None, '{"p":[0]}', frozenset({"staff", "lived-experience"})),
                      (None, '{"p":[1]}', frozenset())]

    # A second vote carries the groups held at that moment.
    await store.leave_group(SPACE, "staff", "m1")
    await store.record_vote(poll.id, tag(1), '{"p":[2]}', "m1", None)
    assert (None, '{"p":[2]}', frozenset({"lived-experience"})) in await store.tagged_ballots(
        poll.id)

    assert await store.claim_close(poll.id, LATER, T0)
    assert await store.finish_close(poll.id, decision())
    # At close the ballots leave ``ballot`` (tags and groups with them) for closed_ballot,
    # which has no column for groups at all.
    assert await rows(engine, "SELECT voter_groups FROM ballot") == []
    assert len(await rows(engine, "SELECT ballot FROM closed_ballot")) == 2
    assert await store.tagged_ballots(poll.id) == []


async def test_update_outcome_is_atomic_and_a_refusal_changes_nothing(store: SqlStore) -> None:
    poll = await store.create_poll(SPACE, "c", spec(), b"salt", T0)
    await store.claim_close(poll.id, LATER, T0)
    await store.finish_close(poll.id, decision())

    changed = await store.update_outcome(
        SPACE, 1, lambda outcome: replace(outcome, responses=((1, "We changed it"),)))
    assert changed is not None and changed.outcome.responses == ((1, "We changed it"),)

    def refuse(outcome):
        raise BadInput("no")

    with pytest.raises(BadInput):
        await store.update_outcome(SPACE, 1, refuse)
    logged = (await store.decisions(SPACE))[0]
    assert logged.outcome.responses == ((1, "We changed it"),)
    assert await store.update_outcome(SPACE, 99, lambda o: o) is None


async def test_ideas_are_numbered_deduplicated_and_closed_rounds_refuse(
    engine, store: SqlStore
) -> None:
    round_ = await store.create_poll(
        SPACE, "c", replace(spec(), kind=PollKind.IDEAS, options=()), b"salt", T0)
    # The store returns how many ideas the round has; the texts are opaque to it (the core
    # seals them), and their order follows random numbers, not arrival.
    assert await store.add_idea(round_.id, "Peer-led workshops", "peer-led workshops",
                                b"tag-1") == 1
    assert await store.add_idea(round_.id, "PEER-LED workshops", "peer-led workshops",
                                b"tag-2") is None
    assert await store.add_idea(round_.id, "A quiet room", "a quiet room", b"tag-1") == 2
    assert sorted(await store.ideas(round_.id)) == ["A quiet room", "Peer-led workshops"]
    # Authors are kept apart from ideas, once per round.
    assert await store.idea_authors(round_.id) == {b"tag-1"}
    # An idea keeps no author and no time.
    async with engine.connect() as conn:
        columns = await conn.run_sync(lambda sync: inspect(sync).get_columns("idea"))
    assert {c["name"] for c in columns} == {"poll_id", "number", "text", "folded"}

    await store.claim_close(round_.id, LATER, T0)
    with pytest.raises(PollClosed):
        await store.add_idea(round_.id, "Too late", "too late", b"tag-3")


async def test_polls_keep_their_rule(store: SqlStore) -> None:
    made = await store.create_poll(
        SPACE, "c", replace(spec(), rule=Rule.PARITY, quorum_each=50.0), b"s", T0)
    fresh = await SqlStore(store.engine).find_poll(SPACE, made.number)
    assert fresh is not None
    assert (fresh.spec.rule, fresh.spec.quorum_each) == (Rule.PARITY, 50.0)
