"""Nightly checks: registry, runner, regressions, webhooks, dashboard, resume, shards.

Simulated suppliers are real reference suppliers on loopback, one server per supplier,
each with its own defects; the profile is tests/test_nightly_profile.yaml (three API
Design Rules a defect flips), so one run takes a few seconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.nightly.registry import RegistryError, load_registry
from conformance.nightly.shard import Shard, parse_shard, select, shard_of
from conformance.nightly.status import (
    AT_RISK,
    SUSPENDED,
    UNKNOWN,
    VALID,
    certificate_status,
    change_of,
)
from conformance.nightly.store import RunRecord, open_store
from conformance.nightly.webhooks import Notifier, deliver
from conformance.reference import reference_spec_paths

PROFILE = Path(__file__).with_name("test_nightly_profile.yaml")
PROFILE_ID = "nightly-mini"
SECRET_ENV = "NIGHTLY_TEST_SECRET"
SECRET = "nightly-test-secret-0123456789abcdef"
CHROMIUM = Path("/usr/bin/chromium")
T0 = datetime(2026, 11, 1, 2, 0)


# --- simulated suppliers ------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HangingServer:
    """Accepts connections and never answers: a supplier that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def write_target(folder: Path, name: str, base_url: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"supplier: {{name: {name}, product: {name} Zaken, version: '1'}}\n"
                    "environment: test\n"
                    f"apis:\n  api: {{base_url: '{base_url}'}}\n"
                    f"auth: {{type: jwt-zgw, client_id: conformance, secret_env: {SECRET_ENV}}}\n",
                    encoding="utf-8")
    return path


def write_registry(folder: Path, name: str, entries: list[str], extra: str = "") -> Path:
    path = folder / name
    path.write_text(extra + "suppliers:\n" + "".join(f"  - {e}\n" for e in entries),
                    encoding="utf-8")
    return path


class Suppliers:
    """Reference suppliers on loopback, started on demand, stopped at the end."""

    def __init__(self, resolver, folder: Path) -> None:
        from conformance_fixtures.reference_supplier import ReferenceServer

        self._make = lambda defects: ReferenceServer(
            spec_paths=reference_spec_paths(resolver), client_id="conformance", secret=SECRET,
            defects=frozenset(defects))
        self.folder = folder
        self.servers: list = []

    def start(self, name: str, *defects: str) -> Path:
        server = self._make(defects).__enter__()
        self.servers.append(server)
        return write_target(self.folder, name, server.api_url("zaken"))

    def close(self) -> None:
        for server in self.servers:
            server.__exit__(None, None, None)


@pytest.fixture
def suppliers(resolver, tmp_path, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    made = Suppliers(resolver, tmp_path)
    yield made
    made.close()


class WebhookReceiver:
    """A loopback receiver that records JSON bodies; the first ``fail_first`` answer 500."""

    def __init__(self, fail_first: int = 0) -> None:
        received: list[dict] = []
        state = {"left": fail_first}

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if state["left"] > 0:
                    state["left"] -= 1
                    self.send_response(500)
                else:
                    received.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.received = received
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/conformance"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def nightly(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conformance", "nightly", *args],
                          capture_output=True, text=True, timeout=timeout, check=False)


def _entry(name: str, extra: str = "") -> str:
    return f"{{name: {name}, target: {name}.yaml, profiles: [{PROFILE}]{extra}}}"


