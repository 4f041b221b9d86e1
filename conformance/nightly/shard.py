"""``--shard K/N``: which (supplier, profile) pairs this worker checks.

A pair belongs to shard ``sha256(supplier, profile) mod N``: no coordination, no queue,
the same answer on every machine and every night, so N workers started by an existing
engine (a Kubernetes Indexed Job, a CI matrix) cover every pair exactly once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import UsageError


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as a person writes "3/10"
    count: int

    def owns(self, supplier: str, profile: str) -> bool:
        return shard_of(supplier, profile, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


ALL = Shard(1, 1)


def parse_shard(text: str) -> Shard:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise UsageError(f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 3/10 for the "
                         "third of ten workers (Kubernetes: $((JOB_COMPLETION_INDEX + 1))/N)")
    return Shard(int(m.group(1)), int(m.group(2)))


def shard_of(supplier: str, profile: str, count: int) -> int:
    """The 1-based shard of a pair; a stable hash (never Python's randomised ``hash``)."""
    digest = hashlib.sha256(f"{supplier}\x00{profile}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def select(pairs: Iterable, shard: Shard) -> list:
    """The pairs (objects with ``.key == (supplier, profile)``) this shard checks."""
    return [p for p in pairs if shard.owns(*p.key)]
