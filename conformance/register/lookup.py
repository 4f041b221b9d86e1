"""`conformance verify --register`: is this certificate listed, and not suspended or revoked?

The register is a folder or the URL of a published site. Either way the whole log is read
and its chain verified with the keys the verifier trusts before anything in it is believed.
From a URL exactly two files are fetched, ``log.jsonl`` and ``head.json`` under the given
address, with timeouts, a size cap and no redirects: nothing else is ever contacted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..certify import VerificationCheck, certificate_id
from .folder import document_digest
from .log import HEAD_NAME, LOG_NAME, verify_log
from .state import EXPIRED, REVOKED, SUSPENDED

TIMEOUT_S = 10.0
MAX_BYTES = 64 * 1024 * 1024


class _Unreadable(Exception):
    """The register could not be read (the message says where and why)."""


def _fetch(url: str, client: httpx.Client, *, required: bool) -> bytes | None:
    try:
        with client.stream("GET", url) as response:
            if response.status_code == 404 and not required:
                return None
            if response.status_code != 200:
                raise _Unreadable(f"{url}: HTTP {response.status_code}"
                                  + (" (redirects are not followed)"
                                     if 300 <= response.status_code < 400 else ""))
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise _Unreadable(f"{url}: larger than {MAX_BYTES // 2**20} MiB")
            return bytes(body)
    except httpx.HTTPError as exc:
        raise _Unreadable(f"{url}: {type(exc).__name__}: {exc}") from None


def read_register(location: str) -> tuple[bytes, bytes | None]:
    """(log bytes, head bytes or None) of a register folder or published site."""
    if location.startswith(("http://", "https://")):
        base = location.rstrip("/")
        with httpx.Client(timeout=TIMEOUT_S, follow_redirects=False, trust_env=False) as client:
            log = _fetch(f"{base}/{LOG_NAME}", client, required=True)
            return log or b"", _fetch(f"{base}/{HEAD_NAME}", client, required=False)
    folder = Path(location)
    if not (folder / LOG_NAME).is_file():
        raise _Unreadable(f"{folder}: no {LOG_NAME} here; give a register folder or the URL "
                          "of a published register")
    try:
        head = folder / HEAD_NAME
        return (folder / LOG_NAME).read_bytes(), head.read_bytes() if head.exists() else None
    except OSError as exc:
        raise _Unreadable(f"{folder}: {exc}") from None


def register_check(document: dict[str, Any], location: str,
                   trusted: list[Ed25519PublicKey], today: date) -> VerificationCheck:
    def fail(message: str) -> VerificationCheck:
        return VerificationCheck("register", False, message)

    cert_id = certificate_id(document)
    if cert_id is None:
        return fail("the certificate has no id (it was signed before certificates had one), "
                    "so no register can list it")
    try:
        log, head = read_register(location)
    except _Unreadable as exc:
        return fail(f"the register could not be read: {exc}")
    report = verify_log(log, head, trusted)
    if not report.ok:
        return fail(f"the register at {location} does not verify ({report.broken}); its "
                    "statements cannot be trusted")
    state = report.state.certificates.get(cert_id)
    if state is None:
        return fail(f"certificate {cert_id} is not in the register at {location}")
    if state.summary.get("document_sha256") != document_digest(document):
        return fail(f"the register lists another document under id {cert_id}: this "
                    "certificate is not the one that was registered")
    status = state.status(today)
    last = state.events[-1]
    when = str(last["time"])[:10]
    if status == REVOKED:
        return fail(f"certificate {cert_id} was REVOKED on {when}: {state.last_reason}")
    if status == SUSPENDED:
        return fail(f"certificate {cert_id} is SUSPENDED since {when}: {state.last_reason}")
    if status == EXPIRED:
        return fail(f"certificate {cert_id} has expired (valid until "
                    f"{state.summary.get('valid_until')})")
    return VerificationCheck("register", True, f"listed in the register at {location} "
                             f"(entry {state.events[0]['seq'] + 1}), status valid")
