"""The SQLite database and its -wal and -shm files are owner-only (issue 11)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import SqlStore, make_engine
from tests.storage.helpers import SPACE, T0, spec, sqlite_url


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems give a service (files would be 0644)."""
    saved = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(saved)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def _write_something(path: Path) -> SqlStore:
    store = SqlStore(make_engine(sqlite_url(path)))
    await store.start()
    await store.create_poll(SPACE, "c", spec(), b"salt", T0)
    return store


async def test_a_new_database_and_its_wal_and_shm_are_owner_only(tmp_path, usual_umask):
    db = tmp_path / "roundtable.db"
    store = await _write_something(db)
    try:
        files = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
        assert all(path.exists() for path in files)
        assert {path.name: _mode(path) for path in files} == {path.name: 0o600 for path in files}
    finally:
        await store.close()


async def test_the_operators_own_permissions_are_left_alone(tmp_path, usual_umask, caplog):
    db = tmp_path / "roundtable.db"
    await (await _write_something(db)).close()
    assert "chmod" not in caplog.text
    os.chmod(db, 0o640)
    store = await _write_something(db)
    try:
        assert _mode(db) == 0o640
    finally:
        await store.close()
    # ... but they are told how to make it private.
    assert f"chmod 600 {db}*" in caplog.text


async def test_memory_and_uri_databases_make_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for url in ("sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:"):
        await make_engine(url).dispose()
    assert list(tmp_path.iterdir()) == []
