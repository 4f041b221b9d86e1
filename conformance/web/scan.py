"""The browser process of a web run: open each page at each viewport and let axe-core check it.

Run as ``python -m conformance.web.scan CONTEXT EVENTS`` by :mod:`conformance.web.supervise`,
which gives it the jobs (page x viewport) still to do and kills it when a page overruns its
time bound; the login values arrive in the environment, never on the command line. It
appends one JSON line per event to EVENTS as it goes (``start`` before a job, ``page`` after
it), so whatever it finished survives a kill.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from .axe import axe_script
from .browser import OriginGuard, dead_end_port, launch, log_in

LOGIN_VALUES_ENV = "CONFORMANCE_WEB_LOGIN"  # JSON list, one value per login field
EXIT_LOGIN_FAILED = 4
MAX_NODES = 20  # elements kept per rule per page
HTML_LIMIT = 600
FRAME_WAIT_MS = 5000
OUTLINE = "4px solid #d4351c"


def main(context_file: str, events_file: str) -> int:
    ctx = json.loads(Path(context_file).read_text(encoding="utf-8"))
    values = json.loads(os.environ.get(LOGIN_VALUES_ENV) or "[]")
    with open(events_file, "a", encoding="utf-8") as events:
        return Scanner(ctx, values, events).run()


class Scanner:
    def __init__(self, ctx: dict[str, Any], login_values: list[str], events: TextIO) -> None:
        self.ctx = ctx
        self.login_values = login_values
        self.events = events
        self.timeout_ms = ctx["page_timeout_s"] * 1000
        self.shots_left = ctx["max_shots"]
        self.shot_done: set[str] = set(ctx["shot_done"])  # "rule@viewport" already taken
        self.shots_dir = Path(ctx["shots_dir"])
        self.options = {"runOnly": {"type": "rule", "values": ctx["rules"]},
                        "resultTypes": ["violations", "incomplete"],
                        "frameWaitTime": FRAME_WAIT_MS}

    def emit(self, **event: Any) -> None:
        self.events.write(json.dumps(event, ensure_ascii=False) + "\n")
        self.events.flush()

    def run(self) -> int:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright, dead_end_port() as dead_end:
            browser = launch(playwright, self.ctx["origin"], dead_end.getsockname()[1])
            self.emit(event="browser", version=browser.version)
            state = None
            for vi, viewport in enumerate(self.ctx["viewports"]):
                jobs = [job for job in self.ctx["jobs"] if job[0] == vi]
                if not jobs:
                    continue
                context, guard = self._context(browser, viewport, state)
                page = context.new_page()
                page.set_default_timeout(self.timeout_ms)
                if self.ctx["login"] and state is None:
                    try:
                        log_in(page, self.ctx["login"], self.login_values, self.timeout_ms)
                    except Exception as exc:  # LoginError, or the page/browser failing
                        self.emit(event="login", ok=False, error=_error(exc),
                                  refused=guard.refused)
                        return EXIT_LOGIN_FAILED
                    state = context.storage_state()
                    self.emit(event="login", ok=True, requests=guard.requests)
                for job in jobs:
                    if not self._job(page, guard, job):  # a crashed or stuck page: a new one
                        with contextlib.suppress(Exception):
                            page.close()
                        page = context.new_page()
                        page.set_default_timeout(self.timeout_ms)
                context.close()
            browser.close()
        return 0

    def _context(self, browser: Any, viewport: dict[str, Any], state: Any) -> tuple[Any, Any]:
        context = browser.new_context(
            viewport={"width": viewport["width"], "height": viewport["height"]},
            service_workers="block", accept_downloads=False, storage_state=state,
            ignore_https_errors=self.ctx["insecure_tls"], locale="nl-NL")
        guard = OriginGuard(self.ctx["origin"], frozenset(self.ctx["methods"]),
                            self.ctx["request_budget"], self.ctx["requests_per_second"])
        guard.attach(context)
        # axe-core in every document and frame before its own scripts run: compiled once per
        # document instead of injected after loading (a third of the time per page)
        context.add_init_script(script=axe_script())
        return context, guard

    def _job(self, page: Any, guard: OriginGuard, job: list[int]) -> bool:
        """Check one page at one viewport and emit the outcome; False when the browser page
        failed (it is not reused)."""
        vi, pi = job
        target = self.ctx["pages"][pi]
        self.emit(event="start", job=job)
        started, before, refused = time.monotonic(), guard.requests, len(guard.refused)
        outcome: dict[str, Any] = {}
        try:
            outcome = self._check(page, target["url"], self.ctx["viewports"][vi]["name"], pi)
        except Exception as exc:  # the page could not be checked: said, never passed
            outcome = {"error": _error(exc)}
        self.emit(event="page", job=job, seconds=round(time.monotonic() - started, 3),
                  requests=guard.requests - before, refused=guard.refused[refused:], **outcome)
        return "rules" in outcome or "status" in outcome

    def _check(self, page: Any, url: str, viewport: str, pi: int) -> dict[str, Any]:
        response = page.goto(url, wait_until="load")
        status = response.status if response is not None else None
        if status is not None and status >= 400:
            return {"url": page.url, "status": status,
                    "error": f"the page answered HTTP {status}"}
        login = self.ctx["login"]
        if login and _same_page(page.url, login["url"]) and not _same_page(url, login["url"]):
            return {"url": page.url, "status": status,
                    "error": "the page sent the browser to the login page: the session of the "
                             "login step did not hold"}
        raw = page.evaluate("options => axe.run(document, options)", self.options)
        rules = {"violations": _nodes(raw["violations"]), "incomplete": _nodes(raw["incomplete"]),
                 "passes": sorted(r["id"] for r in raw["passes"]),
                 "inapplicable": sorted(r["id"] for r in raw["inapplicable"])}
        shots = {}
        for rule, found in rules["violations"].items():  # the first failing page per viewport
            key = f"{rule}@{viewport}"
            if found["nodes"] and self.shots_left > 0 and key not in self.shot_done:
                self.shot_done.add(key)
                shot = self._screenshot(page, found["nodes"][0]["target"],
                                        f"p{pi + 1:02d}-{viewport}-{rule}")
                if shot:
                    shots[rule] = shot
        return {"url": page.url, "status": status, "rules": rules, "shots": shots}

    def _screenshot(self, page: Any, target: list[Any], name: str) -> str | None:
        """The viewport with the element outlined in red, as a JPEG next to results.json."""
        self.shots_left -= 1
        self.shots_dir.mkdir(parents=True, exist_ok=True)
        path = self.shots_dir / f"{name}.jpg"
        element = _locate(page, target)
        undo = None
        if element is not None:
            try:
                undo = element.evaluate(
                    """(el, outline) => { const old = el.style.outline;
                       el.scrollIntoView({block: 'center', inline: 'center'});
                       el.style.outline = outline; el.style.outlineOffset = '2px';
                       return old; }""", OUTLINE, timeout=2000)
            except Exception:
                element = None
        try:
            page.screenshot(path=str(path), type="jpeg", quality=70, timeout=10000)
        except Exception:
            return None
        finally:
            if element is not None:
                with contextlib.suppress(Exception):
                    element.evaluate("(el, old) => { el.style.outline = old; }", undo or "",
                                     timeout=2000)
        return path.name


def _locate(page: Any, target: list[Any]) -> Any:
    """The element of an axe-core target: frame selectors first, then the element's own
    (shadow DOM targets, nested lists, are not located: the screenshot is taken unmarked)."""
    if not target or not all(isinstance(part, str) for part in target):
        return None
    scope = page
    for frame_selector in target[:-1]:
        scope = scope.frame_locator(frame_selector)
    locator = scope.locator(target[-1])
    return locator.first


def _nodes(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per rule: how many elements, axe-core's one-line help, and the first elements."""
    return {r["id"]: {"count": len(r["nodes"]), "help": r.get("help", ""),
                      "nodes": [{"target": n.get("target") or [],
                                 "html": (n.get("html") or "")[:HTML_LIMIT],
                                 "impact": n.get("impact") or r.get("impact"),
                                 "summary": (n.get("failureSummary") or "")[:HTML_LIMIT]}
                                for n in r["nodes"][:MAX_NODES]]}
            for r in results}


def _same_page(a: str, b: str) -> bool:
    return a.split("#")[0].split("?")[0].rstrip("/") == b.split("#")[0].split("?")[0].rstrip("/")


def _error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:500]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
