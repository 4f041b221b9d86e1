"""The accessibility profile (digitoegankelijk-wcag21aa) beyond the whole runs: the profile
equals axe-core's own rule metadata, the target file's web section, and a hostile web target
(a page that never yields, a page that is not there, requests to another origin, a login
value echoed into a page, a login that fails).

The whole runs against the reference web application are in test_whole_runs.py.
"""

from __future__ import annotations

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from conformance_fixtures.hostile import Witness
from runs import SEED, WEB_PROFILE, require_chromium

from conformance.engine.execute import RunOptions, execute
from conformance.errors import TargetError
from conformance.profiles import AxeCheck, load_profile
from conformance.report.artefacts import write_artefacts
from conformance.report.certificate import render_certificate
from conformance.targets import load_target_file

REPO = Path(__file__).resolve().parent.parent
PROFILE_FILE = REPO / "profiles" / f"{WEB_PROFILE}.yaml"
USER, PASSWORD = "inwoner-7391", "geheim-wachtwoord-83a1"
PAGE_TIMEOUT_S = 6  # a page that never yields costs this much


# --- the profile is axe-core's own mapping ----------------------------------------------------
def test_profile_equals_the_bundled_axe_core_rule_metadata():
    """Every criterion's rules are exactly the active A/AA rules tagged with it; a criterion
    without one is not tested for the declared reason; the file is what the generator
    writes, and it pins the very axe-core build the runs use."""
    require_chromium()
    from conformance.web.axe import criteria_rules, engine, other_criteria
    from conformance.web.mapping import current_rules, render_profile
    from conformance.web.wcag import CRITERIA, requirement_id

    rules = current_rules()
    assert len(rules) == 62  # axe-core 4.12.1 with wcag2a/wcag2aa/wcag21a/wcag21aa
    mapping = criteria_rules(rules)
    profile = load_profile(WEB_PROFILE)
    reqs = {r.id: r for r in profile.requirements}
    assert list(reqs) == [requirement_id(c) for c in CRITERIA] and len(reqs) == 50
    for criterion in CRITERIA:
        req = reqs[requirement_id(criterion)]
        named = [r for c in req.checks if isinstance(c, AxeCheck) for r in c.rules]
        assert named == mapping[criterion.id], criterion.id
        assert (req.not_tested is None) == bool(named), criterion.id
    assert sum(bool(v) for v in mapping.values()) == 19  # 31 need a human audit
    assert mapping["1.4.3"] == ["color-contrast"] and "link-name" in mapping["2.4.4"]
    assert mapping["4.1.1"] == []  # its duplicate-id rules are deprecated in axe-core 4.12
    # tags of rules for criteria outside A/AA are left out, not mistaken for one of the 50
    assert other_criteria(rules) == {"2.1.3": ["scrollable-region-focusable"]}
    assert profile.web.engine == {"name": "axe-core", "version": engine().version,
                                  "sha256": engine().sha256}
    assert PROFILE_FILE.read_text(encoding="utf-8") == render_profile(rules, engine())


# --- the target file's web section ------------------------------------------------------------
def _target(tmp_path: Path, web: str, *, extra: str = "") -> Path:
    path = tmp_path / "portaal.yaml"
    path.write_text("supplier: {name: Acme, product: Acme Portaal, version: '2.0'}\n"
                    f"environment: test\n{extra}web:\n{web}", encoding="utf-8")
    return path


def test_web_section_pages_viewports_login(tmp_path):
    path = _target(tmp_path, "  base_url: https://portaal.example.nl/app\n"
                             "  pages: [/, zaken, {path: 'https://portaal.example.nl/x?y=1', "
                             "name: Overzicht}]\n"
                             "  login:\n    url: /inloggen\n"
                             "    fields: [{selector: '#u', value_env: P_USER}, "
                             "{selector: '#p', value_env: P_PASS}]\n"
                             "    submit: button\n")
    target = load_target_file(path, {"P_USER": USER, "P_PASS": PASSWORD})
    site = target.web
    assert [p.url for p in site.pages] == ["https://portaal.example.nl/",
                                           "https://portaal.example.nl/app/zaken",
                                           "https://portaal.example.nl/x?y=1"]
    assert site.pages[2].name == "Overzicht"
    assert [(v.name, v.width) for v in site.viewports] == [("desktop", 1280), ("mobile", 375)]
    assert target.apis == {} and target.origins() == {"https://portaal.example.nl:443"}
    assert set(target.secrets()) == {USER, PASSWORD}
    summary = str(target.summary())
    assert USER not in summary and PASSWORD not in summary and "$P_PASS" in summary


