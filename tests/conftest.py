"""Shared fixtures: the pinned specs (offline), the reference supplier, CLI runs.

Tests never download: they use $CONFORMANCE_SPEC_DIR, else ../shared/specs beside the
checkout, else the user cache that `conformance run` fills on a machine with internet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance.specs import OFFLINE_ENV, SPEC_DIR_ENV, SpecResolver, default_cache_dir

REPO = Path(__file__).resolve().parent.parent


def _spec_dir() -> Path:
    if os.environ.get(SPEC_DIR_ENV):
        return Path(os.environ[SPEC_DIR_ENV]).resolve()
    shared = REPO.parent / "shared" / "specs"
    return shared if shared.is_dir() else default_cache_dir()


SPEC_DIR = _spec_dir()
os.environ[SPEC_DIR_ENV] = str(SPEC_DIR)
os.environ[OFFLINE_ENV] = "1"


@pytest.fixture(scope="session")
def spec_dir() -> Path:
    return SPEC_DIR


@pytest.fixture(scope="session")
def resolver() -> SpecResolver:
    return SpecResolver(spec_dir=SPEC_DIR, cache_dir=None, offline=True)


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 600) -> CliResult:
    """Run `python -m conformance ...` as a user would, in a child process."""
    proc = subprocess.run([sys.executable, "-m", "conformance", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, **(env or {})}, check=False)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli():
    return run_cli


#: modules whose tests are whole certification runs (20-60 s each on 2 cores)
LONG_RUNNING = ("test_whole_runs.py", "test_run_artefacts.py", "test_nightly.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The whole runs first: xdist's workers then end together on short tests, instead of
    one of them finishing a minute-long run alone (they were last by file name)."""
    items.sort(key=lambda item: item.path.name not in LONG_RUNNING)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than the cores. Many tests wait on loopback servers and
    child processes (the suites' pytest, the nightly's runs): at one worker per core a quarter
    of the CPU sat idle (CI on 2 cores: 19.3 CPU-minutes in 12.9 minutes)."""
    return len(os.sched_getaffinity(0)) + 1
