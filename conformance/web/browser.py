"""Debian's Chromium driven by Playwright, fenced in to the target's origin.

Playwright's own browser download is never used: the browser is ``/usr/bin/chromium``
(``apt-get install chromium``; ``CONFORMANCE_CHROMIUM`` names another binary). Every
request the page makes passes :class:`OriginGuard`, which lets through only requests to the
target's origin with a method the safety policy allows, within the request budget and rate.
"""

from __future__ import annotations

import os
import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..targets import origin_of

CHROMIUM_ENV = "CONFORMANCE_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-default-apps", "--disable-sync",
    "--disable-domain-reliability", "--dns-prefetch-disable", "--no-first-run",
    "--no-default-browser-check", "--metrics-recording-only", "--mute-audio",
    "--autoplay-policy=no-user-gesture-required",
)
_ALWAYS_LOCAL = ("data:", "blob:", "about:")


def chromium_path() -> Path:
    """The browser binary; a clear usage error when it is missing (exit 2)."""
    path = Path(os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise UsageError(
            f"web pages are tested in Debian's Chromium, and {path} is not an executable "
            f"browser: install it (apt-get install chromium) or set {CHROMIUM_ENV} to a "
            "Chromium binary. The harness never downloads a browser.")
    return path


def launch(playwright: Any, origin: str | None = None, dead_end: int | None = None) -> Any:
    """Headless Chromium. With ``origin``, every connection to anything else goes to the
    proxy ``127.0.0.1:dead_end``, a port bound by the caller that accepts nothing: request
    interception (:class:`OriginGuard`) stops requests, but not Chromium's speculative
    connections (preconnect on seeing a resource), which a proxy rule does."""
    args = list(LAUNCH_ARGS)
    if origin is not None and dead_end is not None:
        scheme, host_port = origin.split("://", 1)
        args += [f"--proxy-server=http://127.0.0.1:{dead_end}",
                 # '<-loopback>': loopback addresses other than the target are fenced in too
                 f"--proxy-bypass-list=<-loopback>;{scheme}://{host_port}"]
    return playwright.chromium.launch(executable_path=str(chromium_path()), headless=True,
                                      args=args)


def dead_end_port() -> socket.socket:
    """A socket bound on 127.0.0.1 that never listens: connecting to it is refused. Keep it
    open while the browser runs, so no other program can take the port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class OriginGuard:
    """Route handler for a browser context: the target's origin only, within the policy."""

    origin: str
    methods: frozenset[str]
    request_budget: int | None = None
    requests_per_second: float | None = None
    requests: int = 0
    refused: list[str] = field(default_factory=list)
    _last: float = 0.0

    def attach(self, context: Any) -> None:
        context.route("**/*", self._route)
        context.route_web_socket(re.compile(".*"), self._web_socket)

    def why_refused(self, method: str, url: str) -> str | None:
        if url.startswith(_ALWAYS_LOCAL):
            return None
        if origin_of(url) != self.origin:
            return f"{method} {url}: not the target's origin {self.origin}"
        if method.upper() not in self.methods:
            return (f"{method} {url}: the safety policy allows only "
                    f"{', '.join(sorted(self.methods))}")
        if self.request_budget is not None and self.requests >= self.request_budget:
            return f"{method} {url}: the run's request budget ({self.request_budget}) is spent"
        return None

    def _route(self, route: Any, request: Any) -> None:
        why = self.why_refused(request.method, request.url)
        if why is not None:
            self.refused.append(why)
            route.abort("blockedbyclient")
            return
        self._pace()
        self.requests += 1
        route.continue_()

    def _web_socket(self, socket: Any) -> None:
        url = re.sub(r"^ws", "http", socket.url)
        why = self.why_refused("GET", url)
        if why is not None:
            self.refused.append(f"web socket {socket.url}: {why}")
            socket.close()
            return
        self.requests += 1
        socket.connect_to_server()

    def _pace(self) -> None:
        if not self.requests_per_second:
            return
        wait = self._last + 1 / self.requests_per_second - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()


def log_in(page: Any, login: dict[str, Any], values: list[str], timeout_ms: float) -> None:
    """Fill in and submit the target's login form; raise ``LoginError`` saying what failed.

    ``login`` holds the form's URL, the field selectors, the submit selector and optionally
    ``logged_in``, an element only a logged-in page has. The values (secrets) come separately
    and are never written anywhere.
    """
    response = page.goto(login["url"], wait_until="load", timeout=timeout_ms)
    if response is not None and response.status >= 400:
        raise LoginError(f"the login page {login['url']} answered HTTP {response.status}")
    for spec, value in zip(login["fields"], values, strict=True):
        locator = page.locator(spec["selector"])
        if locator.count() != 1:
            raise LoginError(f"the login page has {locator.count()} elements matching "
                             f"{spec['selector']!r} (expected exactly one field)")
        locator.fill(value, timeout=timeout_ms)
    with page.expect_navigation(wait_until="load", timeout=timeout_ms):
        page.locator(login["submit"]).first.click(timeout=timeout_ms)
    if login.get("logged_in"):
        if page.locator(login["logged_in"]).count() == 0:
            raise LoginError(f"after logging in, the page {page.url} has no element matching "
                             f"{login['logged_in']!r}: check the credentials and web.login")
    elif page.url.split("?")[0] == login["url"].split("?")[0]:
        raise LoginError(f"after logging in, the browser is still on {login['url']}: check "
                         "the credentials and web.login")


class LoginError(RuntimeError):
    """The login step of the target failed: no page behind it can be tested."""
