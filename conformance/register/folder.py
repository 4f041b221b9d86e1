"""The register on disk: a folder with the log, its signed head and the certificates.

::

    REGISTER/log.jsonl              the append-only log (see log.py)
    REGISTER/head.json              signed: number of entries, hash of the last one
    REGISTER/certificates/ID.json   each registered certificate, as signed by its issuer
    REGISTER/register.lock          taken while appending (nightly shards may write at once)

Every write first verifies the whole chain with the writer's own key, so nothing is ever
appended to a log that was tampered with, then appends one line (fsync) and rewrites the
head atomically. Only certificates that verify (signature by a trusted key, digests,
validity) and say *conformant* can be added: the register lists proofs of conformance.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..certify import (
    CertifyError,
    canonical_json,
    certificate_id,
    load_document,
    load_private_key,
    load_public_key,
    sha256_hex,
    verify_document,
)
from ..errors import EXIT_NOT_CONFORMANT, ConformanceError, UsageError
from .log import (
    GENESIS,
    HEAD_NAME,
    LOG_NAME,
    LogReport,
    entry_hash,
    entry_line,
    make_entry,
    make_head,
    verify_log,
)
from .state import ADD, REVOKE, SUSPEND, UNSUSPEND, TransitionError

CERTIFICATES_DIR = "certificates"
LOCK_NAME = "register.lock"


class RegisterError(UsageError):
    """A register that cannot be used as asked (missing, broken, wrong key ...): exit 2."""


class RegisterRefused(ConformanceError):
    """A certificate the register will not take (not valid, not conformant): exit 1."""

    exit_code = EXIT_NOT_CONFORMANT


def document_digest(document: dict[str, Any]) -> str:
    """sha256 of the whole signed document in canonical JSON: the same from .json or .html."""
    return sha256_hex(canonical_json(dict(document)))


def is_certificate_id(value: str) -> bool:
    """Ids are uuid4 text (also because they name files in the register and on the site)."""
    try:
        return str(uuid.UUID(value)) == value
    except (ValueError, TypeError, AttributeError):
        return False


@dataclass(frozen=True)
class Register:
    path: Path

    @property
    def log_path(self) -> Path:
        return self.path / LOG_NAME

    @property
    def head_path(self) -> Path:
        return self.path / HEAD_NAME

    def certificate_path(self, cert_id: str) -> Path:
        if not is_certificate_id(cert_id):
            raise RegisterError(f"{cert_id!r} is not a certificate id (a uuid such as "
                                "3f2b8c9e-…); the id is printed on the certificate")
        return self.path / CERTIFICATES_DIR / f"{cert_id}.json"

    def read(self, trusted: list[Ed25519PublicKey] | None = None) -> LogReport:
        """Verify the log and head (see log.verify_log); a missing log is an empty register."""
        try:
            log = self.log_path.read_bytes() if self.log_path.exists() else b""
            head = self.head_path.read_bytes() if self.head_path.exists() else None
        except OSError as exc:
            raise RegisterError(f"{self.path}: cannot read the register ({exc})") from None
        return verify_log(log, head, trusted)

    def verified(self, trusted: list[Ed25519PublicKey] | None = None) -> LogReport:
        """``read``, refusing a broken log: for commands that build on it."""
        report = self.read(trusted)
        if not report.ok:
            raise RegisterError(f"{self.path}/{report.broken}; the register is broken: "
                                f"run `conformance register verify --register {self.path} "
                                "--trust PUBLIC.pem` and restore log.jsonl from a backup")
        return report

    def document(self, cert_id: str) -> dict[str, Any]:
        path = self.certificate_path(cert_id)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RegisterError(f"{path}: the registered certificate cannot be read ({exc})"
                                ) from None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / LOCK_NAME, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def append(self, key_path: Path, kind: str, cert_id: str, data: dict[str, Any],
               before_append: Callable[[], None] | None = None) -> dict[str, Any]:
        """Verify the chain with the writer's key, then add one signed entry and the head;
        ``before_append`` runs under the lock once the entry is known to be allowed."""
        key = load_register_key(key_path)
        with self.locked():
            report = self.verified([key.public_key()])
            prev = entry_hash(report.entries[-1]) if report.entries else GENESIS
            entry = make_entry(key, seq=len(report.entries), kind=kind, certificate=cert_id,
                               data=data, prev=prev)
            try:
                report.state.apply(entry)
            except TransitionError as exc:
                raise RegisterError(f"{self.path}: {exc}") from None
            if before_append is not None:
                before_append()
            with open(self.log_path, "ab") as log:
                log.write(entry_line(entry))
                log.flush()
                os.fsync(log.fileno())
            _write_atomic(self.head_path, canonical_json(make_head(key, [*report.entries,
                                                                           entry])) + b"\n")
        return entry


def load_register_key(path: Path) -> Ed25519PrivateKey:
    """The register's private key; a bad key file is a usage error (exit 2)."""
    try:
        return load_private_key(path)
    except CertifyError as exc:
        raise RegisterError(str(exc)) from None


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def open_register(path: Path, *, create: bool = False) -> Register:
    path = Path(path)
    if not path.is_dir() and not create:
        raise RegisterError(f"{path}: no register folder here; `conformance register add` "
                            "creates one")
    if path.exists() and not path.is_dir():
        raise RegisterError(f"{path}: not a folder")
    if not create and not (path / LOG_NAME).exists():
        raise RegisterError(f"{path}: no {LOG_NAME} in this folder; is it a register?")
    return Register(path)


