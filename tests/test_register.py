"""The public register: add, suspend, revoke, publish, verify; tampering with the log.

Certificates are sample results signed with a generated key (no certification runs); the
register is a real folder, the published site is served over loopback HTTP for
`verify --register URL` and opened from disk in Debian's Chromium.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest
from pages import chromium, open_page
from report_samples import conformant_results, signed_certificate

from conformance.certify import certificate_id, generate_keypair, load_public_key
from conformance.cli import main
from conformance.register.folder import add_certificate, change_status, open_register
from conformance.register.log import HEAD_NAME, LOG_NAME, verify_log
from conformance.register.site import register_schema
from conformance.register.state import CertificateState
from conformance.report.badge import render_badge

SUPPLIERS = ("Acme", "Globex", "Initech")


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> tuple[Path, Path]:
    return generate_keypair(tmp_path_factory.mktemp("register-keys"))


def _write_certificate(folder: Path, key: Path, name: str, **kw) -> tuple[Path, str]:
    document = signed_certificate(key, supplier_name=name, product=f"{name} Zaken", **kw)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return path, certificate_id(document)


@pytest.fixture(scope="module")
def story(keys, tmp_path_factory):
    """A register with three certificates: Acme valid (was suspended, lifted), Globex
    suspended, Initech revoked: 7 entries, made through the CLI."""
    folder = tmp_path_factory.mktemp("story")
    register = folder / "register"
    ids = {}
    for name in SUPPLIERS:
        path, ids[name] = _write_certificate(folder, keys[0], name)
        assert main(["register", "add", str(path), "--register", str(register),
                     "--key", str(keys[0])]) == 0
    key = ["--register", str(register), "--key", str(keys[0])]
    assert main(["register", "suspend", ids["Acme"], "--reason", "nightly failed", *key]) == 0
    assert main(["register", "unsuspend", ids["Acme"], "--reason", "repaired", *key]) == 0
    assert main(["register", "suspend", ids["Globex"], "--reason", "zrc-007 fails", *key]) == 0
    assert main(["register", "revoke", ids["Initech"], "--reason", "fraude vastgesteld",
                 *key]) == 0
    return folder, register, ids


def test_story_statuses_and_cli_verify(story, keys, capsys):
    folder, register, ids = story
    capsys.readouterr()
    assert main(["register", "verify", "--register", str(register), "--trust", str(keys[1])]) == 0
    out = capsys.readouterr().out
    assert "ok: 7 entries" in out and "1 valid, 1 suspended, 1 revoked, 0 expired" in out
    report = open_register(register).read([load_public_key(keys[1])])
    statuses = {cid: s.status(date.today()) for cid, s in report.state.certificates.items()}
    assert statuses == {ids["Acme"]: "valid", ids["Globex"]: "suspended",
                        ids["Initech"]: "revoked"}
    # conformance verify --register: a listed valid certificate passes, the others say why
    assert main(["verify", str(folder / "Acme.json"), "--trust", str(keys[1]),
                 "--register", str(register)]) == 0
    assert "ok   register: listed in the register" in capsys.readouterr().out
    assert main(["verify", str(folder / "Initech.json"), "--trust", str(keys[1]),
                 "--register", str(register)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL register: certificate {ids['Initech']} was REVOKED on" in out
    assert "fraude vastgesteld" in out and "certificate is NOT valid" in out
    assert main(["verify", str(folder / "Globex.json"), "--trust", str(keys[1]),
                 "--register", str(register)]) == 1
    assert "is SUSPENDED since" in capsys.readouterr().out


def test_what_the_register_refuses(story, keys, tmp_path, capsys):
    folder, original, ids = story
    register = shutil.copytree(original, tmp_path / "register")  # the story stays intact
    before = (register / LOG_NAME).read_bytes()
    key = ["--register", str(register), "--key", str(keys[0])]
    # an entry the certificate's state forbids, an unknown id, a second add: exit 2
    assert main(["register", "suspend", ids["Initech"], "--reason", "x", *key]) == 2
    assert "which is revoked" in capsys.readouterr().err
    assert main(["register", "unsuspend", ids["Acme"], "--reason", "x", *key]) == 2
    assert "which is valid" in capsys.readouterr().err
    assert main(["register", "revoke", "not-an-id", "--reason", "x", *key]) == 2
    assert "is not a certificate id" in capsys.readouterr().err
    assert main(["register", "add", str(folder / "Acme.json"), *key]) == 2
    assert "already in the register" in capsys.readouterr().err
    # a certificate that does not verify or is not conformant: exit 1, nothing written
    failing, _ = _write_certificate(tmp_path, keys[0], "Umbrella", failing=True)
    assert main(["register", "add", str(failing), *key]) == 1
    assert "says not_conformant" in capsys.readouterr().err
    other = generate_keypair(tmp_path / "other")
    foreign, _ = _write_certificate(tmp_path, other[0], "Hooli")
    assert main(["register", "add", str(foreign), *key]) == 1
    assert "FAIL trusted_key" in capsys.readouterr().err
    assert main(["register", "add", str(foreign), *key, "--trust", str(other[1])]) == 0
    capsys.readouterr()
    assert main(["verify", str(foreign), "--trust", str(other[1]), "--trust", str(keys[1]),
                 "--register", str(register)]) == 0  # the register and the issuer differ
    # a broken register takes no more entries
    assert (register / LOG_NAME).read_bytes().startswith(before)
    (register / LOG_NAME).write_bytes(before.replace(b"zrc-007 fails", b"zrc-008 fails"))
    assert main(["register", "revoke", ids["Acme"], "--reason", "x", *key]) == 2
    assert "the register is broken" in capsys.readouterr().err


def test_a_certificate_without_id_is_not_registered(keys, tmp_path):
    document = signed_certificate(keys[0])
    document["certificate"].pop("id")
    from conformance.certify import sign_certificate

    path = tmp_path / "old.json"
    path.write_text(json.dumps(sign_certificate(document, keys[0])), encoding="utf-8")
    register = open_register(tmp_path / "reg", create=True)
    with pytest.raises(Exception, match="has no id"):
        add_certificate(register, path, keys[0], [])
    assert main(["verify", str(path), "--trust", str(keys[1]), "--register",
                 str(tmp_path / "reg")]) == 1


def test_status_on_a_day_expired_and_revoked_are_final():
    state = CertificateState("x", {"valid_until": "2027-01-31"})
    assert state.status(date(2027, 1, 31)) == "valid"
    assert state.status(date(2027, 2, 1)) == "expired"
    state.suspended = True
    assert state.status(date(2027, 1, 1)) == "suspended"
    assert state.status(date(2027, 2, 1)) == "expired"
    state.revoked = True
    assert state.status(date(2027, 1, 1)) == "revoked"


# --- tampering: every case is detected and the first broken entry named --------------------

@pytest.fixture(scope="module")
def log_bytes(story) -> tuple[bytes, bytes]:
    _, register, _ = story
    return (register / LOG_NAME).read_bytes(), (register / HEAD_NAME).read_bytes()


def _lines(log: bytes) -> list[bytes]:
    return log.split(b"\n")[:-1]


@pytest.mark.parametrize("entry", range(7))
def test_flipping_any_byte_of_an_entry_is_detected(log_bytes, keys, entry):
    log, head = log_bytes
    trusted = [load_public_key(keys[1])]
    assert verify_log(log, head, trusted).ok
    lines = _lines(log)
    start = sum(len(line) + 1 for line in lines[:entry])
    end = start + len(lines[entry]) + 1  # the line and its newline
    for position in range(start, end):
        for mask in (0x01, 0x20):
            changed = bytearray(log)
            changed[position] ^= mask
            report = verify_log(bytes(changed), head, trusted)
            assert not report.ok, (position, mask)
            assert report.broken.where == f"{LOG_NAME}:{entry + 1}", (position, mask,
                                                                      report.broken)
            assert len(report.entries) == entry  # everything before it still verifies


def test_unused_bits_of_the_base64_signature_count_too(log_bytes, keys):
    """The last base64 character of a 64-byte signature carries 4 unused bits that decoders
    ignore; changing them (a flipped byte that still decodes alike) must still show."""
    log, head = log_bytes
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    entry = json.loads(_lines(log)[0])
    value = entry["signature"]["value"]
    assert value.endswith("==")
    last = value[-3]
    twin = alphabet[alphabet.index(last) ^ 0x01]
    assert base64.b64decode(value[:-3] + twin + "==") == base64.b64decode(value)
    changed = log.replace(value.encode(), (value[:-3] + twin + "==").encode(), 1)
    report = verify_log(changed, head, [load_public_key(keys[1])])
    assert report.broken.where == f"{LOG_NAME}:1", report.broken


@pytest.mark.parametrize("entry", range(7))
def test_removing_an_entry_is_detected(log_bytes, keys, entry):
    log, head = log_bytes
    lines = _lines(log)
    removed = b"".join(line + b"\n" for i, line in enumerate(lines) if i != entry)
    report = verify_log(removed, head, [load_public_key(keys[1])])
    assert not report.ok
    if entry < len(lines) - 1:
        assert report.broken.where == f"{LOG_NAME}:{entry + 1}"
        assert "removed, inserted or moved" in report.broken.message
    else:  # the last one: the chain is intact but shorter than the signed head says
        assert report.broken.where == HEAD_NAME
        assert "the signed head names 7 entries, the log has 6" in report.broken.message


@pytest.mark.parametrize(("first", "second"), [(0, 1), (2, 5), (5, 6), (0, 6)])
def test_reordering_two_entries_is_detected(log_bytes, keys, first, second):
    log, head = log_bytes
    lines = _lines(log)
    lines[first], lines[second] = lines[second], lines[first]
    report = verify_log(b"".join(line + b"\n" for line in lines), head,
                        [load_public_key(keys[1])])
    assert not report.ok
    assert report.broken.where == f"{LOG_NAME}:{first + 1}"


def test_cli_names_the_first_broken_entry(story, keys, tmp_path, capsys):
    _, register, _ = story
    copy = tmp_path / "copy"
    copy.mkdir()
    log = (register / LOG_NAME).read_bytes()
    (copy / LOG_NAME).write_bytes(log.replace(b'"seq":3', b'"seq":4', 1))
    (copy / HEAD_NAME).write_bytes((register / HEAD_NAME).read_bytes())
    assert main(["register", "verify", "--register", str(copy), "--trust", str(keys[1])]) == 1
    out = capsys.readouterr().out
    assert f"BROKEN {copy}/{LOG_NAME}:4: entry 4:" in out
    assert "the first 3 entries verify" in out
    # another key than the register's: the first entry is already refused
    other = generate_keypair(tmp_path / "other")
    assert main(["register", "verify", "--register", str(register), "--trust",
                 str(other[1])]) == 1
    assert "log.jsonl:1: entry 1: signed by key" in capsys.readouterr().out


def test_head_missing_or_behind(story, keys, tmp_path):
    _, register, _ = story
    log, head = (register / LOG_NAME).read_bytes(), (register / HEAD_NAME).read_bytes()
    trusted = [load_public_key(keys[1])]
    missing = verify_log(log, None, trusted)
    assert not missing.ok and missing.broken.where == HEAD_NAME
    # an append interrupted between the log line and the head: signed entries, a note
    extra = open_register(shutil.copytree(register, tmp_path / "register"))
    acme = next(iter(extra.read(trusted).state.certificates))
    change_status(extra, acme, "revoke", keys[0], "test")
    longer = extra.log_path.read_bytes()
    report = verify_log(longer, head, trusted)
    assert report.ok and "names 7 of 8 entries" in report.notes[0]


def test_concurrent_writers_keep_one_chain(keys, tmp_path):
    """Nightly shards may write at once: the lock keeps the chain linear."""
    paths = [_write_certificate(tmp_path, keys[0], f"Supplier{i}")[0] for i in range(4)]
    register = tmp_path / "reg"
    procs = [subprocess.Popen([sys.executable, "-m", "conformance", "register", "add", str(p),
                               "--register", str(register), "--key", str(keys[0])],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for p in paths]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    report = open_register(register).read([load_public_key(keys[1])])
    assert report.ok and len(report.entries) == 4


# --- the published site ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(story, tmp_path_factory) -> Path:
    _, register, _ = story
    out = tmp_path_factory.mktemp("site") / "site"
    assert main(["register", "publish", "--register", str(register), "--out", str(out),
                 "--base-url", "https://register.example.nl/"]) == 0
    return out


def test_register_json_follows_its_schema(site, story):
    _, _, ids = story
    data = json.loads((site / "register.json").read_text("utf-8"))
    jsonschema.validate(data, register_schema(), format_checker=jsonschema.FormatChecker())
    assert json.loads((site / "register.schema.json").read_text("utf-8")) == register_schema()
    by_id = {c["id"]: c for c in data["certificates"]}
    assert {by_id[ids[n]]["status"] for n in SUPPLIERS} == {"valid", "suspended", "revoked"}
    assert by_id[ids["Initech"]]["reason"] == "fraude vastgesteld"
    assert [e["type"] for e in by_id[ids["Acme"]]["events"]] == ["add", "suspend", "unsuspend"]
    assert data["register"]["entries"] == 7
    for c in data["certificates"]:
        for key in ("page", "certificate_html", "certificate_json"):
            assert (site / c[key]).is_file()


def test_badges_link_to_the_register_entry(site, story, capsys):
    _, _, ids = story
    badge = ET.fromstring((site / "certificates" / f"{ids['Acme']}.svg").read_text("utf-8"))
    links = badge.findall("{http://www.w3.org/2000/svg}a")
    assert [a.get("href") for a in links] == [
        f"https://register.example.nl/certificates/{ids['Acme']}.html"]
    assert "conform" in "".join(links[0].itertext())
    results = conformant_results()
    assert "<a" not in render_badge(results)  # no register: a plain picture
    for hostile in ("javascript:alert(1)", "https://x.example/\"><script>", "file:///etc"):
        with pytest.raises(ValueError, match="only an http"):
            render_badge(results, link=hostile)
    assert main(["run", "--register-url", "https://register.example.nl"]) == 2
    assert "needs --sign-key" in capsys.readouterr().err


def test_site_in_chromium_from_the_file_system(site, story):
    _, _, ids = story
    with chromium() as browser:
        index = open_page(browser, site / "index.html")
        page = index.page
        assert index.console == []
        assert index.requests == [(site / "index.html").as_uri()]
        assert page.locator("html").get_attribute("lang") == "nl"
        assert page.title() == "Register van conformiteitscertificaten"
        component = page.locator("section.component")
        assert component.count() == 1
        assert "Zaakregistratiecomponent" in component.locator("h2").inner_text()
        assert component.locator("h3.product").all_inner_texts() == [
            f"{n} – {n} Zaken" for n in SUPPLIERS]
        status = {n: page.locator(f"tr[data-certificate='{ids[n]}'] td.status")
                  for n in SUPPLIERS}
        assert {n: s.get_attribute("data-status") for n, s in status.items()} == {
            "Acme": "valid", "Globex": "suspended", "Initech": "revoked"}
        assert "ingetrokken" in status["Initech"].inner_text()
        assert status["Initech"].evaluate("e => getComputedStyle(e).color") == "rgb(183, 28, 28)"
        # through the link to the certificate's page and on to the certificate itself
        page.locator(f"tr[data-certificate='{ids['Initech']}'] a").click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/certificates/{ids['Initech']}.html")
        assert page.locator("#status").get_attribute("data-status") == "revoked"
        assert "fraude vastgesteld" in page.locator("#status").inner_text()
        assert page.locator("#history tbody tr").count() == 2
        page.locator("#open-certificate").click()
        page.wait_for_load_state("load")
        assert page.locator("#certificate-id").inner_text() == ids["Initech"]
        assert index.console == []
        assert all(url.startswith("file://") for url in index.requests), index.requests


class _Recording(SimpleHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.seen.append(self.path)
        if self.path.startswith("/moved/"):
            self.send_response(302)
            self.send_header("Location", "/site/" + self.path.removeprefix("/moved/"))
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args) -> None:
        pass


def test_verify_against_a_published_register_over_http(site, story, keys, capsys):
    folder, _, ids = story
    handler = partial(_Recording, directory=str(site.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        _Recording.seen.clear()
        assert main(["verify", str(folder / "Acme.json"), "--trust", str(keys[1]),
                     "--register", f"{base}/site/"]) == 0
        assert _Recording.seen == ["/site/log.jsonl", "/site/head.json"]  # nothing else
        assert main(["verify", str(folder / "Initech.json"), "--trust", str(keys[1]),
                     "--register", f"{base}/site"]) == 1
        assert "was REVOKED" in capsys.readouterr().out
        _Recording.seen.clear()
        assert main(["verify", str(folder / "Acme.json"), "--trust", str(keys[1]),
                     "--register", f"{base}/moved"]) == 1
        assert "HTTP 302 (redirects are not followed)" in capsys.readouterr().out
        assert _Recording.seen == ["/moved/log.jsonl"]
    finally:
        server.shutdown()
        server.server_close()


def test_a_real_run_certificate_page_goes_through_register_and_compare(resolver, keys, tmp_path,
                                                                      monkeypatch, capsys):
    """One real, signed run (a small profile against the reference supplier on loopback):
    its badge links to the register, and its certificate *page* is what gets added,
    verified against the register and compared with a sample certificate."""
    from conformance_fixtures.reference_supplier import ReferenceServer

    from conformance.reference import reference_spec_paths

    monkeypatch.setenv("REGISTER_TEST_SECRET", "register-test-secret-0123456789abcdef")
    profile = Path(__file__).with_name("test_nightly_profile.yaml")
    out = tmp_path / "run"
    with ReferenceServer(spec_paths=reference_spec_paths(resolver), client_id="conformance",
                         secret="register-test-secret-0123456789abcdef") as server:
        target = tmp_path / "acme.yaml"
        target.write_text("supplier: {name: Acme, product: Acme Zaken, version: '5'}\n"
                          "environment: test\n"
                          f"apis:\n  api: {{base_url: '{server.api_url('zaken')}'}}\n"
                          "auth: {type: jwt-zgw, client_id: conformance, "
                          "secret_env: REGISTER_TEST_SECRET}\n", encoding="utf-8")
        assert main(["run", "--profile", str(profile), "--target", str(target), "--out",
                     str(out), "--budget", "quick", "--seed", "1", "--sign-key", str(keys[0]),
                     "--register-url", "https://register.example.nl"]) == 0
    page = out / "certificate.html"
    cert_id = json.loads((out / "certificate.json").read_text("utf-8"))["certificate"]["id"]
    assert cert_id in page.read_text("utf-8")
    badge = ET.fromstring((out / "badge.svg").read_text("utf-8"))
    assert [a.get("href") for a in badge.findall("{http://www.w3.org/2000/svg}a")] == [
        f"https://register.example.nl/certificates/{cert_id}.html"]
    register = tmp_path / "register"
    assert main(["register", "add", str(page), "--register", str(register), "--key",
                 str(keys[0])]) == 0
    assert main(["verify", str(page), "--trust", str(keys[1]), "--register",
                 str(register)]) == 0
    assert main(["register", "revoke", cert_id, "--reason", "test", "--register",
                 str(register), "--key", str(keys[0])]) == 0
    capsys.readouterr()
    assert main(["verify", str(page), "--trust", str(keys[1]), "--register",
                 str(register)]) == 1
    assert "was REVOKED" in capsys.readouterr().out
    sample, _ = _write_certificate(tmp_path, keys[0], "Globex")
    assert main(["compare", str(page), str(sample), "--trust", str(keys[1]), "--out",
                 str(tmp_path / "tender")]) == 0
    html = (tmp_path / "tender" / "compare.html").read_text("utf-8")
    assert "verschillende profielen of profielversies (nightly-mini test, zrc-1.5 2026.1)" in html
    assert 'data-requirement="ADR-version-header"' in html  # the one requirement they share
    assert html.count('<tr class="req') == 1