# --- the whole story: two nightlies over simulated suppliers ------------------------------
def test_two_nightlies_matrix_regression_webhook_dashboard(suppliers, tmp_path, browser_page,
                                                           capsys):
    """Six suppliers with known defects give the expected matrix; a defect switched on
    between two nightlies is a regression, a status change, webhook calls and exit 1."""
    suppliers.start("acme")
    suppliers.start("globex", "no-api-version")  # MUST ADR-version-header fails
    suppliers.start("initech", "openapi-behind-auth")  # MUST ADR-publish-openapi fails
    suppliers.start("umbrella", "no-security-headers")  # SHOULD only: still conformant
    write_target(tmp_path, "hooli", f"http://127.0.0.1:{_free_port()}/zaken/api/v1")  # down
    hanging = HangingServer()
    write_target(tmp_path, "wayne", f"http://127.0.0.1:{hanging.port}/zaken/api/v1")
    names = ["acme", "globex", "initech", "umbrella", "hooli"]
    registry = write_registry(
        tmp_path, "registry.yaml",
        [_entry(n) for n in names] + [_entry("wayne", ", safety: {timeout_s: 6}")],
        extra="title: Nachtcontrole Regio Test\n")
    receiver = WebhookReceiver(fail_first=1)
    db = f"sqlite:///{tmp_path / 'history.db'}"
    site = tmp_path / "site"
    try:
        started = time.monotonic()
        first = nightly(str(registry), "--db", db, "--out", str(site), "--nightly-id", "n1",
                        "--parallel-runs", "3", "--webhook", receiver.url)
        first_wall = time.monotonic() - started
        assert first.returncode == 3, first.stdout + first.stderr  # hooli and wayne unchecked
        assert "REGRESSION" not in first.stdout

        store = open_store(db)
        runs = {r.supplier: r for r in store.runs(nightly_id="n1")}
        store.close()
        assert {s: r.outcome for s, r in runs.items()} == {
            "acme": "conformant", "globex": "not_conformant", "initech": "not_conformant",
            "umbrella": "conformant", "hooli": "incomplete", "wayne": "unchecked"}
        assert runs["globex"].requirements["ADR-version-header"] == ("MUST", "failed")
        assert runs["initech"].requirements["ADR-publish-openapi"] == ("MUST", "failed")
        assert (runs["umbrella"].must_passed, runs["umbrella"].must_total,
                runs["umbrella"].should_passed, runs["umbrella"].should_total) == (2, 2, 0, 1)
        assert (runs["acme"].must_passed, runs["acme"].should_passed) == (2, 1)
        # the hanging supplier was killed at its own bound and held nobody else up
        wayne_s = (runs["wayne"].finished_at - runs["wayne"].started_at).total_seconds()
        assert 5.5 < wayne_s < 15, wayne_s
        assert "killed after 6 s" in runs["wayne"].reason
        assert first_wall < 200
        assert receiver.received == []  # a pair's first run changes nothing worth a call

        # between the nightlies acme breaks: its API-Version header disappears. The second
        # registry holds two suppliers only, to keep the test short; history keeps all six.
        suppliers.start("acme", "no-api-version")
        acme = _entry("acme", f", certificates: {{{PROFILE_ID}: {{id: CERT-ACME-1}}}}")
        registry2 = write_registry(tmp_path, "registry2.yaml", [acme, _entry("umbrella")],
                                   extra="title: Nachtcontrole Regio Test\n")
        second = nightly(str(registry2), "--db", db, "--out", str(site), "--nightly-id", "n2",
                         "--parallel-runs", "3", "--webhook", receiver.url)
    finally:
        receiver_received = list(receiver.received)
        receiver.close()
        hanging.close()
    assert second.returncode == 1, second.stdout + second.stderr
    assert ("REGRESSION acme nightly-mini: ADR-version-header (status valid -> at_risk)"
            in second.stdout)
    events = {(e["event"], e["supplier"]) for e in receiver_received}
    assert events == {("regression", "acme"), ("status_changed", "acme")}, receiver_received
    regression = next(e for e in receiver_received if e["event"] == "regression")
    assert regression["requirements"] == ["ADR-version-header"]
    assert regression["nightly"] == "n2" and regression["profile"] == PROFILE_ID
    assert regression["certificate"] == "CERT-ACME-1"
    change = next(e for e in receiver_received if e["event"] == "status_changed")
    assert (change["from"], change["to"]) == (VALID, AT_RISK)

    store = open_store(db)
    notes = store.notifications()
    store.close()
    assert sorted((n["event"], n["delivered"]) for n in notes) == [
        ("regression", True), ("status_changed", True)]
    assert max(n["attempts"] for n in notes) == 2  # the receiver's first 500 was retried

    capsys.readouterr()
    assert main(["history", "--db", db, "--supplier", "acme", "--profile", PROFILE_ID]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "acme nightly-mini: certificate status at_risk"
    assert "conformant" in lines[1] and "-> valid" in lines[1]
    assert "not_conformant" in lines[2] and "REGRESSION ADR-version-header" in lines[2]

    _check_dashboard(browser_page, site)


def _check_dashboard(open_page, site: Path) -> None:
    page, console, requests = open_page(site / "index.html")
    assert console == []
    assert all(url.startswith("file://") for url in requests), requests
    assert page.title() == "Nachtcontrole Regio Test"
    assert page.locator("html").get_attribute("lang") == "nl"
    # regressions first: in the list at the top and as the first row of the matrix
    assert page.locator("#regressions .regression-item").count() == 1
    assert "acme" in page.locator("#regressions .regression-item").inner_text()
    rows = page.locator("table.matrix tbody tr")
    assert rows.count() == 6
    assert rows.nth(0).get_attribute("data-supplier") == "acme"
    status = {rows.nth(i).get_attribute("data-supplier"):
              rows.nth(i).locator("td").first.get_attribute("data-status") for i in range(6)}
    assert status == {"acme": AT_RISK, "globex": AT_RISK, "initech": AT_RISK,
                      "umbrella": VALID, "hooli": AT_RISK, "wayne": AT_RISK}
    assert "regression" in rows.nth(0).locator("td").first.get_attribute("class")
    assert "CERT-ACME-1" in rows.nth(0).inner_text()  # the certificate the status is about
    colour = rows.nth(0).locator("td").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(255, 243, 224)"  # at risk: the warning colour
    # a trend chart per supplier, drawn inline
    assert page.locator("section.supplier svg.trend").count() == 6
    assert page.locator("section.supplier svg.trend polyline.must").count() >= 2
    # every link to a certificate or technical log opens a file of the site
    hrefs = page.eval_on_selector_all("a[href$='.html']", "els => els.map(e => e.href)")
    assert any(h.endswith("/certificate.html") for h in hrefs)
    assert any(h.endswith("/report.html") for h in hrefs)
    for href in hrefs:
        assert Path(href.removeprefix("file://")).is_file(), href


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing; CI installs Debian's chromium")
        pytest.skip("/usr/bin/chromium is absent; apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking"])

        def open_page(path: Path):
            console: list[str] = []
            requests: list[str] = []
            page = browser.new_page()
            page.on("console", lambda m: m.type == "error" and console.append(m.text))
            page.on("pageerror", lambda e: console.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri(), wait_until="load")
            return page, console, requests

        yield open_page
        browser.close()


