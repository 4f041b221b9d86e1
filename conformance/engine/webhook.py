"""A webhook receiver on loopback: where a supplier's Notificaties API delivers to the harness.

The harness subscribes (an ``abonnement``) with this receiver's callback URL and a random
``Authorization`` value; the receiver records every POST it gets, with its headers and JSON,
and sorts it into accepted (the right Authorization value, a JSON object) or rejected. It is a
small stdlib HTTP server in a daemon thread, on a free port unless one is given, with a cap
on body size and message count, so a misbehaving supplier cannot exhaust the harness. It
answers as the consumer webhook API (notificaties-consumer 1.0.0-rc1) prescribes: 204, or
400/401/403/429.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_WAIT_S = 10.0  # seconds a notification may take to arrive
CALLBACK_PATH = "/conformance/notificaties"
MAX_BODY_BYTES = 64 * 1024
MAX_MESSAGES = 1000


@dataclass
class Delivery:
    """One POST the receiver got."""

    path: str
    headers: dict[str, str]
    body: Any  # the parsed JSON, or None when it was not JSON
    raw: bytes
    received_at: float
    accepted: bool
    reason: str = ""  # why it was rejected

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")


@dataclass(frozen=True)
class CallbackSettings:
    """Where the receiver listens and which URL the supplier must call (target file,
    ``notifications:``); the defaults fit a supplier on the same machine."""

    listen_host: str = DEFAULT_HOST
    port: int = 0
    callback_host: str | None = None  # host name the supplier uses to reach the receiver
    #: how long a notification may take to arrive (publishing and delivery are asynchronous)
    wait_s: float = DEFAULT_WAIT_S

    @classmethod
    def from_target(cls, data: dict[str, Any] | None) -> CallbackSettings:
        data = data or {}
        return cls(listen_host=data.get("listen_host", DEFAULT_HOST), port=int(data.get("port", 0)),
                   callback_host=data.get("callback_host"),
                   wait_s=float(data.get("wait_s", DEFAULT_WAIT_S)))


@dataclass
class _Inbox:
    auth_value: str
    max_messages: int
    max_body: int
    accepted: list[Delivery] = field(default_factory=list)
    rejected: list[Delivery] = field(default_factory=list)
    dropped: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def add(self, delivery: Delivery) -> bool:
        with self.changed:
            if len(self.accepted) + len(self.rejected) >= self.max_messages:
                self.dropped += 1
                return False
            (self.accepted if delivery.accepted else self.rejected).append(delivery)
            self.changed.notify_all()
            return True


def _handler_for(inbox: _Inbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "conformance-webhook"

        def do_POST(self) -> None:  # noqa: N802 (http.server naming)
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > inbox.max_body:
                self._answer(400)  # the consumer API lists no 413
                self.close_connection = True
                return
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                body = json.loads(raw.decode("utf-8")) if raw else None
            except (UnicodeDecodeError, ValueError):
                body = None
            reason = ""
            if "authorization" not in headers:
                reason = "missing Authorization header (the abonnement's 'auth' value)"
            elif not secrets.compare_digest(headers.get("authorization", "").encode(),
                                          inbox.auth_value.encode()):
                reason = "wrong Authorization header (not the abonnement's 'auth' value)"
            elif not isinstance(body, dict):
                reason = "the body is not a JSON object"
            delivery = Delivery(self.path, headers, body, raw, time.monotonic(), not reason,
                                reason)
            if not inbox.add(delivery):
                self._answer(429)
            elif reason.startswith("missing"):
                self._answer(401)
            elif reason.startswith("wrong"):
                self._answer(403)
            elif reason:
                self._answer(400)
            else:
                self._answer(204)

        def do_GET(self) -> None:  # noqa: N802
            self._answer(405)

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return  # quiet: the records are the log

    return Handler


class WebhookReceiver:
    """Records notifications POSTed to ``callback_url`` during a ``with`` block."""

    def __init__(self, settings: CallbackSettings | None = None, *,
                 max_messages: int = MAX_MESSAGES, max_body: int = MAX_BODY_BYTES,
                 auth_value: str | None = None) -> None:
        self.settings = settings or CallbackSettings()
        #: the Authorization value the harness puts in its abonnement (``auth``)
        self.auth_value = auth_value or f"Bearer {secrets.token_urlsafe(24)}"
        self._inbox = _Inbox(self.auth_value, max_messages, max_body)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.callback_url = ""

    def start(self) -> WebhookReceiver:
        server = ThreadingHTTPServer((self.settings.listen_host, self.settings.port),
                                     _handler_for(self._inbox))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="conformance-webhook", daemon=True)
        self._thread.start()
        port = server.server_address[1]
        host = self.settings.callback_host or self.settings.listen_host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        self.callback_url = f"http://{host}:{port}{CALLBACK_PATH}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- reading ---------------------------------------------------------------------------------
    @property
    def accepted(self) -> list[Delivery]:
        with self._inbox.changed:
            return list(self._inbox.accepted)

    @property
    def rejected(self) -> list[Delivery]:
        with self._inbox.changed:
            return list(self._inbox.rejected)

    @property
    def dropped(self) -> int:
        return self._inbox.dropped

    def messages(self) -> list[dict[str, Any]]:
        """The JSON bodies of the accepted deliveries, oldest first."""
        return [d.body for d in self.accepted]

    def wait_for(self, match: Callable[[dict[str, Any]], bool], timeout_s: float,
                 count: int = 1) -> list[dict[str, Any]]:
        """Accepted messages that ``match``, once ``count`` arrived or ``timeout_s`` passed."""
        deadline = time.monotonic() + timeout_s
        with self._inbox.changed:
            while True:
                found = [d.body for d in self._inbox.accepted if match(d.body)]
                left = deadline - time.monotonic()
                if len(found) >= count or left <= 0:
                    return found
                self._inbox.changed.wait(left)

    def settle(self, quiet_s: float) -> None:
        """Wait until nothing new arrived for ``quiet_s`` (to see that nothing else comes)."""
        with self._inbox.changed:
            while self._inbox.changed.wait(quiet_s):
                pass
