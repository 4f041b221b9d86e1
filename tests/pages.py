"""Open the harness's static pages in headless Debian Chromium (never a downloaded browser).

Shared by the register and compare tests: every page is opened from the file system and
everything it logged as an error and everything it requested is kept, so a test can assert
"no console errors, no request beyond the page itself".
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@dataclass
class OpenedPage:
    page: object  # playwright.sync_api.Page
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium; skipped (failed in CI) when /usr/bin/chromium is absent."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing; CI installs Debian's chromium")
        pytest.skip("/usr/bin/chromium is absent; apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, path: Path) -> OpenedPage:
    page = browser.new_page()
    opened = OpenedPage(page)
    page.on("console", lambda m: m.type == "error" and opened.console.append(m.text))
    page.on("pageerror", lambda e: opened.console.append(str(e)))
    page.on("request", lambda r: opened.requests.append(r.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return opened
