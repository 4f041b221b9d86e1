"""What a real run leaves behind: signed, verifiable, free of secrets, safe to open.

These run the CLI as a user would, against the reference supplier on loopback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conformance_fixtures.reference_supplier import ReferenceServer
from conftest import run_cli
from runs import assert_clean
from test_browser import CHROMIUM, Opened

from conformance.reference import (
    SECRET_ENVS,
    reference_auth,
    reference_spec_paths,
    reference_target_file,
    server_credentials,
)
from conformance.report.certificate import page_title

PROFILES = Path(__file__).resolve().parent.parent / "profiles"
SECRET = "known-secret-4f0c9a7e1b2d-0123456789abcdef"
ENV = {SECRET_ENVS["main"]: SECRET, SECRET_ENVS["restricted"]: "second-" + SECRET,
       SECRET_ENVS["vwl-normaal"]: "third-" + SECRET}
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.")

pytestmark = pytest.mark.slow


def test_signed_run_conformant_secret_free_and_verifiable(tmp_path, resolver):
    """A quick signed zrc-1.5 run against a live supplier, with the complete target file
    `serve-reference --write-target` writes (every API, all three clients) and known secrets
    in the environment. It is also the whole clean run of zrc-1.5 (test_whole_runs certifies
    the other profiles): a hand-started reference supplier is conformant in full. One test,
    so that parallel workers never make the run twice. At --concurrency 1, the behaviour from
    before requests ran side by side (the defect tables and test_concurrency run at the
    default 4); it also keeps the longest test of the suite off a starved core's thread
    switching (128 s at 4 in CI next to another worker, 46 s alone)."""
    keys = tmp_path / "keys"
    assert run_cli("keygen", "--out", str(keys)).code == 0
    auth = reference_auth(ENV)
    with ReferenceServer(spec_paths=reference_spec_paths(resolver),
                         **server_credentials(auth)) as server:
        document = yaml.safe_load(reference_target_file(server.base_url, server.api_url, auth))
        document["supplier"] = {"name": "Acme", "product": "Acme Zaken", "version": "4.2"}
        target = tmp_path / "acme.yaml"
        target.write_text(yaml.safe_dump(document), encoding="utf-8")
        out = tmp_path / "out"
        result = run_cli("run", "--target", str(target), "--budget", "quick", "--seed", "7",
                         "--concurrency", "1", "--sign-key", str(keys / "private.pem"),
                         "--out", str(out), env=ENV)
    assert result.code == 0, result.stdout + result.stderr
    safety = json.loads((out / "results.json").read_text(encoding="utf-8"))["run"]["safety"]
    assert safety["max_concurrency"] == 1  # --concurrency below the target file's default 4
    _assert_every_artefact_conformant(out)
    _assert_no_secret_or_token(out)
    _assert_verifies_and_tampering_fails(out, keys, tmp_path)


def _assert_every_artefact_conformant(out: Path) -> None:
    for name in ("results.json", "certificate.html", "certificate.json", "junit.xml",
                 "badge.svg", "report.html"):
        assert (out / name).is_file(), name
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert_clean(results)
    assert results["profile"]["provenance"] == "builtin"
    assert results["run"]["seed"] == 7 and results["run"]["budget"] == "quick"
    assert results["target"]["supplier"]["name"] == "Acme"


def _assert_no_secret_or_token(out: Path) -> None:
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 6
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        assert not any(secret in text for secret in ENV.values()), path
        assert not JWT.search(text), (path, JWT.search(text))
        assert "Bearer ey" not in text, path


def _assert_verifies_and_tampering_fails(out: Path, keys: Path, tmp_path: Path) -> None:
    trust = ["--trust", str(keys / "public.pem")]
    for name in ("certificate.html", "certificate.json"):
        ok = run_cli("verify", str(out / name), *trust)
        assert ok.code == 0, ok.stdout + ok.stderr
    tampered = tmp_path / "certificate.json"
    text = (out / "certificate.json").read_text(encoding="utf-8")
    tampered.write_text(text.replace('"conformant"', '"conformanT"', 1), encoding="utf-8")
    bad = run_cli("verify", str(tampered), *trust)
    assert bad.code == 1 and "FAIL" in bad.stdout


def _zaak_operations_only(tmp_path: Path) -> Path:
    """zrc-1.5 cut down to the zaak operations and the two contract rules that see the
    markup: a custom profile, a third of a whole run's time, the same certificate page."""
    profile = yaml.safe_load((PROFILES / "zrc-1.5.yaml").read_text(encoding="utf-8"))
    zaken = profile["standards"]["zaken"]
    zaken["operations"] = [op for op in zaken["operations"] if op.startswith("zaak_")]
    kept = set(zaken["operations"])
    gaps = []
    for gap in profile["contract"]["spec_gaps"]:
        gap["operations"] = [op for op in gap["operations"] if op in kept]
        if gap["operations"]:
            gaps.append(gap)
    profile["contract"]["spec_gaps"] = gaps
    profile["contract"]["ignored_query"] = [
        q for q in profile["contract"]["ignored_query"] if q.get("operation") in (None, *kept)]
    profile["requirements"] = [r for r in profile["requirements"]
                               if r["id"] in ("ZRC-OAS-schema", "ZRC-OAS-positive")]
    del profile["includes"]
    profile["requires"] = {"apis": {"catalogi": profile["requires"]["apis"]["catalogi"]}}
    path = tmp_path / "zrc-zaak-only.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (CI installs it)")
