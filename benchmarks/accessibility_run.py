"""Benchmark: one accessibility run over 10 pages at 2 viewports, as a user starts it.

Starts the reference web application on loopback, writes a target file with 10 of its pages
(login included) and the default viewports (desktop 1280x800, mobile 375x667), runs
`conformance run --profile digitoegankelijk-wcag21aa --target FILE` in a child process and
prints the wall time (goal: under a minute on 2 cores), the time spent checking pages, the
verdict and the machine's load average (the machine may be shared).

    python benchmarks/accessibility_run.py [--runs 3] [--keep DIR]

Needs Debian's Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conformance_fixtures.web_app import PAGES, WebAppServer

USER, PASSWORD = "inwoner-bench", "bench-wachtwoord-2026"
#: the seven pages of the application and three more zaken: ten pages
BENCH_PAGES = (*PAGES, "/zaken/2", "/zaken/3", "/zaken/4")
GOAL_S = 60.0


def target_file(folder: Path, base_url: str) -> Path:
    path = folder / "referentie-web.yaml"
    pages = ", ".join(BENCH_PAGES)
    path.write_text(
        "supplier: {name: Referentie, product: Zaak indienen, version: bench}\n"
        f"environment: test\nweb:\n  base_url: {base_url}\n  pages: [{pages}]\n"
        "  login:\n    url: /inloggen\n"
        "    fields: [{selector: '#gebruikersnaam', value_env: BENCH_USER}, "
        "{selector: '#wachtwoord', value_env: BENCH_PASS}]\n"
        "    submit: \"button[type=submit]\"\n    logged_in: '#uitloggen'\n", encoding="utf-8")
    return path


def one_run(target: Path, out: Path) -> dict:
    env = {**os.environ, "BENCH_USER": USER, "BENCH_PASS": PASSWORD}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--profile",
                           "digitoegankelijk-wcag21aa", "--target", str(target), "--out",
                           str(out)], env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    results = out / "results.json"
    if not results.exists():
        return {"wall": wall, "verdict": f"crashed: {proc.stderr.strip()[-300:]}"}
    data = json.loads(results.read_text(encoding="utf-8"))
    return {"wall": wall, "verdict": data["verdict"], "checked": data["run"]["notes"][0],
            "pages_s": data["run"]["timings"]["pages"], "run_s": data["run"]["duration_s"],
            "requests": data["run"]["requests"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the artefacts of the runs here")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="accessibility-bench-"))
    runs = []
    try:
        with WebAppServer(username=USER, password=PASSWORD) as server:
            target = target_file(folder, server.base_url)
            for i in range(args.runs):
                result = one_run(target, (args.keep or folder) / f"run-{i + 1}")
                runs.append(result)
                print(f"run {i + 1}: {result['wall']:.1f} s wall, verdict {result['verdict']}"
                      + (f"; {result['checked']}; checking pages {result['pages_s']:.1f} s, "
                         f"the run {result['run_s']:.1f} s, {result['requests']} requests"
                         if "checked" in result else ""))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    walls = [r["wall"] for r in runs]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{len(BENCH_PAGES)} pages x 2 viewports: median {statistics.median(walls):.1f} s "
          f"wall (min {min(walls):.1f}, max {max(walls):.1f}) on {os.cpu_count()} cores, "
          f"load average {load}; goal under {GOAL_S:.0f} s: "
          + ("met" if statistics.median(walls) < GOAL_S else "NOT met"))
    ok = all(r["verdict"] == "conformant" for r in runs)
    return 0 if ok and statistics.median(walls) < GOAL_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
