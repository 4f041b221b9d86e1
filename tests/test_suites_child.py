"""The suites' child process runs the same copy of the harness as the run that starts it.

A checkout started with ``python -m conformance`` next to another installed copy (a
developer's clone, a pinned release in the same virtualenv) once made the child load its
plugin from one copy and the suite files from the other: pytest collected nothing and every
suite requirement was undecided.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import conformance

RUN_SUITES = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import conformance
from conformance.engine.suites import run_suites
refs = ["conformance.suites.notifications:test_zaken_writes_are_notified"]
context = {"apis": {"zaken": "http://127.0.0.1:9/zaken/api/v1"}, "auth_type": "none",
           "seed": 1, "environment": "test", "fixtures": {}, "tested_apis": ["zaken"]}
outcome = run_suites(refs, context, None, Path(sys.argv[2]), None, "copy")
print(json.dumps({"package": conformance.__file__, "errors": outcome.errors,
                  "records": {k: [r["outcome"] for r in v] for k, v in outcome.records.items()}}))
"""


def test_a_second_copy_of_the_harness_runs_its_own_suites(tmp_path: Path):
    copy = tmp_path / "checkout"
    shutil.copytree(Path(conformance.__file__).parent, copy / "conformance",
                    ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-c", RUN_SUITES, str(copy), str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["package"].startswith(str(copy))  # the parent ran the copy, not the install
    assert seen["errors"] == []
    assert seen["records"] == {
        "conformance.suites.notifications:test_zaken_writes_are_notified": ["skipped"]}