# --- the operations ------------------------------------------------------------------------

def summary_of(document: dict[str, Any]) -> dict[str, Any]:
    """What the ``add`` entry says about a certificate: enough for the site and for tools."""
    cert, results = document["certificate"], document["results"]
    supplier, profile = results["target"]["supplier"], results["profile"]
    return {
        "document_sha256": document_digest(document),
        "issuer": cert["issuer"], "issued_at": cert["issued_at"],
        "valid_from": cert["valid_from"], "valid_until": cert["valid_until"],
        "signer": document["signature"]["key_fingerprint"],
        "supplier": {k: str(supplier.get(k, "")) for k in ("name", "product", "version")},
        "profile": {"id": profile["id"], "version": profile["version"],
                    "title": profile["title"],
                    "component": (profile.get("gemma") or {}).get("component") or ""},
        "standards": [{"name": s["name"], "version": s["version"]}
                      for s in profile.get("standards", [])],
        "verdict": results["verdict"],
    }


def add_certificate(register: Register, certificate: Path, key_path: Path,
                    trusted: list[Path], *, today: date | None = None) -> dict[str, Any]:
    """Verify ``certificate`` and add it; ``trusted`` empty: it must be signed by the
    register's own key (the usual case: the certifying party keeps the register)."""
    try:
        document = load_document(certificate)
        keys = [load_public_key(p) for p in trusted] or [load_register_key(key_path).public_key()]
    except CertifyError as exc:
        raise RegisterError(str(exc)) from None
    report = verify_document(document, keys, today=today)
    if not report.ok:
        raise RegisterRefused(f"{certificate}: the certificate does not verify, so it is not "
                              "added:\n  " + "\n  ".join(report.lines()))
    cert_id = certificate_id(document)
    if cert_id is None or not is_certificate_id(cert_id):
        raise RegisterRefused(f"{certificate}: the certificate has no id (it was signed before "
                              "certificates had one); sign its results.json again with "
                              "`conformance sign` and add the new certificate")
    verdict = document["results"]["verdict"]
    if verdict != "conformant":
        raise RegisterRefused(f"{certificate}: the certificate says {verdict}; the register "
                              "lists certificates of conformance only")
    path = register.certificate_path(cert_id)

    def store_copy() -> None:  # under the lock, after the chain and the id were checked
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, (json.dumps(dict(document), indent=2, ensure_ascii=False)
                             + "\n").encode("utf-8"))

    return register.append(key_path, ADD, cert_id, summary_of(document), store_copy)


def change_status(register: Register, cert_id: str, kind: str, key_path: Path, reason: str,
                  *, source: str = "manual", details: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
    """Append a suspend, unsuspend or revoke entry (refused when the state forbids it)."""
    assert kind in (SUSPEND, UNSUSPEND, REVOKE)
    register.certificate_path(cert_id)  # refuses what is not an id
    if not reason or not reason.strip():
        raise RegisterError(f"{kind} needs a --reason: it is published with the entry")
    data = {"reason": reason.strip(), "source": source, **(details or {})}
    return register.append(key_path, kind, cert_id, data)

