"""The one client layer for HTTP the harness sends.

Every request from suites and fixture preparation passes here, and the contract
pass's ``requests`` traffic is routed through :class:`PolicyAdapter` by
:func:`policy_sessions`, so the limits hold everywhere: a time bound per request
(also for a body that trickles in), a response size cap (read streamed), no
request to an origin outside the target, no automatic redirects, the target's
safety policy (methods, budget, rate, run deadline, TLS verification),
credentials added here and nowhere else, and a bounded record of exchanges for
evidence (redacted before it leaves this module).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import shlex
import socket
import ssl
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import httpx
import requests
from requests.adapters import HTTPAdapter

from .auth import TokenSource
from .redact import redact_headers, redact_text, redact_url
from .safety import SafetyPolicy
from .targets import origin_of

DEFAULT_TIMEOUT_S = 15.0
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
EVIDENCE_BODY_CHARS = 4000
_ORDER = itertools.count()


class ClientLimitError(Exception):
    """A limit of the client layer stopped a request (outside origin, size cap, budget)."""


class OutsideTargetError(ClientLimitError, AssertionError):
    """A URL outside the target's origins was about to be requested.

    The harness only builds URLs from the target file's base URLs, so an absolute URL
    elsewhere came from the supplier (a ``next`` link, an object ``url``, a ``Location``):
    the supplier broke the rule that links stay on its API. It is also an
    ``AssertionError``, so the requirement that followed the link fails with this message.
    """


class ResponseTooLarge(ClientLimitError):
    """The response body exceeded the size cap."""


class ResponseTooSlow(ClientLimitError):
    """The response did not arrive completely within the time bound of one request."""


class BudgetExhausted(ClientLimitError):
    """The run's request budget is used up."""


class MethodRefused(ClientLimitError):
    """The safety policy does not allow this method on this target."""


class RunDeadlineReached(ClientLimitError):
    """The run's time bound (safety.run_timeout_s) has passed."""


class TargetFailing(ClientLimitError):
    """The target failed too many requests in a row (timeouts, resets, caps): stop sending."""


class ResponseTooDeep(ClientLimitError):
    """A JSON body nested deeper than any parser here can follow (RecursionError)."""


#: transport failures in a row after which a run sends nothing more to the target
MAX_CONSECUTIVE_FAILURES = 5
#: JSON nesting the harness reads at all; Python's json module fails near 1,000
MAX_JSON_DEPTH = 500


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``body`` opens more than ``limit`` arrays/objects at once (strings skipped).

    Checked before anything parses a response, because a parser that hits the recursion
    limit raises ``RecursionError`` in whatever thread it runs in (schemathesis's workers
    included), and that must become an undecided check, not a crash.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


