"""No secret in any artefact: redaction helpers and the final sweep."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from report_samples import API_KEY, CLIENT_SECRET, JWT, make_results

from conformance.certify import build_certificate, generate_keypair, sign_certificate
from conformance.client import ApiClient, Limits
from conformance.redact import (
    BSN_MASK,
    REDACTED,
    CredentialOnly,
    find_secrets,
    for_redaction,
    mask_bsns,
    passes_bsn_test,
    redact_headers,
    redact_text,
    redact_url,
    redact_value,
    weakness,
)
from conformance.report.badge import render_badge
from conformance.report.certificate import render_certificate
from conformance.report.junit import render_junit
from conformance.results import validate_results
from conformance.safety import SafetyPolicy
from conformance.targets import origin_of

SECRETS = [CLIENT_SECRET, API_KEY, JWT]


def test_sensitive_headers_are_blanked_case_insensitively():
    out = redact_headers({
        "Authorization": f"Bearer {JWT}", "X-API-Key": API_KEY, "cookie": "sid=abc",
        "Set-Cookie": "sid=abc; HttpOnly", "X-Custom-Token": "t0k3n-value",
        "Content-Type": "application/json", "X-Echo": f"you sent {CLIENT_SECRET}",
        "WWW-Authenticate": 'Bearer realm="zaken"',
    }, SECRETS)
    assert out["Authorization"] == out["X-API-Key"] == out["cookie"] == REDACTED
    assert out["Set-Cookie"] == out["X-Custom-Token"] == REDACTED
    assert out["Content-Type"] == "application/json"
    assert out["X-Echo"] == f"you sent {REDACTED}"
    assert out["WWW-Authenticate"] == 'Bearer realm="zaken"'  # not a credential


def test_urls():
    assert redact_url("https://z.example/api/v1/zaken?page=2&api_key=abcd1234&x=1") == \
        f"https://z.example/api/v1/zaken?page=2&api_key={REDACTED}&x=1"
    assert redact_url("https://z.example/cb?access_token=q&token=w&client_secret=e&password=p") \
        == (f"https://z.example/cb?access_token={REDACTED}&token={REDACTED}"
            f"&client_secret={REDACTED}&password={REDACTED}")
    assert redact_url("https://user:pa55word@z.example/x") == f"https://user:{REDACTED}@z.example/x"
    assert redact_url(f"https://z.example/{API_KEY}/zaken", SECRETS) == \
        f"https://z.example/{REDACTED}/zaken"
    assert redact_url("https://z.example/zaken?status=open&page=3") == \
        "https://z.example/zaken?status=open&page=3"


def test_jwts_bearer_tokens_and_header_lines_in_text():
    body = json.dumps({"echo": f"Bearer {JWT}", "nested": {"token": JWT}})
    out = redact_text(body)
    assert "eyJ" not in out and REDACTED in out
    curl = f"curl -H 'Authorization: Basic YWNtZTpzM2NyM3Q=' -H 'X-Api-Key: {API_KEY}' " \
           "'https://z.example/zaken?apikey=zzzz9999'"
    out = redact_text(curl)
    assert "YWNtZTpzM2NyM3Q" not in out and API_KEY not in out and "zzzz9999" not in out
    assert "'https://z.example/zaken?apikey=" in out
    assert redact_text("Bearer 0pAqUe-t0ken-123") == f"Bearer {REDACTED}"
    # prose is left alone
    prose = "Basic authentication required; send a Bearer token in the header"
    assert redact_text(prose) == prose


def test_known_secrets_in_any_encoding():
    text = (f"raw {CLIENT_SECRET} json {json.dumps('a&b<' + CLIENT_SECRET)} "
            f"form client_secret%3D{CLIENT_SECRET}")
    out = redact_text(text, [CLIENT_SECRET, "abc"])  # "abc" is too short to redact
    assert CLIENT_SECRET not in out
    assert "abc" not in SECRETS and out.count(REDACTED) >= 3
    tricky = "p@ss/w0rd&<x>"
    for form in ("p%40ss%2Fw0rd%26%3Cx%3E", "p@ss/w0rd&amp;&lt;x&gt;", tricky):
        assert redact_text(f"got {form}", [tricky]) == f"got {REDACTED}"


def test_redact_value_walks_a_results_dict():
    data = _raw_results()
    clean = redact_value(data, SECRETS)
    dumped = json.dumps(clean)
    assert all(s not in dumped for s in SECRETS)
    ev = next(r for r in clean["requirements"] if r["id"] == "zrc-007")["evidence"][0]
    assert ev["request"]["headers"]["Authorization"] == REDACTED
    assert ev["request"]["url"].endswith(f"api_key={REDACTED}")
    validate_results(clean)


def test_find_secrets_finds_planted_ones(tmp_path):
    (tmp_path / "a.txt").write_text(f"x {CLIENT_SECRET} y", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text(f"<p>{JWT}</p>", encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps({"k": "a&b" + API_KEY}), encoding="utf-8")
    (tmp_path / "clean.txt").write_text("nothing here", encoding="utf-8")
    hits = find_secrets([tmp_path], SECRETS)
    files = {path.name for path, _ in hits}
    assert files == {"a.txt", "b.html", "c.json"}
    assert all(CLIENT_SECRET not in what and API_KEY not in what for _, what in hits)
    assert any("JWT" in what for _, what in hits)


def _raw_results() -> dict:
    """A failing run whose evidence carries every credential, as a careless engine might."""
    data = make_results(failing=True)
    ev = next(r for r in data["requirements"] if r["id"] == "zrc-007")["evidence"][0]
    ev["request"]["headers"] = {"Authorization": f"Bearer {JWT}", "X-Api-Key": API_KEY,
                                "Accept-Crs": "EPSG:4326"}
    ev["request"]["url"] = f"https://zaken.acme.example/zaken/api/v1/zaken?api_key={API_KEY}"
    ev["request"]["body"] = json.dumps({"client_secret": CLIENT_SECRET})
    ev["response"]["body"] = json.dumps({"detail": f"invalid token {JWT}",
                                         "echo": CLIENT_SECRET})
    ev["response"]["headers"]["Set-Cookie"] = f"session={CLIENT_SECRET}"
    ev["curl"] = (f"curl -H 'Authorization: Bearer {JWT}' "
                  f"'https://zaken.acme.example/zaken/api/v1/zaken?api_key={API_KEY}'")
    ev["steps"] = [f"curl -u acme:{CLIENT_SECRET} https://zaken.acme.example/"]
    ev["message"] = f"server said: secret {CLIENT_SECRET} rejected"
    data["findings"][0]["message"] = f"token leaked in page: {JWT}"
    return data


def _write_artefacts(out: Path, results: dict, private_key: Path) -> list[Path]:
    """What the artefact writer produces for one run."""
    out.mkdir()
    signed = sign_certificate(build_certificate(results, issuer="VNG Certificering",
                                                now=datetime(2026, 11, 21, tzinfo=UTC)),
                              private_key)
    files = {
        "results.json": json.dumps(results, indent=2, ensure_ascii=False),
        "certificate.json": json.dumps(signed, indent=2, ensure_ascii=False),
        "certificate.html": render_certificate(signed),
        "certificate.en.html": render_certificate(signed, lang="en"),
        "junit.xml": render_junit(results),
        "badge.svg": render_badge(results),
    }
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    return [out / name for name in files]


@pytest.fixture(scope="module")
def private_key(tmp_path_factory) -> Path:
    return generate_keypair(tmp_path_factory.mktemp("keys"))[0]


def test_no_secret_in_any_artefact_of_a_run(tmp_path, private_key):
    clean = redact_value(_raw_results(), SECRETS)
    files = _write_artefacts(tmp_path / "run", clean, private_key)
    assert len(files) == 6
    assert find_secrets(files, SECRETS) == []
    for path in files:  # belt and braces: plain substring search too
        text = path.read_text(encoding="utf-8")
        assert all(s not in text for s in SECRETS), path.name
        assert "eyJhbGci" not in text


def test_the_sweep_would_catch_an_unredacted_run(tmp_path, private_key):
    files = _write_artefacts(tmp_path / "raw", _raw_results(), private_key)
    leaking = {path.name for path, _ in find_secrets(files, SECRETS)}
    # the certificate page itself blanks credential headers, but bodies and JSON would leak
    assert {"results.json", "certificate.json", "certificate.html", "junit.xml"} <= leaking


# --- BSN masking in evidence (issue 6) ---------------------------------------------------------

VALID_BSN = "111222333"  # 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66 = 6*11
OTHER_BSN = "123456782"


def test_bsn_eleven_test():
    assert passes_bsn_test(VALID_BSN) and passes_bsn_test(OTHER_BSN)
    assert not passes_bsn_test("123456789") and not passes_bsn_test("000000000")
    assert not passes_bsn_test("12345678") and not passes_bsn_test("12345678a")


def test_bsns_are_masked_and_the_rest_of_the_evidence_stays():
    body = json.dumps({"bsn": VALID_BSN, "inpBsn": int(OTHER_BSN), "telefoon": "123456789",
                       "id": f"zaak-{VALID_BSN}", "hex": f"a{VALID_BSN}b", "big": f"1{VALID_BSN}"})
    masked = mask_bsns(body)
    data = json.loads(masked.replace(f"{BSN_MASK},", f'"{BSN_MASK}",'))
    assert data["bsn"] == BSN_MASK and len(data["bsn"]) == len(VALID_BSN)  # length kept
    assert data["inpBsn"] == BSN_MASK
    assert data["telefoon"] == "123456789"  # fails the 11-test: kept
    assert data["id"] == f"zaak-{BSN_MASK}"  # a BSN inside an identifier is still one
    assert data["hex"] == f"a{VALID_BSN}b" and data["big"] == f"1{VALID_BSN}"  # not nine alone
    url = f"http://127.0.0.1:1/zaken?rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn={VALID_BSN}"
    assert VALID_BSN not in redact_url(url) and "inpBsn=" in redact_url(url)
    assert redact_text(f"bsn {VALID_BSN}", mask_bsn=False) == f"bsn {VALID_BSN}"


def test_rsins_in_organisation_fields_stay_readable():
    """bronorganisatie & co. hold an RSIN (public); the same number elsewhere is masked."""
    body = json.dumps({"bronorganisatie": VALID_BSN, "verantwoordelijkeOrganisatie": OTHER_BSN,
                       "rsin": VALID_BSN, "kenmerken": {"verantwoordelijke_organisatie":
                                                        VALID_BSN}, "bsn": VALID_BSN,
                       "omschrijving": f"rsin van de burger: {OTHER_BSN}"})
    data = json.loads(mask_bsns(body))
    assert (data["bronorganisatie"], data["verantwoordelijkeOrganisatie"], data["rsin"],
            data["kenmerken"]["verantwoordelijke_organisatie"]) == (
        VALID_BSN, OTHER_BSN, VALID_BSN, VALID_BSN)
    assert data["bsn"] == BSN_MASK and data["omschrijving"].endswith(BSN_MASK)
    escaped = json.dumps(body)  # the body as a string inside other JSON (evidence files)
    assert json.loads(json.loads(mask_bsns(escaped)))["bronorganisatie"] == VALID_BSN
    assert json.loads(json.loads(mask_bsns(escaped)))["bsn"] == BSN_MASK
    url = f"http://127.0.0.1:1/zaken?bronorganisatie={VALID_BSN}&inpBsn={OTHER_BSN}"
    assert redact_url(url) == f"http://127.0.0.1:1/zaken?bronorganisatie={VALID_BSN}&inpBsn={BSN_MASK}"


def test_client_evidence_masks_bsns_unless_the_target_says_not_to():
    """Through a real exchange: status, field names and lengths stay; the number does not."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            body = json.dumps({"burgerservicenummer": VALID_BSN, "naam": "Jansen"}).encode()
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Echo-Bsn", OTHER_BSN)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for mask in (True, False):
            limits = Limits.for_policy({origin_of(base)}, SafetyPolicy(mask_bsn=mask), 5.0, [])
            client = ApiClient(base, limits, None)
            client.get(f"personen/{VALID_BSN}")
            evidence = client.exchanges[-1].evidence()
            text = json.dumps(evidence)
            assert evidence["response"]["status"] == 404
            assert '"burgerservicenummer"' in evidence["response"]["body"]
            assert (VALID_BSN in text, OTHER_BSN in text) == (not mask, not mask)
            if mask:
                assert BSN_MASK in evidence["request"]["url"]
                assert evidence["response"]["headers"]["x-echo-bsn"] == BSN_MASK
            client.close()
    finally:
        server.shutdown()


