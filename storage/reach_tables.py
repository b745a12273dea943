"""The table of members a platform could not reach privately (their DMs are closed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from storage.tables import AwareDateTime


def _when() -> Any:
    return Field(default=None, sa_type=AwareDateTime(), nullable=False)


class UnreachableRow(SQLModel, table=True):
    """A member whose private messages the platform refused (Discord error 50007).

    Only the member's key and when it happened: never what the message said.
    """

    __tablename__ = "unreachable_member"

    member: str = Field(primary_key=True)
    since: datetime = _when()