def test_hostile_supplier_markup_changes_nothing_on_the_page(tmp_path):
    out = tmp_path / "hostile"
    res = run_cli("run", "--profile", str(_zaak_operations_only(tmp_path)), "--defect",
                  "script-in-fields", "--budget", "quick", "--seed", "7", "--out", str(out))
    assert res.code == 1, res.stdout + res.stderr  # the markup breaks omschrijving's maxLength
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    html = (out / "certificate.html").read_text(encoding="utf-8")
    assert "<script>document.title" not in html  # only ever escaped
    assert "&lt;script&gt;document.title" in html  # and shown as evidence
    # the operations the cut-down profile leaves out are on the page, with why
    left_out = [row for row in results["coverage"] if row.get("excluded")]
    assert {row["operation"] for row in left_out} >= {"status_list", "rol_create"}
    assert "buiten dit profiel gelaten" in html
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking"])
        opened = Opened(browser, out / "certificate.html")
        page = opened.page
        for summary in page.locator("details summary").all():
            summary.click()
        page.wait_for_timeout(100)
        assert page.evaluate("document.title") == page_title(results)
        counts = page.evaluate("""() => ({
            scripts: document.querySelectorAll('script:not([type="application/json"])').length,
            imgs: document.images.length})""")
        assert counts == {"scripts": 0, "imgs": 0}
        assert opened.console == [] and opened.requests == [opened.url]
        browser.close()


def test_readme_commands_are_what_ci_runs():
    repo = Path(__file__).resolve().parent.parent
    readme = (repo / "README.md").read_text(encoding="utf-8")
    ci = (repo / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.+?)\n```", readme.split("## Using it")[0], re.S)
    assert blocks == ["pip install . && conformance run",
                      'pip install -e ".[test]" && python -m pytest']
    for command in blocks:
        assert any(line.strip() == command for line in ci.splitlines()), command
    assert 'CONFORMANCE_SPEC_DIR="$REPO/../shared/specs"' in ci


def test_waivers_from_the_command_line(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - {requirement: ZGW-etag, reason: ETag support ships in release 5.1,"
        " approved_by: Gemeente Voorbeeld, expires: 2099-01-01}\n"
        "  - {requirement: drc-007, reason: old exception, approved_by: X, expires: 2020-01-01}\n"
        "  - {requirement: ZGW-rsin, reason: not needed, approved_by: Y, expires: 2099-01-01}\n",
        encoding="utf-8")
    out = tmp_path / "waived"
    # drc-1.4: the same generic rules as zrc-1.5 in a quarter of the time
    res = run_cli("run", "--profile", "drc-1.4", "--defect", "etag-ignored", "--budget", "quick",
                  "--seed", "7", "--waivers", str(waivers), "--out", str(out))
    assert res.code == 0, res.stdout + res.stderr  # the only failure is waived
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["verdict"] == "conformant"
    by_id = {r["id"]: r for r in results["requirements"]}
    assert by_id["ZGW-etag"]["outcome"] == "waived"
    assert by_id["ZGW-etag"]["waiver"]["approved_by"] == "Gemeente Voorbeeld"
    status = {w["requirement"]: w["status"] for w in results["waivers"]}
    assert status == {"ZGW-etag": "applied", "drc-007": "expired", "ZGW-rsin": "stale"}
    assert "ETag support ships in release 5.1" in (out / "certificate.html").read_text("utf-8")
