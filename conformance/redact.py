"""Keep credentials out of everything the harness writes.

The engine redacts each HTTP exchange before it becomes evidence, and the artefact
writer sweeps the finished files with :func:`find_secrets`. Two kinds of secret are
handled: the ones we know (client secret, API key, the tokens we minted) and the ones
that merely look like credentials (a ``Bearer`` token, a JWT, an ``Authorization``
header line in a curl command, a ``?api_key=`` query parameter), because a supplier
may echo a credential we never saw in a form we did not expect.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

REDACTED = "[REDACTED]"

#: Headers whose value is a credential, whatever it looks like (lower case).
SENSITIVE_HEADERS = frozenset({
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "x-csrftoken",
    "x-csrf-token",
})

#: A header or query parameter whose *name* suggests a credential.
_SENSITIVE_NAME = re.compile(
    r"(?i)(token|secret|passw(or)?d|pwd|api[-_]?key|apikey|^key$|[-_]key$|session|signature|^sig$)"
)
_SENSITIVE_HEADER_NAME = re.compile(r"(?i)(token|secret|passw(or)?d|api[-_]?key|apikey|session)")

#: Three base64url segments, the first one a JSON object header: a JWT (signature may be empty).
JWT_PATTERN = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
# A credential after an auth scheme: 8+ token characters with at least one digit or "=",
# so prose such as "Basic authentication required" is left alone.
_AUTH_SCHEME = re.compile(
    r"(?i)\b(Bearer|Basic)(\s+)(?=[A-Za-z._~+/-]*[0-9=])([A-Za-z0-9._~+/=-]{8,})"
)
_HEADER_LINE = re.compile(
    r"(?i)\b(authorization|proxy-authorization|x-api-key|api-key|apikey|cookie|set-cookie"
    r"|x-auth-token|x-access-token)(\s*:\s*)([^'\"\r\n]+)"
)
_QUERY_PARAM = re.compile(
    r"(?i)([?&;](?:access_token|refresh_token|id_token|token|api[-_]?key|apikey|key|secret"
    r"|client_secret|password|passwd|pwd|signature|sig)=)([^&#\s'\"<>]+)"
)
MIN_SECRET_LENGTH = 4
#: A secret shorter than this, or equal to a client id, is too weak to mask wherever its
#: characters occur (``admin`` is also a client id, a path segment, a word in an answer).
STRONG_SECRET_LENGTH = 8


class CredentialOnly(str):
    """A weak secret: masked only where it stands as a credential, not as every word.

    Open Zaak's own example client is ``admin`` with secret ``admin``; masking every
    "admin" would garble the evidence (and make the final sweep report the client id as a
    leak). Such a secret is still masked after ``secret``/``password``/``token``/``key``
    names and in headers that carry credentials; minted tokens are masked as JWTs anyway.
    """


def weakness(secret: str, client_ids: Iterable[str | None] = ()) -> str | None:
    """Why ``secret`` is weak (too short, equal to a client id), or None when it is not."""
    if secret in {c for c in client_ids if c}:
        return "equal to a client id"
    if len(secret) < STRONG_SECRET_LENGTH:
        return f"shorter than {STRONG_SECRET_LENGTH} characters"
    return None


def for_redaction(secret: str, client_ids: Iterable[str | None] = ()) -> str:
    """The secret as redaction should treat it: a :class:`CredentialOnly` when it is weak."""
    return CredentialOnly(secret) if weakness(secret, client_ids) else secret


@functools.lru_cache(maxsize=64)
def _credential_context(form: str) -> re.Pattern[str]:
    """``form`` right after a credential's name (``"secret": "admin"``, ``password=admin``)."""
    return re.compile(
        r"(?i)(\b(?:client_?secret|secret|passw(?:or)?d|pwd|token|api[-_]?key|key)\\?[\"']?"
        r"\s*[:=]\s*\\?[\"']?)" + re.escape(form) + r"(?![\w-])")

#: Nine digits standing alone (not part of a longer number, word, hex string or decimal).
_NINE_DIGITS = re.compile(r"(?<![\w])(?<!\d\.)\d{9}(?![\w])(?!\.\d)")
BSN_MASK = "*********"
#: A nine-digit value right after one of these names (``"bronorganisatie": "``,
#: ``bronorganisatie=``, also JSON-escaped) is an RSIN: an organisation's number, public by
#: law, which a reader needs to follow the evidence. It passes the BSN 11-test too, so
#: without this it would be masked.
_RSIN_FIELD_BEFORE = re.compile(
    r'(?i)(?:bronorganisatie|verantwoordelijke_?organisatie|rsin)\\?"?\s*[:=]\s*\\?"?$')


def passes_bsn_test(digits: str) -> bool:
    """The BSN 11-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (and not 0)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0 and digits != "000000000"


def mask_bsns(text: str) -> str:
    """Mask every nine-digit value that passes the BSN 11-test; nothing else changes.

    A citizen service number is personal data (AVG): a supplier's test environment may hold
    real ones, and evidence travels to buyers. The mask keeps the length (nine characters), so
    the field, its place and its size stay visible. RSINs pass the same test: those in the
    fields that hold one by definition (bronorganisatie, verantwoordelijkeOrganisatie, rsin)
    stay readable; anywhere else one is masked too, as it cannot be told from a BSN.
    """
    if not text or not any(c.isdigit() for c in text):
        return text

    def masked(match: re.Match[str]) -> str:
        digits = match.group(0)
        if not passes_bsn_test(digits):
            return digits
        before = text[max(0, match.start() - 40):match.start()]
        return digits if _RSIN_FIELD_BEFORE.search(before) else BSN_MASK

    return _NINE_DIGITS.sub(masked, text)


@functools.lru_cache(maxsize=256)
def _variants(secret: str) -> tuple[str, ...]:
    """The forms in which a known secret may show up in text we write (cached: every header of
    every exchange is redacted with the same few secrets)."""
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret, ensure_ascii=False)[1:-1],
        json.dumps(secret)[1:-1],
        html.escape(secret, quote=True),
        html.escape(secret, quote=False),
        # the JSON embedded in the certificate page escapes <, > and &
        secret.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"),
    }
    return tuple(sorted((f for f in forms if len(f) >= MIN_SECRET_LENGTH), key=len,
                        reverse=True))


def _known(secrets: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(forms to mask everywhere, forms to mask only as a credential), longest first."""
    return _known_forms(tuple((s, isinstance(s, CredentialOnly)) for s in secrets
                              if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH))


