"""Saving a ``PrivateFile`` in the playground: whole or not at all, readable by its owner.

The bytes go to a hidden temporary file in the same folder, which is then renamed
into place, so a full disk or a crash never leaves half a file under the real name.
The file is made readable by the owner only (it names people).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from bot.effects import PrivateFile


def save_file(folder: Path | None, effect: PrivateFile) -> Path:
    """Write the effect's file into ``folder`` (None: the current folder); its path.

    Raises:
        OSError: It could not be written; nothing is left behind.
    """
    where = Path.cwd() if folder is None else folder
    # The core makes the name; keep it a plain name all the same (no folders, no dot-files).
    name = Path(effect.filename).name.lstrip(".") or "file"
    target = where / name
    handle, temporary = tempfile.mkstemp(dir=where, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(effect.content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return target.resolve()