# --- feeding the public register ------------------------------------------------------------
def _register_with_certificates(folder: Path, names: list[str]) -> tuple[Path, Path, dict]:
    """A register holding one signed nightly-mini certificate per supplier; its key pair."""
    from report_samples import make_results

    from conformance.certify import build_certificate, generate_keypair, sign_certificate

    private, public = generate_keypair(folder / "register-keys")
    register, ids = folder / "register", {}
    for name in names:
        results = make_results(supplier_name=name, product=f"{name} Zaken", version="1")
        results["profile"]["id"] = PROFILE_ID
        document = sign_certificate(build_certificate(results, issuer="Regio Test",
                                                      valid_days=3650), private)
        path = folder / f"{name}-certificate.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        assert main(["register", "add", str(path), "--register", str(register),
                     "--key", str(private)]) == 0
        ids[name] = document["certificate"]["id"]
    return register, private, ids


def test_nightly_suspends_exactly_the_regressed_certificate_and_lifts_it(suppliers, tmp_path,
                                                                         capsys):
    """Window 2: initech passes on the first night, breaks, is at risk after the second
    and suspended after the third, a nightly over all three suppliers, which suspends its
    certificate in the register and no other; repaired, the suspension is lifted. (Only
    the third night checks all three, to keep the test short.)"""
    names = ["acme", "globex", "initech"]
    register, key, ids = _register_with_certificates(tmp_path, names)
    for name in names:
        suppliers.start(name)

    def registry(*members: str) -> Path:
        entries = [_entry(n, f", certificates: {{{PROFILE_ID}: {{id: {ids[n]}}}}}")
                   for n in members]
        return write_registry(tmp_path, "registry.yaml", entries, extra="status: {window: 2}\n")

    db = f"sqlite:///{tmp_path / 'history.db'}"

    def night(nightly_id: str, *members: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["nightly", str(registry(*members)), "--db", db, "--out",
                     str(tmp_path / "site"), "--nightly-id", nightly_id, "--parallel-runs", "3",
                     "--no-dashboard", "--register", str(register), "--register-key", str(key)])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    def entries() -> list[dict]:
        lines = (register / "log.jsonl").read_text("utf-8").splitlines()
        return [json.loads(line) for line in lines][len(names):]  # after the three adds

    assert night("n1", "initech")[0] == 0
    suppliers.start("initech", "no-api-version")  # MUST ADR-version-header fails from now on
    assert night("n2", "initech")[0] == 1 and entries() == []  # at risk: the grace night
    code, printed = night("n3", *names)
    assert code == 0, printed  # no new regression
    suspended = entries()
    assert [(e["type"], e["certificate"]) for e in suspended] == [("suspend", ids["initech"])]
    data = suspended[0]["data"]
    assert (data["source"], data["nightly"], data["supplier"]) == ("nightly", "n3", "initech")
    assert data["reason"] == ("Nachtelijke controle n3: 2 nachten op rij geen conformiteit voor "
                              "profiel nightly-mini; niet gehaald: ADR-version-header")
    assert f"register: suspend {ids['initech']} (initech, {PROFILE_ID})" in printed
    public = str(key.with_name("public.pem"))
    assert main(["register", "verify", "--register", str(register), "--trust", public]) == 0
    certificate = str(tmp_path / "initech-certificate.json")
    assert main(["verify", certificate, "--trust", public, "--register", str(register)]) == 1
    assert main(["verify", str(tmp_path / "acme-certificate.json"), "--trust", public,
                 "--register", str(register)]) == 0

    suppliers.start("initech")  # repaired: one conformant night makes it valid again
    assert night("n4", "initech")[0] == 0
    assert [(e["type"], e["certificate"], e["data"]["nightly"]) for e in entries()] == [
        ("suspend", ids["initech"], "n3"), ("unsuspend", ids["initech"], "n4")]
    assert main(["verify", certificate, "--trust", public, "--register", str(register)]) == 0


