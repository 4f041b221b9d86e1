"""Run the profile's business-rule suites in a child pytest process.

A child process keeps the suites' pytest session apart from whatever process
runs the harness (including the harness's own test run), gives assertion
rewriting to the suite modules, and lets pytest-html write the technical log.
The secret reaches the child through its environment, never its command line.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .suite_plugin import CLEANUP_FILE, CLIENT_SECRETS_ENV, SECRET_ENV

SUITE_TIMEOUT_S = 1800


@dataclass
class SuiteOutcome:
    records: dict[str, list[dict[str, Any]]]  # "module:function" -> records (one per test item)
    errors: list[str]
    duration_s: float
    report_html: Path | None
    cleanup: list[dict[str, Any]] = field(default_factory=list)  # what the tests made, removed?


def _module_file(module: str) -> str:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"suite module {module} cannot be found")
    return spec.origin


def run_suites(refs: list[str], context: dict[str, Any], secret: str | None, work_dir: Path,
               report_html: Path | None, title: str, timeout_s: float = SUITE_TIMEOUT_S,
               client_secrets: dict[str, str] | None = None) -> SuiteOutcome:
    """Run the named tests (``module:function``); one record list per ref."""
    started = time.monotonic()
    if not refs:
        return SuiteOutcome({}, [], 0.0, None)
    work_dir = work_dir.resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    report_html = report_html.resolve() if report_html is not None else None
    ctx_file = work_dir / "suite-context.json"
    res_file = work_dir / "suite-results.json"
    ini = work_dir / "pytest.ini"
    ctx_file.write_text(json.dumps({**context, "title": title}), encoding="utf-8")
    ini.write_text("[pytest]\n", encoding="utf-8")
    node_ids = [f"{_module_file(r.split(':')[0])}::{r.split(':')[1]}" for r in refs]
    args = [sys.executable, "-m", "pytest", "-c", str(ini), "--rootdir", str(work_dir),
            "-p", "conformance.engine.suite_plugin", "-p", "no:cacheprovider",
            # only the plugins the suites need: autoloading every installed plugin
            # (schemathesis, hypothesis, playwright ...) costs seconds per run
            "-p", "pytest_metadata.plugin", "-p", "pytest_html.plugin",
            "--conformance-context", str(ctx_file), "--conformance-results", str(res_file),
            "-q", "--no-header",
            # the suites live inside the installed package, i.e. inside a virtualenv,
            # which pytest otherwise refuses to collect from
            "--collect-in-virtualenv"]
    if report_html is not None:
        args += [f"--html={report_html}", "--self-contained-html"]
    env = {k: v for k, v in os.environ.items() if k not in (SECRET_ENV, CLIENT_SECRETS_ENV)}
    if client_secrets:  # the target's further clients (auth.clients), by name
        env[CLIENT_SECRETS_ENV] = json.dumps(client_secrets)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if secret:
        env[SECRET_ENV] = secret
    errors: list[str] = []
    try:
        # cwd: not the caller's folder, whose own copy of `conformance` (a checkout) would
        # shadow the installed package the suite files are collected from
        proc = subprocess.run(args + node_ids, env=env, capture_output=True, text=True,
                              timeout=timeout_s, check=False, cwd=work_dir)
        if proc.returncode not in (0, 1):
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
            errors.append(f"suite run ended with pytest exit code {proc.returncode}: "
                          + " | ".join(tail))
    except subprocess.TimeoutExpired:
        errors.append(f"the suites did not finish within {timeout_s:.0f} s and were stopped")
    records: dict[str, list[dict[str, Any]]] = {}
    if res_file.exists():
        for record in json.loads(res_file.read_text(encoding="utf-8")):
            records.setdefault(record["ref"], []).append(record)
    cleanup_file = work_dir / CLEANUP_FILE
    cleanup = json.loads(cleanup_file.read_text(encoding="utf-8")) if cleanup_file.exists() else []
    # the scratch files are not artefacts: read, then gone (only the swept artefacts remain)
    shutil.rmtree(work_dir, ignore_errors=True)
    return SuiteOutcome(records, errors, time.monotonic() - started,
                        report_html if report_html and report_html.exists() else None, cleanup)
