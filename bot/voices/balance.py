"""The balance of voices: pure arithmetic over contribution counts (see docs/voices.md).

- **Voice ratio** of a group: its share of the space's contributions divided by its
  share of the space's members. 1 means it is heard in proportion to its size; 2
  means twice its share; 0.5 half.
- **Evenness**: 1 − Gini of per-member contribution counts (members who contributed
  nothing count as 0). 1 means everyone contributed the same; near 0 means one
  person made nearly every contribution.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.i18n import N_
from bot.model import Group
from bot.voice_model import BalancePolicy

#: The pseudo-group of members who belong to no declared group (its name is shown with
#: ``bot.i18n._``, in the reader's language).
UNGROUPED = Group("", N_("Not in any group"))


@dataclass(frozen=True)
class GroupBalance:
    """One group's figures. Shares are fractions from 0 to 1."""

    group: Group
    members: int
    contributors: int
    contributions: int
    member_share: float
    voice_share: float
    #: voice_share / member_share; None when the window holds no contributions.
    ratio: float | None
    evenness: float | None


@dataclass(frozen=True)
class Balance:
    """A space's balance of voices over a window, at group level only."""

    members: int
    contributors: int
    contributions: int
    evenness: float | None
    #: Groups with at least ``min_group_size`` members (and "not in any group", if any).
    groups: tuple[GroupBalance, ...]
    #: Names of declared groups too small to show figures for.
    too_small: tuple[str, ...]


def gini(counts: Sequence[float]) -> float:
    """The Gini coefficient of non-negative counts, in [0, 1).

    0 when all are equal (or there is nothing to share); (n − 1) / n when one of n holds
    everything. Computed on the sorted counts in O(n log n).
    """
    total = sum(counts)
    n = len(counts)
    if n == 0 or total <= 0:
        return 0.0
    weighted = sum(rank * value for rank, value in enumerate(sorted(counts), start=1))
    value = 2 * weighted / (n * total) - (n + 1) / n
    # Float rounding can stray a hair outside the range.
    return min(max(value, 0.0), 1.0)


def evenness(counts: Sequence[float]) -> float | None:
    """1 − Gini of the counts; None when nobody contributed (nothing to compare)."""
    if not counts or sum(counts) <= 0:
        return None
    return 1.0 - gini(counts)


def voice_ratio(voice_share: float, member_share: float) -> float | None:
    """A group's share of contributions over its share of members; None if undefined."""
    if member_share <= 0:
        return None
    return voice_share / member_share


def measure(
    groups: Sequence[Group],
    group_members: Mapping[str, set[str]],
    members: Iterable[str],
    totals: Mapping[str, int],
    min_group_size: int = 3,
) -> Balance:
    """The balance of a space.

    Args:
        groups: The space's declared groups.
        group_members: Group slug -> member keys.
        members: The space's members; group members and contributors are added to them.
        totals: Member -> contributions in the window.
        min_group_size: Smaller groups are listed by name only.
    """
    everyone = set(members) | set(totals)
    for slug in group_members:
        everyone |= group_members[slug]
    total = sum(totals.get(m, 0) for m in everyone)
    counts = [totals.get(m, 0) for m in everyone]
    shown: list[GroupBalance] = []
    too_small: list[str] = []
    grouped: set[str] = set()
    for group in groups:
        inside = group_members.get(group.slug, set())
        grouped |= inside
        if len(inside) < min_group_size:
            too_small.append(group.name)
            continue
        shown.append(_group(group, inside, totals, len(everyone), total))
    rest = everyone - grouped
    if groups and len(rest) >= min_group_size:
        shown.append(_group(UNGROUPED, rest, totals, len(everyone), total))
    return Balance(
        members=len(everyone),
        contributors=sum(1 for c in counts if c > 0),
        contributions=total,
        evenness=evenness(counts),
        groups=tuple(shown),
        too_small=tuple(too_small),
    )


def _group(
    group: Group, inside: set[str], totals: Mapping[str, int], everyone: int, total: int
) -> GroupBalance:
    counts = [totals.get(m, 0) for m in inside]
    made = sum(counts)
    member_share = len(inside) / everyone if everyone else 0.0
    voice_share = made / total if total else 0.0
    return GroupBalance(
        group=group,
        members=len(inside),
        contributors=sum(1 for c in counts if c > 0),
        contributions=made,
        member_share=member_share,
        voice_share=voice_share,
        ratio=voice_ratio(voice_share, member_share) if total else None,
        evenness=evenness(counts),
    )


def lopsided(balance: Balance, policy: BalancePolicy) -> list[GroupBalance]:
    """The declared groups heard well beyond their share (voice ratio above the threshold)."""
    if policy.threshold <= 0 or balance.contributions < policy.min_contributions:
        return []
    return [
        g for g in balance.groups
        if g.group.slug and g.ratio is not None and g.ratio > policy.threshold
    ]
