"""Signing and offline verification of certificates."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import stat
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from report_samples import not_conformant_results

from conformance.certify import (
    CertifyError,
    build_certificate,
    canonical_json,
    certificate_id,
    generate_keypair,
    key_fingerprint,
    key_fingerprint_of_file,
    load_document,
    load_public_key,
    sign_certificate,
    verify_document,
)
from conformance.report.certificate import render_certificate
from conformance.report.i18n import t

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> tuple[Path, Path]:
    return generate_keypair(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def other_keys(tmp_path_factory) -> tuple[Path, Path]:
    return generate_keypair(tmp_path_factory.mktemp("other"))


@pytest.fixture(scope="module")
def signed(keys) -> dict:
    document = build_certificate(not_conformant_results(), issuer="VNG Certificering", now=NOW)
    return sign_certificate(document, keys[0])


def _failed(report) -> set[str]:
    return {c.name for c in report.checks if not c.passed}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- basics ------------------------------------------------------------------------------

def test_canonical_json_is_sorted_and_compact():
    assert canonical_json({"b": 1, "a": [1, {"d": "é", "c": None}]}) == \
        '{"a":[1,{"c":null,"d":"é"}],"b":1}'.encode()


def test_keygen_writes_private_0600_and_refuses_to_overwrite(tmp_path):
    private, public = generate_keypair(tmp_path / "k")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"BEGIN PRIVATE KEY" in private.read_bytes()
    assert b"BEGIN PUBLIC KEY" in public.read_bytes()
    with pytest.raises(CertifyError, match="refusing to overwrite"):
        generate_keypair(tmp_path / "k")


def test_fingerprint_is_sha256_of_raw_key(keys):
    key = load_public_key(keys[1])
    raw = key.public_bytes_raw()
    assert key_fingerprint(key) == "SHA256:" + hashlib.sha256(raw).hexdigest()
    assert key_fingerprint_of_file(keys[1]) == key_fingerprint(key)


def test_build_certificate_fields(signed):
    cert, results = signed["certificate"], signed["results"]
    assert cert["valid_from"] == "2026-11-20"  # the date of the run, not of signing
    assert cert["valid_until"] == "2027-11-20"
    assert cert["issued_at"] == "2026-11-21T09:00:00+00:00"
    assert cert["results_sha256"] == hashlib.sha256(canonical_json(results)).hexdigest()
    assert cert["profile_sha256"] == results["profile"]["sha256"]
    assert set(cert["spec_sha256"]) == {"zaken", "catalogi"}
    assert signed["signature"]["algorithm"] == "Ed25519"


def test_each_certificate_has_its_own_signed_id(signed, keys):
    cert_id = certificate_id(signed)
    assert str(uuid.UUID(cert_id, version=4)) == cert_id
    again = build_certificate(not_conformant_results(), issuer="VNG Certificering", now=NOW)
    assert certificate_id(again) != cert_id  # same results, another certificate
    assert cert_id in render_certificate(signed)  # printed on the page
    doc = copy.deepcopy(signed)
    doc["certificate"]["id"] = str(uuid.uuid4())  # the id is covered by the signature
    assert _failed(verify_document(doc, [keys[1]], today=TODAY)) == {"signature"}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_certificate_made_before_ids_still_verifies(keys, tmp_path, lang):
    document = build_certificate(not_conformant_results(), issuer="VNG Certificering", now=NOW)
    del document["certificate"]["id"]
    old = sign_certificate(document, keys[0])
    assert certificate_id(old) is None
    page = _write(tmp_path, "certificate.html", render_certificate(old, lang=lang))
    assert t(lang, "fact_certificate_id") not in page.read_text("utf-8")
    for path in (page, _write(tmp_path, "certificate.json", json.dumps(old))):
        report = verify_document(load_document(path), [keys[1]], today=TODAY)
        assert report.ok, report.lines()


def test_valid_days_is_configurable():
    doc = build_certificate(not_conformant_results(), issuer="X", valid_days=30, now=NOW)
    assert doc["certificate"]["valid_until"] == "2026-12-20"


@pytest.mark.parametrize("days", [0, 3651, 10**9])
def test_a_validity_out_of_range_is_refused(days):
    with pytest.raises(CertifyError, match=f"validity of {days} days: give 1 to 3650 days"):
        build_certificate(not_conformant_results(), issuer="X", valid_days=days, now=NOW)


# --- round trips -------------------------------------------------------------------------

def test_round_trip_json(signed, keys, tmp_path):
    path = _write(tmp_path, "certificate.json", json.dumps(signed, indent=2, ensure_ascii=False))
    report = verify_document(load_document(path), [keys[1]], today=TODAY)
    assert report.ok, report.lines()
    assert [c.name for c in report.checks] == ["signature", "trusted_key", "validity_period",
                                               "digests", "profile"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_round_trip_html(signed, keys, tmp_path, lang):
    path = _write(tmp_path, "certificate.html", render_certificate(signed, lang=lang))
    document = load_document(path)
    assert document == signed
    report = verify_document(document, [keys[1]], today=TODAY)
    assert report.ok, report.lines()


def test_any_of_several_trusted_keys(signed, keys, other_keys):
    assert verify_document(signed, [other_keys[1], keys[1]], today=TODAY).ok


# --- tampering ---------------------------------------------------------------------------

def test_tamper_certificate_block(signed, keys):
    doc = copy.deepcopy(signed)
    doc["certificate"]["valid_until"] = "2028-11-20"  # one digit
    assert _failed(verify_document(doc, [keys[1]], today=TODAY)) == {"signature"}


def test_tamper_results_block(signed, keys):
    doc = copy.deepcopy(signed)
    req = next(r for r in doc["results"]["requirements"] if r["id"] == "zrc-007")
    req["outcome"] = "passed"
    assert _failed(verify_document(doc, [keys[1]], today=TODAY)) == {"signature", "digests"}


def test_tamper_signature_value(signed, keys):
    doc = copy.deepcopy(signed)
    raw = bytearray(base64.b64decode(doc["signature"]["value"]))
    raw[10] ^= 0x01
    doc["signature"]["value"] = base64.b64encode(bytes(raw)).decode()
    assert "signature" in _failed(verify_document(doc, [keys[1]], today=TODAY))


def test_tamper_signature_metadata(signed, keys):
    for field, value in (("key_fingerprint", "SHA256:" + "0" * 64),
                         ("public_key", base64.b64encode(b"\x01" * 32).decode())):
        doc = copy.deepcopy(signed)
        doc["signature"][field] = value
        assert _failed(verify_document(doc, [keys[1]], today=TODAY)) == {"trusted_key"}, field
    doc = copy.deepcopy(signed)
    doc["signature"]["algorithm"] = "Ed25518"
    assert "signature" in _failed(verify_document(doc, [keys[1]], today=TODAY))


def test_tamper_embedded_json_in_html(signed, keys, tmp_path):
    html = render_certificate(signed)
    start = html.index('id="certificate-data">')
    target = html.index('"seed": 424242', start)
    tampered = html[:target] + '"seed": 424243' + html[target + len('"seed": 424242'):]
    path = _write(tmp_path, "certificate.html", tampered)
    failed = _failed(verify_document(load_document(path), [keys[1]], today=TODAY))
    assert {"signature", "digests"} <= failed


def test_tamper_visible_page(signed, keys, tmp_path):
    html = render_certificate(signed)
    assert html.count("NIET CONFORM") >= 1
    path = _write(tmp_path, "certificate.html", html.replace("✘ NIET CONFORM", "✔ CONFORM", 1))
    report = verify_document(load_document(path), [keys[1]], today=TODAY)
    assert _failed(report) == {"digests"}
    assert "visible page differs" in next(c for c in report.checks
                                          if c.name == "digests").message


def test_every_single_byte_of_the_signed_content_matters(signed, keys):
    """Flip bytes across the whole signed payload: whatever still parses must fail."""
    payload = canonical_json({"certificate": signed["certificate"],
                              "results": signed["results"]})
    public = [keys[1]]
    tried = 0
    for position in range(0, len(payload), max(1, len(payload) // 300)):
        changed = bytearray(payload)
        changed[position] = changed[position] ^ 0x01
        try:
            parsed = json.loads(bytes(changed).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue  # not a document any more: load_document would refuse it
        doc = {**parsed, "signature": signed["signature"]}
        assert not verify_document(doc, public, today=TODAY).ok, position
        tried += 1
    assert tried > 100


# --- keys and dates ----------------------------------------------------------------------

def test_wrong_key_fails_trusted_key(signed, other_keys):
    report = verify_document(signed, [other_keys[1]], today=TODAY)
    assert _failed(report) == {"trusted_key"}
    assert "not among the trusted keys" in report.checks[1].message


def test_no_trusted_key_given(signed):
    assert _failed(verify_document(signed, [], today=TODAY)) == {"trusted_key"}


def test_expired_fails_validity_period(signed, keys):
    report = verify_document(signed, [keys[1]], today=date(2027, 11, 21))
    assert _failed(report) == {"validity_period"}
    assert "expired on 2027-11-20" in report.checks[2].message
    assert verify_document(signed, [keys[1]], today=date(2027, 11, 20)).ok  # last day counts


def test_not_yet_valid(signed, keys):
    assert _failed(verify_document(signed, [keys[1]], today=date(2026, 11, 19))) == \
        {"validity_period"}


def test_unsigned_document_fails_signature(keys):
    doc = build_certificate(not_conformant_results(), issuer="X", now=NOW)
    assert {"signature", "trusted_key"} <= _failed(verify_document(doc, [keys[1]], today=TODAY))
    bare = verify_document(not_conformant_results(), [keys[1]], today=TODAY)
    assert _failed(bare) == {"signature", "trusted_key", "validity_period", "digests",
                             "profile"}


def test_sign_refuses_inconsistent_digests(keys):
    doc = build_certificate(not_conformant_results(), issuer="X", now=NOW)
    doc["results"]["verdict"] = "conformant"
    with pytest.raises(CertifyError, match="results_sha256"):
        sign_certificate(doc, keys[0])


# --- malformed input: CertifyError, never a traceback ------------------------------------

@pytest.mark.parametrize(("name", "content", "message"), [
    ("certificate.json", "{not json", "not valid JSON"),
    ("certificate.json", "[1, 2]", "not a certificate"),
    ("certificate.html", "<html><body>hello</body></html>", "found 0"),
    ("certificate.html", '<html><script type="application/json" id="certificate-data">{x'
                         "</script></html>", "not valid JSON"),
    ("certificate.html", '<script type="application/json" id="certificate-data">{}</script>'
                         '<script type="application/json" id="certificate-data">{}</script>',
     "found 2"),
    ("certificate.html", '<script id="certificate-data">{}</script>', "not inert JSON"),
])
def test_malformed_documents(tmp_path, name, content, message):
    path = _write(tmp_path, name, content)
    with pytest.raises(CertifyError, match=message) as info:
        load_document(path)
    assert str(path) in str(info.value)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(CertifyError, match="not found"):
        load_document(tmp_path / "nope.json")
    binary = tmp_path / "c.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CertifyError, match="UTF-8"):
        load_document(binary)


def test_bad_key_files(tmp_path, signed, keys):
    junk = _write(tmp_path, "junk.pem",
                  "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(CertifyError, match="junk.pem: not a PEM public key"):
        verify_document(signed, [junk])
    with pytest.raises(CertifyError, match="private key; --trust takes the public key"):
        verify_document(signed, [keys[0]])
    with pytest.raises(CertifyError, match="not found"):
        verify_document(signed, [tmp_path / "missing.pem"])
    doc = build_certificate(not_conformant_results(), issuer="X", now=NOW)
    with pytest.raises(CertifyError, match="not an unencrypted PEM private key"):
        sign_certificate(doc, keys[1])


def test_structurally_broken_documents_are_reported_not_raised(signed, keys):
    for breakage in ({"signature": "oops"}, {"certificate": []}, {"results": {"x": 1}},
                     {"signature": {"algorithm": "Ed25519", "value": "!!"}}):
        doc = {**copy.deepcopy(signed), **breakage}
        report = verify_document(doc, [keys[1]], today=TODAY)
        assert not report.ok


def test_invalid_results_are_refused():
    results = not_conformant_results()
    results["verdict"] = "fine"
    with pytest.raises(CertifyError, match="verdict"):
        build_certificate(results, issuer="X")
    with pytest.raises(CertifyError, match="issuer"):
        build_certificate(not_conformant_results(), issuer=" ")


# --- the profile behind the certificate -------------------------------------------------------

def _signed_with_profile(keys, **profile_fields) -> dict:
    results = not_conformant_results()
    results["profile"].update(profile_fields)
    return sign_certificate(build_certificate(results, issuer="X", now=NOW), keys[0])


def _profile_check(report):
    return next(c for c in report.checks if c.name == "profile")


def test_the_published_profile_is_named_as_such(signed, keys):
    check = _profile_check(verify_document(signed, [keys[1]], today=TODAY))
    assert check.passed and "the published built-in profile zrc-1.5" in check.message


def test_a_changed_copy_of_a_published_profile_fails(keys):
    """Two edited lines in a copy of zrc-1.5 (same id and version) must not pass as zrc-1.5,
    even though the copy's own digests are consistent and the signature is good."""
    doc = _signed_with_profile(keys, sha256="ab" * 32)
    report = verify_document(doc, [keys[1]], today=TODAY)
    assert _failed(report) == {"profile"}
    assert "changed copy" in _profile_check(report).message


def test_a_custom_profile_is_named_custom(keys):
    doc = _signed_with_profile(keys, id="gemeente-x-zaken", sha256="cd" * 32)
    check = _profile_check(verify_document(doc, [keys[1]], today=TODAY))
    assert check.passed and "a custom profile gemeente-x-zaken" in check.message


def test_another_version_of_a_published_profile_cannot_be_compared(keys):
    doc = _signed_with_profile(keys, version="2020.1", sha256="ef" * 32)
    check = _profile_check(verify_document(doc, [keys[1]], today=TODAY))
    assert check.passed and "cannot compare the digest" in check.message
