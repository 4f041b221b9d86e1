"""Webhooks: one JSON POST per regression and per certificate status change.

Delivery happens on a background thread so a slow receiver never holds up the runs.
Failures are retried with backoff, logged on stderr and in the history (table
``notification``), and never end the nightly: the dashboard and exit code still tell.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from .. import __version__
from .status import UNKNOWN, Change

ATTEMPTS = 3
BACKOFF_S = 0.5  # 0.5 s, 1 s between attempts
TIMEOUT_S = 5.0


def events_of(change: Change, nightly_id: str, run_link: str = "",
              certificate: str | None = None) -> list[dict[str, Any]]:
    """The webhook payloads one run's change gives (none when nothing changed)."""
    base = {"nightly": nightly_id, "supplier": change.supplier, "profile": change.profile,
            "certificate": certificate, "run": run_link}
    events = []
    if change.regressions:
        events.append(base | {"event": "regression", "requirements": change.regressions,
                              "recovered": change.recoveries,
                              "status": change.status_after})
    if change.status_changed and change.status_before != UNKNOWN:  # not a pair's first run
        events.append(base | {"event": "status_changed", "from": change.status_before,
                              "to": change.status_after,
                              "regressions": change.regressions,
                              "recoveries": change.recoveries})
    return events


def deliver(url: str, payload: dict[str, Any], *, attempts: int = ATTEMPTS,
            backoff_s: float = BACKOFF_S, timeout_s: float = TIMEOUT_S) -> dict[str, Any]:
    """POST with retries; a row for the delivery log. Never raises for network trouble."""
    error = ""
    for attempt in range(1, attempts + 1):
        try:
            response = httpx.post(url, json=payload, timeout=timeout_s, follow_redirects=False,
                                  headers={"User-Agent": f"gemma-conformance/{__version__}"})
            if response.status_code < 300:
                return _row(url, payload, attempt, True, "")
            error = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        print(f"webhook {url}: {payload['event']} for {payload['supplier']}/"
              f"{payload['profile']}: attempt {attempt} of {attempts} failed ({error})",
              file=sys.stderr, flush=True)
        if attempt < attempts:
            time.sleep(backoff_s * 2 ** (attempt - 1))
    return _row(url, payload, attempts, False, error)


def _row(url: str, payload: dict[str, Any], attempts: int, delivered: bool,
         error: str) -> dict[str, Any]:
    return {"nightly_id": payload["nightly"], "event": payload["event"],
            "supplier": payload["supplier"], "profile": payload["profile"], "url": url,
            "attempts": attempts, "delivered": delivered, "error": error[:1000],
            "at": datetime.now(UTC).replace(tzinfo=None)}


class Notifier:
    """Delivers payloads to every URL on one background thread, in order."""

    def __init__(self, urls: list[str], **deliver_options: Any) -> None:
        self.urls = list(dict.fromkeys(urls))
        self._options = deliver_options
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._rows: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self._work, name="webhooks", daemon=True)
        if self.urls:
            self._thread.start()

    def send(self, payload: dict[str, Any]) -> None:
        if self.urls:
            self._queue.put(payload)

    def _work(self) -> None:
        while (payload := self._queue.get()) is not None:
            for url in self.urls:
                try:
                    self._rows.append(deliver(url, payload, **self._options))
                except Exception as exc:  # never fatal, whatever the receiver does
                    self._rows.append(_row(url, payload, 0, False, repr(exc)))

    def close(self, timeout_s: float = 60.0) -> list[dict[str, Any]]:
        """Wait (bounded) for queued deliveries; the delivery rows so far."""
        if self.urls:
            self._queue.put(None)
            self._thread.join(timeout_s)
        return list(self._rows)