def test_register_feed_writes_each_change_once_and_lifts_only_its_own(tmp_path):
    """Without runs: changes as the status rule gives them, applied twice (a resumed
    nightly), and a suspension by the register keeper that the nightly must not lift."""
    from conformance.nightly.register_feed import RegisterFeed
    from conformance.nightly.status import Change
    from conformance.register.folder import change_status, open_register

    register, key, ids = _register_with_certificates(tmp_path, ["acme", "globex"])
    write_target(tmp_path, "acme", "http://127.0.0.1:9/zaken/api/v1")
    write_target(tmp_path, "globex", "http://127.0.0.1:9/zaken/api/v1")
    registry = load_registry(write_registry(tmp_path, "r.yaml", [
        _entry(n, f", certificates: {{{PROFILE_ID}: {{id: {ids[n]}}}}}")
        for n in ("acme", "globex")]))
    logged: list[str] = []
    feed = RegisterFeed(register, key, registry, registry.pairs(), window=3, lang="en",
                        log=logged.append)
    run = _run(3, "not_conformant", ADR_version_header="failed")

    def change(supplier: str, before: str, after: str) -> Change:
        return Change(supplier, PROFILE_ID, [], [], before, after, None, run)

    feed.apply(change("acme", AT_RISK, SUSPENDED), "n3")
    feed.apply(change("acme", AT_RISK, SUSPENDED), "n3")  # the resumed attempt
    feed.apply(change("acme", VALID, AT_RISK), "n3")  # no register entry for this
    change_status(open_register(register), ids["globex"], "suspend", key, "by hand")
    feed.apply(change("globex", SUSPENDED, VALID), "n4")  # not the nightly's suspension
    feed.apply(change("acme", SUSPENDED, VALID), "n4")
    log = [json.loads(line) for line in (register / "log.jsonl").read_text().splitlines()]
    assert [(e["type"], e["certificate"], e["data"]["source"]) for e in log[2:]] == [
        ("suspend", ids["acme"], "nightly"), ("suspend", ids["globex"], "manual"),
        ("unsuspend", ids["acme"], "nightly")]
    assert log[2]["data"]["reason"] == ("Nightly checks n3: 3 nights in a row without "
                                        "conformance for profile nightly-mini; not met: "
                                        "ADR-version-header")
    assert feed.errors == []


def test_nightly_refuses_a_registry_certificate_the_register_lacks(tmp_path, capsys):
    register, key, ids = _register_with_certificates(tmp_path, ["acme"])
    write_target(tmp_path, "acme", "http://127.0.0.1:9/zaken/api/v1")
    write_target(tmp_path, "globex", "http://127.0.0.1:9/zaken/api/v1")
    path = write_registry(tmp_path, "r.yaml", [
        _entry("acme", f", certificates: {{{PROFILE_ID}: {{id: {ids['acme']}}}}}"),
        _entry("globex", f", certificates: {{{PROFILE_ID}: {{id: CERT-2026-017}}}}")])
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert main(["nightly", str(path), "--db", db, "--register", str(register),
                 "--register-key", str(key)]) == 2
    assert "certificate 'CERT-2026-017' is not in the register" in capsys.readouterr().err
    assert main(["nightly", str(path), "--db", db, "--register", str(register)]) == 2
    assert "--register and --register-key go together" in capsys.readouterr().err
    assert open_store(db).runs() == []  # nothing ran