@pytest.mark.parametrize(("web", "env", "message"), [
    ("  base_url: http://127.0.0.1:8000\n  pages: [/, 'http://127.0.0.2:8000/']\n", {},
     "portaal.yaml:5: page 'http://127.0.0.2:8000/' is not on http://127.0.0.1:8000"),
    ("  base_url: http://127.0.0.1:8000\n  pages: [/]\n  login:\n    url: /in\n"
     "    fields: [{selector: '#p', value_env: P_PASS}]\n    submit: button\n", {},
     "portaal.yaml:8: the value for login field '#p' is read from environment variable "
     "P_PASS, which is not set"),
    ("  base_url: http://127.0.0.1:8000\n  pages: []\n", {}, "portaal.yaml:5: target field "
     "'web.pages'"),
])
def test_web_section_errors_say_where(tmp_path, web, env, message):
    with pytest.raises(TargetError) as err:
        load_target_file(_target(tmp_path, web), env)
    assert message in str(err.value)


def test_target_without_apis_or_web_is_refused(tmp_path):
    path = tmp_path / "leeg.yaml"
    path.write_text("supplier: {name: A, product: B, version: '1'}\nenvironment: test\n",
                    encoding="utf-8")
    with pytest.raises(TargetError, match="leeg.yaml:1: a target file names 'apis'"):
        load_target_file(path, {})


def test_web_profile_against_an_api_target_is_a_usage_error(tmp_path, cli):
    path = tmp_path / "api.yaml"
    path.write_text("supplier: {name: A, product: B, version: '1'}\nenvironment: test\n"
                    "apis: {zaken: {base_url: 'http://127.0.0.1:9/zaken/api/v1'}}\n",
                    encoding="utf-8")
    run = cli("run", "--profile", WEB_PROFILE, "--target", str(path), "--out",
              str(tmp_path / "out"))
    assert run.code == 2 and "has no 'web' section" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    listed = cli("serve-reference", "--web", "--list-defects")
    assert listed.code == 0 and "image-without-alt" in listed.stdout
    assert "breaks 1.1.1" in listed.stdout
    unknown = cli("run", "--profile", WEB_PROFILE, "--defect", "no-such-defect")
    assert unknown.code == 2 and "--web --list-defects" in unknown.stderr
    no_browser = cli("run", "--profile", WEB_PROFILE, "--out", str(tmp_path / "nb"),
                     env={"CONFORMANCE_CHROMIUM": str(tmp_path / "no-chromium")})
    assert no_browser.code == 2 and "apt-get install chromium" in no_browser.stderr
    assert "Traceback" not in no_browser.stderr


# --- a hostile web target ---------------------------------------------------------------------
class HostileSite:
    """A loopback site with a login, a page that echoes the user name into an element that
    fails, a page whose script never yields, a missing page, and references to 127.0.0.2."""

    def __init__(self, other: str) -> None:
        sessions: set[str] = set()

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: str, headers: dict[str, str] | None = None):
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = self.path.split("?")[0]
                if path == "/login":
                    return self._send(200, PAGE.format(title="Inloggen", body=LOGIN))
                if (self.headers.get("Cookie") or "").removeprefix("s=") not in sessions:
                    return self._send(303, "", {"Location": "/login"})
                if path == "/ok":
                    return self._send(200, PAGE.format(title="Welkom", body=OK.format(
                        user=USER, other=other)))
                if path == "/hang":  # loads, then never yields again
                    return self._send(200, PAGE.format(title="Vast", body=HANG))
                return self._send(404, PAGE.format(title="Niet gevonden", body="<p>Weg.</p>"))

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                if form.get("u") == [USER] and form.get("p") == [PASSWORD]:
                    sessions.add("sessie-1")
                    return self._send(303, "", {"Location": "/ok", "Set-Cookie": "s=sessie-1"})
                return self._send(200, PAGE.format(title="Inloggen", body=LOGIN))

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


PAGE = ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>'
        '</head><body><main><h1>{title}</h1>{body}</main></body></html>')
LOGIN = ('<form method="post" action="/login"><label for="u">Naam</label><input id="u" name="u">'
         '<label for="p">Wachtwoord</label><input id="p" name="p" type="password">'
         '<button type="submit">Inloggen</button></form>')
OK = ('<p>Welkom {user}.</p><img src="/foto.svg" data-wie="{user}">'
      '<script src="{other}/volg.js"></script><img src="{other}/pixel.gif" alt="">'
      '<iframe src="{other}/advertentie" title="Advertentie"></iframe>')
