"""Writing a file the user asked for without losing what was there."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UsageError


def write_new(path: Path, text: str, *, force: bool = False, ours: str | None = None,
              option: str = "path") -> None:
    """Write ``text`` to ``path`` in one step (a half-written file is never left behind).

    An existing file is replaced only with ``force``, or when it starts with ``ours`` (a file
    this tool wrote before and may write again); otherwise it is kept and a UsageError says so,
    naming the ``option`` that gives another path.
    """
    if path.exists() and not force:
        try:
            head = path.read_text(encoding="utf-8")[:len(ours or "")]
        except (OSError, UnicodeDecodeError):
            head = ""
        if ours is None or head != ours:
            raise UsageError(f"{path} exists and was not written by this command; give another "
                             f"{option}" + ("" if ours else ", or --force to replace it"))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