# --- resume -------------------------------------------------------------------------------
def test_killed_nightly_resumes_without_losing_or_duplicating(tmp_path, monkeypatch):
    """SIGKILL mid-nightly, start it again: the finished run is kept, the rest is run once."""
    monkeypatch.setenv(SECRET_ENV, SECRET)
    write_target(tmp_path, "a-down", f"http://127.0.0.1:{_free_port()}/zaken/api/v1")
    hanging = HangingServer()
    write_target(tmp_path, "b-hangs", f"http://127.0.0.1:{hanging.port}/zaken/api/v1")
    write_target(tmp_path, "c-down", f"http://127.0.0.1:{_free_port()}/zaken/api/v1")
    registry = write_registry(tmp_path, "registry.yaml",
                              [_entry("a-down"), _entry("b-hangs", ", safety: {timeout_s: 120}"),
                               _entry("c-down")])
    db = f"sqlite:///{tmp_path / 'history.db'}"
    args = [sys.executable, "-m", "conformance", "nightly", str(registry), "--db", db,
            "--out", str(tmp_path / "site"), "--nightly-id", "n-kill",
            "--concurrency", "1"]  # the old name of --parallel-runs, still read
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    b_dir = tmp_path / "site" / "runs" / "n-kill" / "b-hangs" / PROFILE_ID
    try:
        deadline = time.monotonic() + 120
        while not (b_dir / "nightly-run.log").exists():  # a-down done, b-hangs running
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(1.0)
        store = open_store(db)
        before = store.runs(nightly_id="n-kill")
        store.close()
        assert [r.supplier for r in before] == ["a-down"]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        time.sleep(0.5)
        # the run the nightly had started died with it (no orphan keeps testing b-hangs)
        assert str(b_dir) not in _all_cmdlines()
    finally:
        if proc.poll() is None:
            proc.kill()
        hanging.close()  # b-hangs is now simply down: the rerun gets through quickly

    rerun = nightly(*args[4:])
    assert rerun.returncode == 3, rerun.stdout + rerun.stderr
    assert "3 of 3 pair(s) done (1 from an earlier attempt)" in rerun.stdout
    store = open_store(db)
    after = store.runs(nightly_id="n-kill")
    store.close()
    assert sorted(r.supplier for r in after) == ["a-down", "b-hangs", "c-down"]
    assert next(r for r in after if r.supplier == "a-down").id == before[0].id  # kept as it was


def _all_cmdlines() -> str:
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            with contextlib.suppress(OSError):
                found.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                             .decode(errors="replace"))
    return "\n".join(found)


# --- shards -------------------------------------------------------------------------------
def test_shards_cover_every_pair_exactly_once(tmp_path):
    targets = []
    for i in range(25):
        write_target(tmp_path, f"s{i:02}", "http://127.0.0.1:9/zaken/api/v1")
        targets.append(f"{{name: s{i:02}, target: s{i:02}.yaml, profiles: [adr-2.1, zrc-1.5]}}")
    registry = load_registry(write_registry(tmp_path, "r.yaml", targets))
    pairs = registry.pairs()
    assert len(pairs) == 50
    for n in (1, 2, 3, 10):
        parts = [select(pairs, Shard(k, n)) for k in range(1, n + 1)]
        keys = [p.key for part in parts for p in part]
        assert sorted(keys) == sorted(p.key for p in pairs)  # complete, no pair twice
        assert all(parts) or n == 10
    # deterministic across processes and machines (no randomised hash()): a fixed value
    assert shard_of("acme", "zrc-1.5", 10) == shard_of("acme", "zrc-1.5", 10)
    assert [shard_of(f"s{i:02}", "zrc-1.5", 2) for i in range(6)] == [
        shard_of(f"s{i:02}", "zrc-1.5", 2) for i in range(6)]
    assert parse_shard("3/10") == Shard(3, 10)
    for bad in ("0/3", "4/3", "3", "a/b", ""):
        with pytest.raises(Exception, match="expected K/N"):
            parse_shard(bad)