def test_a_weak_secret_is_masked_only_where_it_stands_as_a_credential():
    """Open Zaak's example client 'admin' with secret 'admin': the word stays readable where
    it is the client id or part of a path; where it is a credential it is masked."""
    weak = for_redaction("admin", ["admin"])
    assert isinstance(weak, CredentialOnly) and weakness("admin", ["admin"]) == \
        "equal to a client id"
    assert weakness("short12", []) == "shorter than 8 characters"
    assert weakness("a-long-random-secret", ["admin"]) is None
    text = ('{"client_id": "admin", "url": "http://x/admin/zaken", "secret": "admin", '
            '"note": "password=admin", "echo": "client_secret: admin"}')
    out = redact_text(text, [weak])
    assert '"client_id": "admin"' in out and "http://x/admin/zaken" in out
    assert f'"secret": "{REDACTED}"' in out and f"password={REDACTED}" in out
    assert f"client_secret: {REDACTED}" in out


def test_the_final_sweep_reports_a_weak_secret_only_as_a_credential(tmp_path):
    clean = tmp_path / "results.json"
    clean.write_text('{"target": {"client_id": "admin"}, "url": "http://x/admin/"}')
    assert find_secrets([clean], [for_redaction("admin", ["admin"])]) == []
    leaking = tmp_path / "leak.json"
    leaking.write_text('{"client_id": "admin", "secret": "admin"}')
    assert [p.name for p, _ in find_secrets([leaking], [for_redaction("admin", ["admin"])])] \
        == ["leak.json"]
