"""Sign and verify certificates: Ed25519 over canonical JSON, verifiable offline.

A certificate document is ``{"certificate": {...}, "results": {...}, "signature": {...}}``.
The signature covers ``canonical_json({"certificate": ..., "results": ...})``, so every
byte of the verdicts, the validity period and the digests is protected. The HTML page
embeds the same document; when a page is verified, the visible page is also re-rendered
from the embedded document and compared, so editing what a reader sees is caught too.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from conformance.results import validate_results

DATA_ELEMENT_ID = "certificate-data"
CHECK_NAMES = ("signature", "trusted_key", "validity_period", "digests", "profile",
               "register")


class CertifyError(Exception):
    """A key file or certificate that cannot be used; the message says what, where, what to do."""


def canonical_json(obj: Any) -> bytes:
    """The exact bytes that are hashed and signed: sorted keys, no insignificant whitespace."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- keys --------------------------------------------------------------------------------

def generate_keypair(out_dir: Path) -> tuple[Path, Path]:
    """Write ``private.pem`` (PKCS8, mode 0600) and ``public.pem``; never overwrite a key."""
    out_dir = Path(out_dir)
    private_path, public_path = out_dir / "private.pem", out_dir / "public.pem"
    for existing in (private_path, public_path):
        if existing.exists():
            raise CertifyError(
                f"{existing}: already exists; refusing to overwrite a key. "
                "Choose another --out folder or move the old keys away first."
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_pem)
    os.chmod(private_path, 0o600)  # whatever the umask
    public_path.write_bytes(public_pem)
    return private_path, public_path


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_fingerprint(public_key: Ed25519PublicKey | bytes) -> str:
    """``SHA256:`` + hex sha256 of the raw 32-byte public key (what the page prints)."""
    raw = public_key if isinstance(public_key, bytes) else _raw(public_key)
    return "SHA256:" + sha256_hex(raw)


def key_fingerprint_of_file(public_key_path: Path) -> str:
    """The fingerprint of a ``public.pem`` (what ``conformance keygen`` prints)."""
    return key_fingerprint(load_public_key(public_key_path))