# --- status rule --------------------------------------------------------------------------
def _run(day: int, outcome: str, **reqs: str) -> RunRecord:
    return RunRecord(nightly_id=f"n{day}", supplier="acme", profile="zrc-1.5",
                     started_at=T0 + timedelta(days=day),
                     finished_at=T0 + timedelta(days=day, minutes=5), outcome=outcome,
                     requirements={k.replace("_", "-"): ("MUST", v) for k, v in reqs.items()},
                     id=day + 1)


def test_certificate_status_rule_with_grace_period():
    ok, bad = "conformant", "not_conformant"
    assert certificate_status([], 3) == UNKNOWN
    assert certificate_status([_run(0, ok)], 3) == VALID
    assert certificate_status([_run(0, ok), _run(1, bad)], 3) == AT_RISK
    assert certificate_status([_run(0, ok), _run(1, bad), _run(2, bad)], 3) == AT_RISK  # grace
    assert certificate_status([_run(i, bad) for i in range(3)], 3) == SUSPENDED
    assert certificate_status([_run(i, bad) for i in range(3)] + [_run(3, ok)], 3) == VALID
    # a supplier that is only unreachable is never suspended on that alone
    down = [_run(i, "unchecked") for i in range(5)]
    assert certificate_status(down, 3) == AT_RISK
    assert certificate_status([_run(0, bad), _run(1, "unchecked"), _run(2, "incomplete")],
                              3) == SUSPENDED
    assert certificate_status([_run(i, bad) for i in range(4)], 5) == AT_RISK  # longer window


def test_regressions_and_recoveries_skip_nights_without_a_verdict():
    history = [_run(0, "conformant", zrc_001="passed", zrc_002="failed"),
               _run(1, "unchecked"),  # the supplier was down: compared with the night before
               _run(2, "not_conformant", zrc_001="failed", zrc_002="passed")]
    change = change_of(history, history[2], 3)
    assert change.regressions == ["zrc-001"] and change.recoveries == ["zrc-002"]
    assert change.previous_run is history[0]
    assert (change.status_before, change.status_after) == (AT_RISK, AT_RISK)
    assert change_of(history, history[1], 3).regressions == []  # no verdict, no regression
    first = change_of(history[:1], history[0], 3)
    assert (first.regressions, first.status_before, first.status_after) == ([], UNKNOWN, VALID)
    # error (could not decide) is not failed: no regression, no crying wolf
    flaky = [_run(0, "conformant", zrc_001="passed"), _run(1, "incomplete", zrc_001="error")]
    assert change_of(flaky, flaky[1], 3).regressions == []


# --- webhooks -----------------------------------------------------------------------------
def test_webhook_failures_are_retried_logged_and_never_fatal(capsys):
    payload = {"event": "regression", "nightly": "n1", "supplier": "acme",
               "profile": "zrc-1.5", "requirements": ["zrc-001"]}
    dead = f"http://127.0.0.1:{_free_port()}/hook"
    row = deliver(dead, payload, attempts=3, backoff_s=0.01, timeout_s=2)
    assert (row["delivered"], row["attempts"]) == (False, 3)
    assert "ConnectError" in row["error"]
    assert capsys.readouterr().err.count("attempt") == 3
    receiver = WebhookReceiver(fail_first=2)
    try:
        notifier = Notifier([receiver.url, dead], attempts=3, backoff_s=0.01, timeout_s=2)
        notifier.send(payload)
        rows = notifier.close()
    finally:
        receiver.close()
    assert receiver.received == [payload]
    assert sorted((r["url"] == dead, r["delivered"], r["attempts"]) for r in rows) == [
        (False, True, 3), (True, False, 3)]