HANG = ("<p>Een moment.</p><script>addEventListener('load', () => setTimeout(() => "
        "{ while (true) {} }, 0));</script>")


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    witness = Witness()
    site = HostileSite(witness.base)
    monkeypatch.setenv("H_USER", USER)
    monkeypatch.setenv("H_PASS", PASSWORD)
    yield site, witness
    site.close()
    witness.close()


def _hostile_target(tmp_path: Path, base: str, pages: str, password_env: str = "H_PASS"):
    path = _target(tmp_path, f"  base_url: {base}\n  pages: {pages}\n"
                             "  viewports: [{name: desktop, width: 1280, height: 800}]\n"
                             f"  page_timeout_s: {PAGE_TIMEOUT_S}\n"
                             "  login:\n    url: /login\n"
                             "    fields: [{selector: '#u', value_env: H_USER}, "
                             f"{{selector: '#p', value_env: {password_env}}}]\n"
                             "    submit: \"button[type=submit]\"\n")
    return load_target_file(path)


@pytest.mark.slow
def test_hostile_pages_are_bounded_fenced_in_and_masked(tmp_path, hostile):
    """A page that never yields is killed at its bound and the pages after it still run;
    a missing page is undecided, never passed; nothing outside the origin is contacted; a
    login value a page shows is masked in every artefact."""
    require_chromium()
    site, witness = hostile
    target = _hostile_target(tmp_path, site.base, "[/ok, /hang, /weg, '/ok?opnieuw=1']")
    out = tmp_path / "out"
    started = time.monotonic()
    result = execute(load_profile(WEB_PROFILE), target,
                     RunOptions(seed=SEED, budget="quick", out_dir=out, resolver=None))
    took = time.monotonic() - started
    assert took < 60, took
    assert witness.connections == 0, "127.0.0.2 (outside the target) was contacted"
    reqs = {r.id: r for r in result.requirements}
    assert result.verdict == "not_conformant" and reqs["wcag-1.1.1"].outcome == "failed"
    # the pages that could not be checked leave every criterion they might fail undecided
    assert reqs["wcag-1.4.3"].outcome == "error"
    assert (f"did not finish loading and checking within {PAGE_TIMEOUT_S} s"
            in reqs["wcag-1.4.3"].message)
    assert "the page answered HTTP 404" in reqs["wcag-1.4.3"].message
    notes = " ".join(result.run["notes"])
    assert notes.startswith("2 of 4 page views checked")
    assert "refused" in notes and "127.0.0.2" in notes and "not the target's origin" in notes
    evidence = [e.element for e in reqs["wcag-1.1.1"].evidence]
    assert {e["page"] for e in evidence} == {f"{site.base}/ok", f"{site.base}/ok?opnieuw=1"}
    assert all(USER not in e["html"] and "[REDACTED]" in e["html"] for e in evidence)
    paths = write_artefacts(result, out, secrets=target.secrets())  # the sweep finds nothing
    for path in paths.values():
        text = path.read_text(encoding="utf-8")
        assert USER not in text and PASSWORD not in text, path
    assert not (out / ".work-web").exists()
    page = render_certificate(result.to_dict(), lang="en")
    assert "What this automated test can and cannot show" in page
    assert 'href="screenshots/p01-desktop-image-alt.jpg"' in page


@pytest.mark.slow
def test_failed_login_leaves_every_page_undecided(tmp_path, hostile, monkeypatch):
    require_chromium()
    site, witness = hostile
    monkeypatch.setenv("H_WRONG", "niet-het-wachtwoord")
    target = _hostile_target(tmp_path, site.base, "[/ok]", password_env="H_WRONG")
    result = execute(load_profile(WEB_PROFILE), target,
                     RunOptions(seed=SEED, budget="quick", out_dir=tmp_path, resolver=None))
    assert result.verdict == "incomplete", result.verdict_reason
    decided = [r for r in result.requirements if r.checks]
    assert decided and all(r.outcome == "error" for r in decided)
    assert "the login step failed" in decided[0].message
    assert "still on" in decided[0].message and "niet-het-wachtwoord" not in str(result.to_dict())
    assert witness.connections == 0
    assert os.environ["H_WRONG"] not in " ".join(result.run["notes"])