def load_private_key(path: Path) -> Ed25519PrivateKey:
    data = _read_key_file(path, "private")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise CertifyError(
            f"{path}: not an unencrypted PEM private key ({exc}). "
            "Use the private.pem written by `conformance keygen`."
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CertifyError(f"{path}: not an Ed25519 key; create one with `conformance keygen`.")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    data = _read_key_file(path, "public")
    if b"PRIVATE KEY" in data:
        raise CertifyError(
            f"{path}: this is a private key; --trust takes the public key (public.pem)."
        )
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise CertifyError(
            f"{path}: not a PEM public key ({exc}). Use the public.pem written by "
            "`conformance keygen`."
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise CertifyError(f"{path}: not an Ed25519 public key; certificates are Ed25519-signed.")
    return key


def _read_key_file(path: Path, kind: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CertifyError(f"{path}: {kind} key file not found; check the path.") from None
    except OSError as exc:
        raise CertifyError(f"{path}: cannot read {kind} key file ({exc}).") from None


# --- build and sign ----------------------------------------------------------------------

def _spec_digests(results: dict[str, Any]) -> dict[str, str]:
    return {s["api"]: s["sha256"] for s in results["profile"].get("standards", [])}


#: the longest validity a certificate may be given: ten years (and never past a date's range)
MAX_VALID_DAYS = 3650


def build_certificate(
    results: dict[str, Any], *, issuer: str, valid_days: int = 365, now: datetime | None = None
) -> dict[str, Any]:
    """An unsigned certificate document for ``results``, valid from the date of the run.

    Each certificate gets a random ``id`` (uuid4) inside the signed block: the identity the
    public register, a revocation and the badge refer to.
    """
    if not issuer or not issuer.strip():
        raise CertifyError("the issuer (the certifying party) must be named")
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise CertifyError(f"validity of {valid_days} days: give 1 to {MAX_VALID_DAYS} days")
    try:
        validate_results(results)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top)"
        raise CertifyError(f"results are not a valid results document at {where}: "
                           f"{exc.message}") from None
    results = copy.deepcopy(results)
    try:
        run_date = datetime.fromisoformat(results["run"]["finished_at"]).date()
    except ValueError:
        raise CertifyError(f"run.finished_at {results['run']['finished_at']!r} is not a "
                           "date-time") from None
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    return {
        "certificate": {
            "id": str(uuid.uuid4()),
            "issuer": issuer.strip(),
            "issued_at": issued.isoformat(),
            "valid_from": run_date.isoformat(),
            "valid_until": (run_date + timedelta(days=valid_days)).isoformat(),
            "results_sha256": sha256_hex(canonical_json(results)),
            "profile_sha256": results["profile"]["sha256"],
            "spec_sha256": _spec_digests(results),
        },
        "results": results,
    }


def certificate_id(document: dict[str, Any]) -> str | None:
    """The ``id`` of a certificate document; None for an unsigned document or one made
    before certificates had an identity."""
    cert = document.get("certificate") if isinstance(document, dict) else None
    value = cert.get("id") if isinstance(cert, dict) else None
    return value if isinstance(value, str) and value else None


def _payload(document: dict[str, Any]) -> bytes:
    return canonical_json({"certificate": document["certificate"], "results": document["results"]})


def sign_certificate(document: dict[str, Any], private_key_path: Path) -> dict[str, Any]:
    """A copy of ``document`` with an Ed25519 signature over its certificate and results."""
    if not isinstance(document, dict) or not {"certificate", "results"} <= set(document):
        raise CertifyError("only a certificate document (from build_certificate) can be signed")
    problems = _digest_problems(document)
    if problems:
        raise CertifyError("refusing to sign inconsistent digests: " + "; ".join(problems))
    key = load_private_key(private_key_path)
    public = key.public_key()
    signed = {k: copy.deepcopy(v) for k, v in document.items() if k != "signature"}
    signed["signature"] = {
        "algorithm": "Ed25519",
        "key_fingerprint": key_fingerprint(public),
        "public_key": base64.b64encode(_raw(public)).decode("ascii"),
        "value": base64.b64encode(key.sign(_payload(signed))).decode("ascii"),
    }
    return signed


# --- load --------------------------------------------------------------------------------

class LoadedDocument(dict):
    """A loaded document; from a page it also says whether the visible page is genuine."""

    page_problem: str | None = None


class _DataExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.lang: str | None = None
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html" and self.lang is None:
            self.lang = attributes.get("lang")
        if tag == "script" and attributes.get("id") == DATA_ELEMENT_ID:
            if attributes.get("type") != "application/json":
                raise CertifyError("the certificate data element is not inert JSON")
            self._inside = True
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def load_document(path: Path) -> dict[str, Any]:
    """Read ``certificate.json`` or the document embedded in ``certificate.html``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CertifyError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CertifyError(f"{path}: cannot read as UTF-8 text ({exc})") from None
    is_html = path.suffix.lower() in (".html", ".htm") or text.lstrip()[:1] == "<"
    extractor = _DataExtractor()
    if is_html:
        try:
            extractor.feed(text)
            extractor.close()
        except CertifyError as exc:
            raise CertifyError(f"{path}: {exc}") from None
        if len(extractor.blocks) != 1:
            raise CertifyError(
                f"{path}: expected exactly one <script type=\"application/json\" "
                f"id=\"{DATA_ELEMENT_ID}\"> element, found {len(extractor.blocks)}; "
                "is this a certificate page made by `conformance run`?"
            )
        data_text = extractor.blocks[0]
    else:
        data_text = text
    try:
        data = json.loads(data_text)
    except ValueError as exc:
        part = "embedded certificate data" if is_html else "JSON"
        raise CertifyError(f"{path}: {part} is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not ({"certificate", "results"} <= set(data)
                                          or "schema_version" in data):
        raise CertifyError(f"{path}: not a certificate or results document "
                           "(expected 'certificate' and 'results')")
    document = LoadedDocument(data)
    if is_html:
        document.page_problem = _page_problem(text, data, extractor.lang)
    return document


def _page_problem(page: str, data: dict[str, Any], lang: str | None) -> str | None:
    from conformance.report.certificate import render_certificate

    try:
        expected = render_certificate(data, lang=lang or "nl")
    except Exception as exc:  # a page whose data cannot be rendered is not genuine either
        return f"the embedded data cannot be rendered ({type(exc).__name__}: {exc})"
    if expected.replace("\r\n", "\n") != page.replace("\r\n", "\n"):
        return ("the visible page differs from the signed data it embeds (the page was edited, "
                "or made by another harness version; verify certificate.json instead)")
    return None


# --- verify ------------------------------------------------------------------------------

@dataclass
class VerificationCheck:
    name: str  # one of CHECK_NAMES
    passed: bool
    message: str


@dataclass
class VerificationReport:
    checks: list[VerificationCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[str]:
        return [c.name for c in self.checks if not c.passed]

    def lines(self) -> list[str]:
        return [f"{'ok  ' if c.passed else 'FAIL'} {c.name}: {c.message}" for c in self.checks]


def verify_document(
    document: dict[str, Any], trusted_public_keys: list[Path | Ed25519PublicKey], *,
    today: date | None = None, register: str | None = None,
) -> VerificationReport:
    """Check signature, key trust, validity period and digests; never raises on bad data.

    With ``register`` (a register folder or the URL of a published one) also check that
    the certificate is listed there and neither suspended nor revoked.
    """
    keys = [k if isinstance(k, Ed25519PublicKey) else load_public_key(k)
            for k in trusted_public_keys]
    trusted = {key_fingerprint(k): k for k in keys}
    today = today or date.today()
    checks = [*_signature_checks(document, trusted), _validity_check(document, today)]
    problems = _digest_problems(document)
    page_problem = getattr(document, "page_problem", None)
    if page_problem:
        problems.append(page_problem)
    checks.append(VerificationCheck(
        "digests", not problems,
        "; ".join(problems) or "results, profile and spec digests match the signed certificate",
    ))
    checks.append(_profile_check(document))
    if register is not None:
        from conformance.register.lookup import register_check

        checks.append(register_check(document, register, keys, today))
    return VerificationReport(checks)


def _signature_checks(
    document: dict[str, Any], trusted: dict[str, Ed25519PublicKey]
) -> list[VerificationCheck]:
    def both(sig_msg: str, trust_msg: str) -> list[VerificationCheck]:
        return [VerificationCheck("signature", False, sig_msg),
                VerificationCheck("trusted_key", False, trust_msg)]

    if not isinstance(document, dict) or "signature" not in document:
        return both("the document is not signed", "no signature, so no signing key to trust")
    sig = document["signature"]
    if not isinstance(sig, dict) or sig.get("algorithm") != "Ed25519":
        algorithm = sig.get("algorithm") if isinstance(sig, dict) else None
        return both(f"unsupported signature algorithm {algorithm!r} (expected Ed25519)",
                    "cannot tell which key signed")
    try:
        value = base64.b64decode(str(sig.get("value", "")), validate=True)
        payload = _payload(document)
    except (ValueError, KeyError, TypeError) as exc:
        return both(f"the signature or signed content is malformed ({exc})",
                    "cannot tell which key signed")
    named = str(sig.get("key_fingerprint", ""))

    def verifies(key: Ed25519PublicKey) -> bool:
        try:
            key.verify(value, payload)
            return True
        except InvalidSignature:
            return False

    signer = next((fp for fp, key in trusted.items() if verifies(key)), None)
    embedded = _embedded_key(sig)
    if signer is not None:
        problems = []
        if named != signer:
            problems.append(f"the signature block names key {named or '(none)'}")
        if embedded is not None and key_fingerprint(embedded) != signer:
            problems.append("the informational public_key differs from the signing key")
        if problems:
            return [VerificationCheck("signature", True, f"valid, made by trusted key {signer}"),
                    VerificationCheck("trusted_key", False, "signed by trusted key "
                                      f"{signer}, but " + " and ".join(problems))]
        return [VerificationCheck("signature", True, "valid Ed25519 signature over the "
                                  "certificate and results"),
                VerificationCheck("trusted_key", True, f"signed by trusted key {signer}")]
    trusted_list = ", ".join(trusted) or "(no --trust key given)"
    if embedded is not None and key_fingerprint(embedded) == named and verifies(embedded):
        return [VerificationCheck("signature", True, f"valid, made by key {named}"),
                VerificationCheck("trusted_key", False, f"signed by key {named}, which is not "
                                  f"among the trusted keys: {trusted_list}")]
    trust_msg = (f"the signature names trusted key {named}" if named in trusted
                 else f"the signature names key {named or '(none)'}, not among the trusted "
                      f"keys: {trusted_list}")
    return [VerificationCheck("signature", False, "the signature does not match the signed "
                              "content: the certificate or results were changed after signing, "
                              "or the signature is damaged"),
            VerificationCheck("trusted_key", named in trusted, trust_msg)]


def _embedded_key(sig: dict[str, Any]) -> Ed25519PublicKey | None:
    try:
        return Ed25519PublicKey.from_public_bytes(
            base64.b64decode(str(sig.get("public_key", "")), validate=True))
    except ValueError:
        return None


def _validity_check(document: dict[str, Any], today: date) -> VerificationCheck:
    cert = document.get("certificate") if isinstance(document, dict) else None
    if not isinstance(cert, dict):
        return VerificationCheck("validity_period", False, "no certificate block: no validity "
                                 "period (an unsigned results document certifies nothing)")
    try:
        start = date.fromisoformat(str(cert["valid_from"]))
        end = date.fromisoformat(str(cert["valid_until"]))
    except (KeyError, ValueError) as exc:
        return VerificationCheck("validity_period", False, f"validity period unreadable ({exc})")
    if today < start:
        return VerificationCheck("validity_period", False,
                                 f"not valid yet: valid from {start}, today is {today}")
    if today > end:
        return VerificationCheck("validity_period", False,
                                 f"expired on {end} (today is {today}); a new run is needed")
    return VerificationCheck("validity_period", True, f"valid from {start} until {end}")


def _profile_check(document: dict[str, Any]) -> VerificationCheck:
    """Is the signed profile the published built-in profile of its id (by digest, against
    this tool's own copy)? A changed copy under a published id and version fails; a profile
    of its own, or another version of a published one, is named as such."""
    from .profiles import builtin_profile, provenance

    results = document.get("results") if isinstance(document, dict) else None
    profile = results.get("profile") if isinstance(results, dict) else None
    try:
        pid, version, digest = (str(profile[k]) for k in ("id", "version", "sha256"))
    except (KeyError, TypeError):
        return VerificationCheck("profile", False, "the results name no profile (id, version, "
                                 "sha256)")
    kind = provenance(pid, version, digest)
    published = builtin_profile(pid)
    if kind == "builtin":
        return VerificationCheck("profile", True, f"the published built-in profile {pid} "
                                 f"version {version} (sha256 {digest})")
    if kind == "changed":
        return VerificationCheck("profile", False, f"profile {pid} version {version} is a "
                                 f"changed copy: sha256 {digest}, the published profile has "
                                 f"{published[1] if published else '?'}")
    if kind == "other_version":
        return VerificationCheck("profile", True, f"profile {pid} version {version} (sha256 "
                                 f"{digest}); this tool publishes version "
                                 f"{published[0] if published else '?'} of {pid}, so it cannot "
                                 "compare the digest: check it against that version's release")
    return VerificationCheck("profile", True, f"a custom profile {pid} version {version} "
                             f"(sha256 {digest}), not one this tool publishes: its requirements "
                             "are listed on the certificate")


def _digest_problems(document: dict[str, Any]) -> list[str]:
    if not isinstance(document, dict):
        return ["not a certificate document"]
    cert, results = document.get("certificate"), document.get("results")
    if not isinstance(cert, dict) or not isinstance(results, dict):
        return ["no certificate block with digests"]
    problems = []
    try:
        if cert.get("results_sha256") != sha256_hex(canonical_json(results)):
            problems.append("results_sha256 does not match the results")
        if cert.get("profile_sha256") != results["profile"]["sha256"]:
            problems.append("profile_sha256 does not match the profile in the results")
        if cert.get("spec_sha256") != _spec_digests(results):
            problems.append("spec_sha256 does not match the standards in the results")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems.append(f"results lack the profile digests ({type(exc).__name__}: {exc})")
    return problems