@dataclass
class Limits:
    """Shared by every client of one run."""

    origins: set[str]
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    request_budget: int | None = None
    secrets: list[str] = field(default_factory=list)
    policy: SafetyPolicy = field(default_factory=SafetyPolicy)
    deadline: float | None = None  # time.monotonic() after which no request starts
    requests_sent: int = 0
    refusals: list[str] = field(default_factory=list)  # what the policy stopped (bounded)
    max_consecutive_failures: int = MAX_CONSECUTIVE_FAILURES
    consecutive_failures: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _next_slot: float = 0.0
    #: requests in flight at once (policy.max_concurrency), for every client of the run
    _in_flight: threading.BoundedSemaphore = field(init=False, repr=False)
    #: requests that held a place, and the seconds they held it: how long the supplier takes
    #: to answer, as the harness sees it
    _held: int = field(default=0, repr=False)
    _held_s: float = field(default=0.0, repr=False)
    #: requests the run's child processes sent with Limits of their own (the suites): they
    #: count against the request budget here too
    requests_elsewhere: int = 0
    #: while a place is lent (lend_place): the budget set aside for the borrower, and the
    #: part of the rate this process keeps
    _budget_lent: int = field(default=0, repr=False)
    _rate_kept: float = field(default=1.0, repr=False)

    def __post_init__(self) -> None:
        self._in_flight = threading.BoundedSemaphore(max(1, self.policy.max_concurrency))

    @contextlib.contextmanager
    def in_flight(self) -> Iterator[None]:
        """Hold one of the run's concurrent-request places while a request is sent and its
        answer read (waits for one to come free)."""
        with self._in_flight:
            started = time.monotonic()
            try:
                yield
            finally:
                with self._lock:
                    self._held += 1
                    self._held_s += time.monotonic() - started

    @contextlib.contextmanager
    def lend_place(self) -> Iterator[tuple[SafetyPolicy, int | None]]:
        """Hand one of the run's concurrent-request places, with its share of the rate and
        of the request budget left, to a process that sends beside this one with Limits of
        its own: together they keep to the policy. Yields the borrower's policy and budget;
        its requests are added to ``requests_elsewhere`` by whoever reads its count."""
        parts = self.policy.max_concurrency
        if parts < 2:
            raise ValueError("a run with one concurrent-request place has none to lend")
        with self._in_flight:  # held for the whole loan: this process has one place less
            with self._lock:
                budget = self.budget_left()
                lent = None if budget is None else budget // parts
                self._budget_lent, self._rate_kept = lent or 0, (parts - 1) / parts
            try:
                yield self.policy.share(parts), lent
            finally:
                with self._lock:
                    self._budget_lent, self._rate_kept = 0, 1.0

    def budget_left(self) -> int | None:
        """Requests the budget still allows this process (None: no budget)."""
        if self.request_budget is None:
            return None
        return max(0, self.request_budget - self.requests_sent - self.requests_elsewhere
                   - self._budget_lent)

    def mean_answer_s(self) -> float | None:
        """The mean time from sending a request to having its answer, so far (None before
        the first)."""
        with self._lock:
            return self._held_s / self._held if self._held else None

    @classmethod
    def for_policy(cls, origins: set[str], policy: SafetyPolicy, timeout_s: float,
                   secrets: list[str], *, run_seconds: float | None = None,
                   request_budget: int | None = None) -> Limits:
        """Limits from a target's safety policy; ``run_seconds`` overrides its run timeout."""
        seconds = policy.run_timeout_s if run_seconds is None else run_seconds
        return cls(origins=origins, timeout_s=timeout_s,
                   max_response_bytes=policy.max_response_bytes,
                   request_budget=(policy.request_budget if request_budget is None
                                   else request_budget),
                   secrets=secrets, policy=policy, deadline=time.monotonic() + seconds)

    @property
    def verify_tls(self) -> bool:
        return not self.policy.insecure_tls

    def seconds_left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def admit(self, url: str, method: str = "GET") -> None:
        """Raise unless the policy allows this request now; waits for the rate limit."""
        try:
            self._admit(url, method)
        except ClientLimitError as exc:
            with self._lock:
                if len(self.refusals) < 50:
                    self.refusals.append(str(exc))
            raise

    def _admit(self, url: str, method: str) -> None:
        if origin_of(url) not in self.origins:
            raise OutsideTargetError(
                f"refused to contact {redact_url(url, self.secrets)}: its origin is not one of "
                f"the target's ({', '.join(sorted(self.origins))}); links must stay on the "
                "supplier's API (not followed)"
            )
        refusal = self.policy.refusal(method)
        if refusal is not None:
            raise MethodRefused(f"refused {method.upper()} {redact_url(url, self.secrets)}: "
                                f"{refusal}")
        with self._lock:
            now = time.monotonic()
            if self.deadline is not None and now > self.deadline:
                raise RunDeadlineReached(
                    f"the run's time bound of {self.policy.run_timeout_s:.0f} s has passed; "
                    "no further requests are sent")
            if self.budget_left() == 0:
                raise BudgetExhausted(f"request budget of {self.request_budget} used up")
            if self.consecutive_failures >= self.max_consecutive_failures:
                raise TargetFailing(
                    f"the target failed {self.consecutive_failures} requests in a row (time "
                    "bound, size cap or broken connections); no further requests are sent")
            self.requests_sent += 1
            wait = 0.0
            rps = self.policy.requests_per_second
            if rps:
                rps *= self._rate_kept
                slot = max(now, self._next_slot)
                self._next_slot = slot + 1.0 / rps
                wait = slot - now
        if wait > 0:
            time.sleep(wait)

    def outcome(self, failed: bool) -> None:
        """Count transport failures in a row (an HTTP answer of any status resets it)."""
        with self._lock:
            self.consecutive_failures = self.consecutive_failures + 1 if failed else 0

    def request_deadline(self) -> float:
        """When the request starting now must have its whole response (monotonic)."""
        bound = time.monotonic() + self.timeout_s
        return bound if self.deadline is None else min(bound, max(self.deadline, 0.0) + 1.0)


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


