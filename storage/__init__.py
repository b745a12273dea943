"""Storage: SQLModel tables and ``SqlStore``, the store behind ``bot.ports.Store``."""

from __future__ import annotations

from storage.engine import make_engine
from storage.store import SqlStore

__all__ = ["SqlStore", "make_engine"]
