"""The one client layer for HTTP the harness sends from its own code.

Every request from suites and fixture preparation passes here, so the limits
hold everywhere: a timeout per request, a response size cap (read streamed), no
request to an origin outside the target, no automatic redirects, a request
budget, credentials added here and nowhere else, and a bounded record of
exchanges for evidence (redacted before it leaves this module).
"""

from __future__ import annotations

import itertools
import json
import shlex
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import httpx

from .auth import TokenSource
from .redact import redact_headers, redact_text, redact_url
from .targets import origin_of

DEFAULT_TIMEOUT_S = 15.0
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
EVIDENCE_BODY_CHARS = 4000
_ORDER = itertools.count()


class ClientLimitError(Exception):
    """A limit of the client layer stopped a request (outside origin, size cap, budget)."""


class OutsideTargetError(ClientLimitError):
    """A URL outside the target's origins was about to be requested."""


class ResponseTooLarge(ClientLimitError):
    """The response body exceeded the size cap."""


class BudgetExhausted(ClientLimitError):
    """The run's request budget is used up."""


@dataclass
class Limits:
    """Shared by every client of one run."""

    origins: set[str]
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    request_budget: int | None = None
    secrets: list[str] = field(default_factory=list)
    requests_sent: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def admit(self, url: str) -> None:
        if origin_of(url) not in self.origins:
            raise OutsideTargetError(
                f"refused to contact {redact_url(url, self.secrets)}: its origin is not one of "
                f"the target's ({', '.join(sorted(self.origins))})"
            )
        with self._lock:
            if self.request_budget is not None and self.requests_sent >= self.request_budget:
                raise BudgetExhausted(f"request budget of {self.request_budget} used up")
            self.requests_sent += 1


@dataclass
class Exchange:
    """One request/response pair, redacted, ready to become evidence."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int | None
    response_headers: dict[str, str]
    response_body: str | None
    truncated: bool
    elapsed_s: float
    error: str | None = None
    order: int = field(default_factory=lambda: next(_ORDER))

    def evidence(self) -> dict[str, Any]:
        return {
            "request": {"method": self.method, "url": self.url,
                        "headers": self.request_headers, "body": self.request_body},
            "response": None if self.status is None else {
                "status": self.status, "headers": self.response_headers,
                "body": self.response_body, "truncated": self.truncated},
            "curl": self.curl(),
        }

    def curl(self) -> str:
        parts = ["curl", "-X", self.method]
        for name, value in self.request_headers.items():
            if name.lower() in ("content-length", "host", "accept-encoding", "connection"):
                continue
            parts += ["-H", f"{name}: {value}"]
        if self.request_body:
            parts += ["-d", self.request_body]
        parts.append(self.url)
        return " ".join(shlex.quote(p) for p in parts)


class ApiClient:
    """An authenticated client for one API of the target."""

    def __init__(self, base_url: str, limits: Limits, tokens: TokenSource | None,
                 default_headers: dict[str, str] | None = None, keep: int = 50) -> None:
        self.base_url = base_url.rstrip("/")
        self._limits = limits
        self._tokens = tokens
        self._default_headers = default_headers or {}
        self._http = httpx.Client(timeout=limits.timeout_s, follow_redirects=False)
        self.exchanges: deque[Exchange] = deque(maxlen=keep)

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        return urljoin(self.base_url + "/", path_or_url.lstrip("/"))

    def request(self, method: str, path_or_url: str, *, json_body: Any = None,
                content: bytes | str | None = None, params: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None, auth: bool = True) -> httpx.Response:
        """Send one request within the limits; the body is read (capped) before returning.

        ``auth=False`` sends no credentials (for checks that auth is enforced);
        ``headers`` with a value of ``None`` removes a default header.
        """
        url = self.url(path_or_url)
        self._limits.admit(url)
        merged: dict[str, str] = {}
        if auth and self._tokens is not None:
            merged.update(self._tokens.headers())
        merged.update(self._default_headers)
        for name, value in (headers or {}).items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        if json_body is not None:
            content = json.dumps(json_body)
            merged.setdefault("Content-Type", "application/json")
        started = time.monotonic()
        request = self._http.build_request(method, url, params=params, headers=merged,
                                           content=content)
        try:
            response = self._http.send(request, stream=True)
        except httpx.HTTPError as exc:
            self._record(request, None, b"", False, started, f"{type(exc).__name__}: {exc}")
            raise
        try:
            body, truncated = self._read_capped(response)
        finally:
            response.close()
        response._content = body  # the capped body becomes the response's content
        self._record(request, response, body, truncated, started, None)
        if truncated:
            raise ResponseTooLarge(
                f"{method} {redact_url(url, self._secrets())}: response larger than "
                f"{self._limits.max_response_bytes} bytes"
            )
        return response

    def _read_capped(self, response: httpx.Response) -> tuple[bytes, bool]:
        cap = self._limits.max_response_bytes
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                chunks.append(chunk[: max(0, cap - (size - len(chunk)))])
                return b"".join(chunks), True
            chunks.append(chunk)
        return b"".join(chunks), False

    def _secrets(self) -> list[str]:
        extra = self._tokens.secrets() if self._tokens else []
        return [*self._limits.secrets, *extra]

    def _record(self, request: httpx.Request, response: httpx.Response | None, body: bytes,
                truncated: bool, started: float, error: str | None) -> None:
        secrets = self._secrets()
        req_body = request.content.decode("utf-8", "replace") if request.content else None
        self.exchanges.append(Exchange(
            method=request.method,
            url=redact_url(str(request.url), secrets),
            request_headers=redact_headers(dict(request.headers), secrets),
            request_body=redact_text(req_body, secrets)[:EVIDENCE_BODY_CHARS] if req_body else None,
            status=response.status_code if response is not None else None,
            response_headers=redact_headers(dict(response.headers), secrets) if response else {},
            response_body=(redact_text(body.decode("utf-8", "replace"), secrets)
                           [:EVIDENCE_BODY_CHARS] if body else None),
            truncated=truncated or len(body) > EVIDENCE_BODY_CHARS,
            elapsed_s=round(time.monotonic() - started, 4),
            error=error,
        ))

    def get(self, path_or_url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path_or_url, **kw)

    def head(self, path_or_url: str, **kw: Any) -> httpx.Response:
        return self.request("HEAD", path_or_url, **kw)

    def post(self, path_or_url: str, json_body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("POST", path_or_url, json_body=json_body, **kw)

    def put(self, path_or_url: str, json_body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("PUT", path_or_url, json_body=json_body, **kw)

    def patch(self, path_or_url: str, json_body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("PATCH", path_or_url, json_body=json_body, **kw)

    def delete(self, path_or_url: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path_or_url, **kw)

    def close(self) -> None:
        self._http.close()