# --- registry -----------------------------------------------------------------------------
def test_registry_accepts_ids_and_files_relative_to_it(tmp_path):
    (tmp_path / "targets").mkdir()
    write_target(tmp_path / "targets", "acme", "http://127.0.0.1:9/zaken/api/v1")
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "mini.yaml").write_text(PROFILE.read_text("utf-8"), "utf-8")
    registry = load_registry(write_registry(tmp_path, "r.yaml", [
        "{name: acme, target: targets/acme.yaml, profiles: [zrc-1.5, profiles/mini.yaml],"
        " certificates: {zrc-1.5: {id: CERT-2026-017, valid_until: 2027-06-30}},"
        " safety: {budget: thorough, timeout_s: 600, parallel_runs: 2}}",
        "{name: globex, target: targets/acme.yaml, profiles: [drc-1.4]}"],
        extra="defaults: {timeout_s: 900, request_timeout_s: 5}\nstatus: {window: 4}\n"))
    acme, globex = registry.suppliers
    assert [p.key for p in acme.profiles] == ["zrc-1.5", PROFILE_ID]
    assert acme.profiles[1].arg == str(tmp_path / "profiles" / "mini.yaml")
    assert acme.target == tmp_path / "targets" / "acme.yaml"
    assert (acme.safety.budget, acme.safety.timeout_s, acme.safety.parallel_runs,
            acme.safety.request_timeout_s) == ("thorough", 600, 2, 5)
    assert (globex.safety.budget, globex.safety.timeout_s) == (None, 900)
    assert registry.certificate("acme", "zrc-1.5").valid_until == "2027-06-30"
    assert registry.window == 4
    assert [p.key for p in registry.pairs()] == [("acme", PROFILE_ID), ("acme", "zrc-1.5"),
                                                 ("globex", "drc-1.4")]


def test_the_old_name_of_parallel_runs_is_still_read(tmp_path):
    """Registries written before the rename keep their meaning: runs against one supplier
    at the same time, in defaults and per supplier."""
    write_target(tmp_path, "acme", "http://127.0.0.1:9/zaken/api/v1")
    registry = load_registry(write_registry(tmp_path, "r.yaml", [
        "{name: acme, target: acme.yaml, profiles: [zrc-1.5], safety: {concurrency: 3}}",
        "{name: globex, target: acme.yaml, profiles: [drc-1.4]}"],
        extra="defaults: {concurrency: 2}\n"))
    assert [s.safety.parallel_runs for s in registry.suppliers] == [3, 2]


@pytest.mark.parametrize(("entries", "message"), [
    (["{name: acme, target: acme.yaml, profiles: [zrc-1.5]}",
      "{name: acme, target: acme.yaml, profiles: [drc-1.4]}"],
     r"r.yaml:3: supplier name 'acme' is used twice"),
    (["{name: acme, target: nowhere.yaml, profiles: [zrc-1.5]}"],
     r"r.yaml:2: target file nowhere.yaml not found"),
    (["{name: acme, target: acme.yaml, profiles: [zrc-9.9]}"],
     r"r.yaml:2: unknown profile 'zrc-9.9'; built-in profiles are"),
    (["{name: acme, target: acme.yaml, profiles: [zrc-1.5], safety: {budget: huge}}"],
     r"r.yaml:2: registry field 'suppliers.0.safety.budget'"),
    (["{name: acme, target: acme.yaml, profiles: [zrc-1.5], "
      "safety: {parallel_runs: 2, concurrency: 3}}"],
     r"r.yaml:2: registry field 'suppliers.0.safety': gives both parallel_runs and concurrency, "
     r"its old name; keep parallel_runs only"),
    (["{name: acme, target: acme.yaml, profiles: [zrc-1.5], "
      "certificates: {drc-1.4: {id: C-1}}}"],
     r"certificate for profile 'drc-1.4', which is not among"),
])
def test_registry_errors_say_where_and_what(tmp_path, entries, message):
    write_target(tmp_path, "acme", "http://127.0.0.1:9/zaken/api/v1")
    with pytest.raises(RegistryError, match=message):
        load_registry(write_registry(tmp_path, "r.yaml", entries))


def test_bad_registry_or_shard_exits_2_before_any_run(tmp_path, capsys):
    bad = tmp_path / "r.yaml"
    bad.write_text("suppliers:\n  - {name: acme, profiles: [zrc-1.5]}\n", encoding="utf-8")
    assert main(["nightly", str(bad), "--db", f"sqlite:///{tmp_path / 'h.db'}"]) == 2
    assert "r.yaml:2: registry field 'suppliers.0': 'target' is a required property" in (
        capsys.readouterr().err)
    write_target(tmp_path, "acme", "http://127.0.0.1:9/zaken/api/v1")
    good = write_registry(tmp_path, "g.yaml", ["{name: acme, target: acme.yaml, "
                                               "profiles: [zrc-1.5]}"])
    assert main(["nightly", str(good), "--shard", "5/4"]) == 2
    assert "expected K/N" in capsys.readouterr().err
    assert not (tmp_path / "h.db").exists() or open_store(
        f"sqlite:///{tmp_path / 'h.db'}").runs() == []