@functools.cache
def tls_context(verify: bool) -> ssl.SSLContext:
    """One TLS context per setting, shared by every client of the process.

    Building one loads the CA bundle (~50 ms); the suites make a client per API per test, so
    a context per client cost a whole-API run ~17 s. A context is safe to share between
    threads; httpx's own environment handling (SSL_CERT_FILE, SSL_CERT_DIR) still applies.
    """
    return httpx.create_ssl_context(verify=verify)


class ApiClient:
    """An authenticated client for one API of the target."""

    def __init__(self, base_url: str, limits: Limits, tokens: TokenSource | None,
                 default_headers: dict[str, str] | None = None, keep: int = 50) -> None:
        self.base_url = base_url.rstrip("/")
        self._limits = limits
        self._tokens = tokens
        self._default_headers = default_headers or {}
        self._http = httpx.Client(timeout=limits.timeout_s, follow_redirects=False,
                                  verify=tls_context(limits.verify_tls))
        self.exchanges: deque[Exchange] = deque(maxlen=keep)

    @property
    def limits(self) -> Limits:
        """The run's limits this client sends within (shared by every client of the run)."""
        return self._limits

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
        self._limits.admit(url, method)
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
        if method.upper() == "HEAD":
            # a server that (wrongly) sends a body with HEAD leaves it in the connection, where
            # it would be read as the next answer: HEAD never shares a connection
            merged["Connection"] = "close"
        request = self._http.build_request(method, url, params=params, headers=merged,
                                           content=content)
        with self._limits.in_flight():
            return self._exchange(method, url, request)

    def _exchange(self, method: str, url: str, request: httpx.Request) -> httpx.Response:
        """Send ``request`` and read its answer within the limits (size, time, depth)."""
        started = time.monotonic()
        deadline = self._limits.request_deadline()
        try:
            response = self._send(request, started)
        except httpx.HTTPError as exc:
            self._limits.outcome(failed=True)
            self._record(request, None, b"", False, started, f"{type(exc).__name__}: {exc}")
            raise
        try:
            body, truncated, slow = self._read_capped(response, deadline)
        except httpx.HTTPError as exc:
            self._limits.outcome(failed=True)
            self._record(request, response, b"", False, started, f"{type(exc).__name__}: {exc}")
            raise
        finally:
            response.close()
        self._limits.outcome(failed=truncated or slow)
        if not truncated and not slow and json_too_deep(body):
            self._record(request, response, body, False, started, "JSON nested too deep")
            raise ResponseTooDeep(
                f"{method} {redact_url(url, self._secrets())}: the JSON answer is nested more "
                f"than {MAX_JSON_DEPTH} levels deep; it was not parsed")
        response._content = body  # the capped body becomes the response's content
        self._record(request, response, body, truncated, started,
                     "response too slow" if slow else None)
        if slow:
            raise ResponseTooSlow(
                f"{method} {redact_url(url, self._secrets())}: the whole response did not "
                f"arrive within {self._limits.timeout_s:g} s (after {len(body)} bytes)")
        if truncated:
            raise ResponseTooLarge(
                f"{method} {redact_url(url, self._secrets())}: response larger than "
                f"{self._limits.max_response_bytes} bytes"
            )
        return response

    def _send(self, request: httpx.Request, started: float) -> httpx.Response:
        """Send; an idempotent request whose connection broke before any answer came (a
        kept-alive connection the server had just closed, e.g. a worker being recycled) is
        sent once more, as RFC 9112 section 9.3.1 allows. A POST is repeated only when the
        server closed the connection without reading it (:func:`_closed_unanswered`)."""
        try:
            return self._http.send(request, stream=True)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            if request.method.upper() not in IDEMPOTENT and not _closed_unanswered(exc):
                raise
            self._record(request, None, b"", False, started,
                         f"{type(exc).__name__}: {exc} (sent once more)")
            self._limits.admit(str(request.url), request.method)
            return self._http.send(request, stream=True)

    def _read_capped(self, response: httpx.Response, deadline: float
                     ) -> tuple[bytes, bool, bool]:
        """(body, cut at the size cap, stopped at the time bound)."""
        cap = self._limits.max_response_bytes
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                chunks.append(chunk[: max(0, cap - (size - len(chunk)))])
                return b"".join(chunks), True, False
            chunks.append(chunk)
            if time.monotonic() > deadline:
                return b"".join(chunks), False, True
        return b"".join(chunks), False, False

    def _secrets(self) -> list[str]:
        extra = self._tokens.secrets() if self._tokens else []
        return [*self._limits.secrets, *extra]

    def _record(self, request: httpx.Request, response: httpx.Response | None, body: bytes,
                truncated: bool, started: float, error: str | None) -> None:
        secrets = self._secrets()
        bsn = self._limits.policy.mask_bsn
        req_body = request.content.decode("utf-8", "replace") if request.content else None
        self.exchanges.append(Exchange(
            method=request.method,
            url=redact_url(str(request.url), secrets, mask_bsn=bsn),
            request_headers=redact_headers(dict(request.headers), secrets, mask_bsn=bsn),
            request_body=(redact_text(req_body, secrets, mask_bsn=bsn)[:EVIDENCE_BODY_CHARS]
                          if req_body else None),
            status=response.status_code if response is not None else None,
            response_headers=(redact_headers(dict(response.headers), secrets, mask_bsn=bsn)
                              if response else {}),
            response_body=(redact_text(body[:EVIDENCE_BODY_CHARS * 4].decode("utf-8", "replace"),
                                       secrets, mask_bsn=bsn)[:EVIDENCE_BODY_CHARS]
                           if body else None),
            truncated=truncated or len(body) > EVIDENCE_BODY_CHARS,
            elapsed_s=round(time.monotonic() - started, 4),
            error=error,
        ))

    def body_after_head(self, path_or_url: str) -> bytes:
        """What a server sends after the headers of a HEAD answer (there must be nothing).

        HTTP clients never read a HEAD body, so only a raw connection can see one. Within the
        same limits as every request: origin, policy, time bound, size cap.
        """
        url = self.url(path_or_url)
        self._limits.admit(url, "HEAD")
        parts = httpx.URL(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = parts.raw_path.decode("ascii")
        headers = {"Host": parts.netloc.decode("ascii"), "Connection": "close",
                   **(self._tokens.headers() if self._tokens else {}), **self._default_headers}
        request = f"HEAD {target} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        deadline = self._limits.request_deadline()
        raw = b""
        try:
            with socket.create_connection((parts.host, port),
                                          timeout=self._limits.timeout_s) as sock:
                conn: socket.socket = (tls_context(self._limits.verify_tls).wrap_socket(
                    sock, server_hostname=parts.host) if parts.scheme == "https" else sock)
                conn.sendall(request.encode("latin-1"))
                while len(raw) <= self._limits.max_response_bytes and \
                        time.monotonic() < deadline:
                    conn.settimeout(max(0.05, deadline - time.monotonic()))
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    raw += chunk
        except (OSError, ssl.SSLError):
            pass  # what arrived before the error or the time bound is the answer
        self._limits.outcome(failed=not raw)
        _, sep, rest = raw.partition(b"\r\n\r\n")
        return rest if sep else b""

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


#: methods a client may repeat after a broken connection (RFC 9110 section 9.2.2)
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def _closed_unanswered(exc: httpx.HTTPError) -> bool:
    """The server closed a kept-alive connection as the request went out, before reading it
    (httpcore's words for it): the request was not processed, so even a POST may go again.
    Open Zaak under uwsgi does this when it recycles a worker (every 1000 requests)."""
    return isinstance(exc, httpx.RemoteProtocolError) and \
        "without sending a response" in str(exc)


# --- the contract pass: schemathesis sends with `requests`; the same policy applies there ------


class PolicyRefusal(requests.exceptions.RequestException):
    """A request of the contract pass that the client layer stopped (see the message)."""


class PolicyAdapter(HTTPAdapter):
    """A ``requests`` transport adapter that applies :class:`Limits` to every request.

    Origin, method, budget, rate and run deadline are checked before anything is sent; the
    body is read streamed, capped at the size limit and the per-request time bound (a body
    that trickles in one byte a second never trips a read timeout on its own); TLS is
    verified unless the policy says insecure.
    """

    def __init__(self, limits: Limits) -> None:
        super().__init__(max_retries=0)
        self.limits = limits

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Any = None) -> requests.Response:
        try:
            self.limits.admit(request.url or "", request.method or "GET")
        except ClientLimitError as exc:
            raise PolicyRefusal(str(exc), request=request) from None
        if (request.method or "").upper() == "HEAD":
            request.headers["Connection"] = "close"  # see ApiClient.request and below
        with self.limits.in_flight():
            return self._exchange(request, timeout, verify, cert, proxies)

    def _exchange(self, request: requests.PreparedRequest, timeout: Any, verify: Any,
                  cert: Any, proxies: Any) -> requests.Response:
        """Send ``request`` and read its answer within the limits (size, time, depth)."""
        deadline = self.limits.request_deadline()
        try:
            response = super().send(request, stream=True,
                                    timeout=timeout or self.limits.timeout_s,
                                    verify=verify if self.limits.verify_tls else False,
                                    cert=cert, proxies=proxies)
            try:
                body = self._read(response, deadline)
            finally:
                response.close()
        except requests.exceptions.RequestException:
            self.limits.outcome(failed=True)
            raise
        self.limits.outcome(failed=False)
        if (request.method or "").upper() == "HEAD":
            # urllib3 pools the connection whatever the request asked, and a server that
            # (wrongly) sends a body with HEAD may send it late, where the next answer would
            # be read from: no connection of a HEAD is used again
            self.close()
        response._content = body
        response._content_consumed = True
        return response

    def _read(self, response: requests.Response, deadline: float) -> bytes:
        cap = self.limits.max_response_bytes
        chunks, size = [], 0
        try:
            while chunk := response.raw.read1(65536, decode_content=True):
                size += len(chunk)
                if size > cap:
                    raise PolicyRefusal(
                        f"{response.request.method} {response.url}: response larger than "
                        f"{cap} bytes (not read further)", response=response)
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise PolicyRefusal(
                        f"{response.request.method} {response.url}: the whole response did "
                        f"not arrive within {self.limits.timeout_s:g} s", response=response)
            body = b"".join(chunks)
            if json_too_deep(body):
                raise PolicyRefusal(
                    f"{response.request.method} {response.url}: the JSON answer is nested "
                    f"more than {MAX_JSON_DEPTH} levels deep; it was not parsed",
                    response=response)
        except PolicyRefusal:
            raise
        except Exception as exc:  # noqa: BLE001 - urllib3 errors become a requests error
            raise requests.exceptions.ConnectionError(
                f"{type(exc).__name__}: {exc}", response=response) from exc
        return body


@contextlib.contextmanager
def policy_sessions(limits: Limits) -> Iterator[None]:
    """While open, every session schemathesis creates sends through :class:`PolicyAdapter`.

    schemathesis builds its ``requests`` sessions itself (one per operation, plus fresh ones
    for unauthenticated probes), all subclasses of its ``SameHostRedirectsSession``; mounting
    the adapter in that class's constructor covers each of them. The pinned schemathesis
    version is tested for this (tests/test_safety.py). When it closes, so do the adapters'
    kept-alive connections: schemathesis does not close every session it made, and a
    process that runs many passes (the web UI) would keep their sockets until collected.
    """
    from schemathesis.transport.requests import SameHostRedirectsSession

    original = SameHostRedirectsSession.__init__
    adapters: weakref.WeakSet[PolicyAdapter] = weakref.WeakSet()
    lock = threading.Lock()

    def init(session: requests.Session, *args: Any, **kwargs: Any) -> None:
        original(session, *args, **kwargs)
        adapter = PolicyAdapter(limits)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        with lock:
            adapters.add(adapter)

    SameHostRedirectsSession.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        SameHostRedirectsSession.__init__ = original  # type: ignore[method-assign]
        with lock:
            for adapter in list(adapters):
                adapter.close()