# --- the nightly, as for the API profiles -----------------------------------------------------
@pytest.mark.slow
def test_nightly_checks_web_suppliers_and_reports_a_regression(tmp_path, monkeypatch):
    """A registry entry with the web profile: each supplier's pages are checked in a child
    `conformance run`; a defect that appears between two nightlies is a regression."""
    import json
    import subprocess
    import sys

    from conformance_fixtures.web_app import WebAppServer

    from conformance.nightly.store import open_store

    require_chromium()
    monkeypatch.setenv("NW_USER", USER)
    monkeypatch.setenv("NW_PASS", PASSWORD)

    def supplier(name: str, *defects: str) -> WebAppServer:
        server = WebAppServer(username=USER, password=PASSWORD,
                              defects=frozenset(defects)).__enter__()
        (tmp_path / f"{name}.yaml").write_text(
            f"supplier: {{name: {name}, product: {name} Portaal, version: '1'}}\n"
            f"environment: test\nweb:\n  base_url: {server.base_url}\n"
            "  pages: [/, /zaak/nieuw]\n"
            "  viewports: [{name: mobile, width: 375, height: 667}]\n"
            "  login:\n    url: /inloggen\n"
            "    fields: [{selector: '#gebruikersnaam', value_env: NW_USER}, "
            "{selector: '#wachtwoord', value_env: NW_PASS}]\n"
            "    submit: \"button[type=submit]\"\n    logged_in: '#uitloggen'\n",
            encoding="utf-8")
        return server

    def nightly(registry: str, nightly_id: str) -> subprocess.CompletedProcess:
        path = tmp_path / f"{nightly_id}.yaml"
        path.write_text(registry, encoding="utf-8")
        return subprocess.run(
            [sys.executable, "-m", "conformance", "nightly", str(path), "--db", db, "--out",
             str(tmp_path / "site"), "--nightly-id", nightly_id, "--parallel-runs", "2"],
            capture_output=True, text=True, timeout=300, check=False)

    entry = "  - {{name: {0}, target: {0}.yaml, profiles: [digitoegankelijk-wcag21aa]}}\n"
    db = f"sqlite:///{tmp_path / 'history.db'}"
    servers = [supplier("acme"), supplier("globex", "low-contrast")]
    try:
        first = nightly("suppliers:\n" + entry.format("acme") + entry.format("globex"), "n1")
        assert first.returncode == 0, first.stdout + first.stderr  # no regression yet
        servers.append(supplier("acme", "image-without-alt"))  # acme breaks 1.1.1
        second = nightly("suppliers:\n" + entry.format("acme"), "n2")
    finally:
        for server in servers:
            server.__exit__(None, None, None)
    assert second.returncode == 1, second.stdout + second.stderr
    assert "REGRESSION acme digitoegankelijk-wcag21aa: wcag-1.1.1" in second.stdout
    store = open_store(db)
    runs = {(r.nightly_id, r.supplier): r for r in store.runs()}
    store.close()
    assert runs[("n1", "acme")].outcome == "conformant"
    assert runs[("n1", "globex")].outcome == "not_conformant"
    assert runs[("n1", "globex")].requirements["wcag-1.4.3"] == ("MUST", "failed")
    assert runs[("n2", "acme")].requirements["wcag-1.1.1"] == ("MUST", "failed")
    run_dir = tmp_path / "site" / runs[("n2", "acme")].artefacts
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    shots = [e["element"]["screenshot"] for r in results["requirements"]
             for e in r["evidence"] if "screenshot" in e.get("element", {})]
    assert shots and all((run_dir / shot).is_file() for shot in shots)
    dashboard = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "digitoegankelijk-wcag21aa" in dashboard and "certificate.html" in dashboard


def test_login_on_a_read_only_production_target_is_refused_before_any_request(tmp_path):
    from conformance.errors import UsageError

    path = _target(tmp_path, "  base_url: https://portaal.example.nl\n  pages: [/]\n"
                             "  login:\n    url: /in\n"
                             "    fields: [{selector: '#p', value_env: P_PASS}]\n"
                             "    submit: button\n").read_text(encoding="utf-8")
    (tmp_path / "prod.yaml").write_text(path.replace("environment: test",
                                                     "environment: production"),
                                        encoding="utf-8")
    target = load_target_file(tmp_path / "prod.yaml", {"P_PASS": PASSWORD})
    with pytest.raises(UsageError, match="allows only GET, HEAD, OPTIONS"):
        execute(load_profile(WEB_PROFILE), target,
                RunOptions(seed=SEED, budget="quick", out_dir=tmp_path / "out", resolver=None))
    assert not (tmp_path / "out").exists()