@functools.lru_cache(maxsize=64)
def _known_forms(seen: tuple[tuple[str, bool], ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Cached per set of secrets: a run redacts every exchange with the same few (tuples: a
    cached value no caller may change)."""
    strong = {form for s, credential in seen if not credential for form in _variants(s)}
    weak = {form for s, credential in seen if credential for form in _variants(s)}
    return (tuple(sorted(strong, key=len, reverse=True)),
            tuple(sorted(weak - strong, key=len, reverse=True)))


def redact_text(text: str, secrets: Iterable[str] = (), *, mask_bsn: bool = True) -> str:
    """Replace known secrets and anything that looks like a credential with ``REDACTED``.

    Secrets shorter than four characters are ignored: replacing "ab" everywhere would
    destroy the evidence and protect nothing. ``mask_bsn`` also masks values that pass the
    BSN 11-test (:func:`mask_bsns`); the target file can switch that off.
    """
    if not text:
        return text
    if mask_bsn:
        text = mask_bsns(text)
    everywhere, as_credential = _known(secrets)
    for form in everywhere:
        text = text.replace(form, REDACTED)
    for form in as_credential:
        text = _credential_context(form).sub(lambda m: m.group(1) + REDACTED, text)
    text = JWT_PATTERN.sub(REDACTED, text)
    text = _HEADER_LINE.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    text = _AUTH_SCHEME.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    text = _QUERY_PARAM.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def redact_headers(headers: Mapping[str, str], secrets: Iterable[str] = (), *,
                   mask_bsn: bool = True) -> dict[str, str]:
    """A copy of ``headers`` with credential headers blanked and secrets removed from the rest."""
    secrets = list(secrets)
    out: dict[str, str] = {}
    for name, value in headers.items():
        lowered = str(name).lower()
        if lowered in SENSITIVE_HEADERS or _SENSITIVE_HEADER_NAME.search(lowered):
            out[name] = REDACTED
        else:
            out[name] = redact_text(str(value), secrets, mask_bsn=mask_bsn)
    return out


def redact_url(url: str, secrets: Iterable[str] = (), *, mask_bsn: bool = True) -> str:
    """Remove a password in the userinfo, credential-like query parameters and known secrets.

    The rest of the URL is kept byte for byte, so a curl reproduction still works once the
    supplier puts its own credential back.
    """
    secrets = list(secrets)
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url, secrets, mask_bsn=mask_bsn)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{REDACTED}@{host}" if ":" in userinfo else f"{REDACTED}@{host}"
    query = "&".join(_redact_param(p) for p in parts.query.split("&")) if parts.query else ""
    rebuilt = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return redact_text(rebuilt, secrets, mask_bsn=mask_bsn)


def _redact_param(param: str) -> str:
    name, sep, _value = param.partition("=")
    if sep and _SENSITIVE_NAME.search(name):
        return f"{name}={REDACTED}"
    return param


def redact_value(value: Any, secrets: Iterable[str] = (), *, _key: str = "") -> Any:
    """Deep-redact a JSON-like value (e.g. a results dict) before it is written anywhere.

    ``headers`` mappings go through :func:`redact_headers`, ``url`` strings through
    :func:`redact_url`, every other string through :func:`redact_text`.
    """
    secrets = list(secrets)
    if isinstance(value, Mapping):
        if _key == "headers":
            return redact_headers({str(k): str(v) for k, v in value.items()}, secrets)
        return {k: redact_value(v, secrets, _key=str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v, secrets, _key=_key) for v in value]
    if isinstance(value, str):
        return redact_url(value, secrets) if _key == "url" else redact_text(value, secrets)
    return value


def find_secrets(paths: Iterable[Path], secrets: Iterable[str] = ()) -> list[tuple[Path, str]]:
    """Report every file that contains a known secret (in any encoding we write) or a JWT.

    Returns ``(file, what)`` pairs; ``what`` never repeats the secret itself, so the
    report of a leak is not a leak. Directories are searched recursively.
    """
    secrets = [s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH]
    hits: list[tuple[Path, str]] = []
    for path in _files(paths):
        raw = path.read_bytes()
        text = raw.decode("utf-8", errors="replace")
        for index, secret in enumerate(secrets, start=1):
            if isinstance(secret, CredentialOnly):
                found = any(_credential_context(form).search(text) for form in _variants(secret))
            else:
                needles = [*_variants(secret), base64.b64encode(secret.encode()).decode()]
                found = any(n in text for n in needles) or secret.encode() in raw
            if found:
                hits.append((path, f"known secret #{index} ({len(secret)} characters)"))
        for match in JWT_PATTERN.finditer(text):
            hits.append((path, f"JWT-looking string at character {match.start()}"))
    return hits


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.is_file():
            found.append(path)
    return found
