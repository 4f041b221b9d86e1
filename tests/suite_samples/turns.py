"""Sample suite tests that note when they ran, for test_suite_turns: each sleeps a little, so
that tests which may overlap do, and writes (name, alone, start, end) to $TURNS_LOG."""

from __future__ import annotations

import json
import os
import time

import pytest

PAUSE_S = 0.4


def _ran(name: str, alone: bool) -> None:
    start = time.monotonic()
    time.sleep(PAUSE_S)
    with open(os.environ["TURNS_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps([name, alone, start, time.monotonic()]) + "\n")


@pytest.mark.parametrize("n", range(6))
def test_beside_others(n: int) -> None:
    _ran(f"beside-{n}", False)


@pytest.mark.alone
@pytest.mark.parametrize("n", range(2))
def test_alone(n: int) -> None:
    _ran(f"alone-{n}", True)


def test_fails_with_a_record() -> None:
    _ran("fails", False)
    raise AssertionError("a deviation, recorded from its worker")
