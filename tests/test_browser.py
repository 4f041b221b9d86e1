"""The certificate in a real browser: headless Debian Chromium driven by Playwright.

CI installs Chromium (``apt-get install chromium``) and Playwright from PyPI; Playwright's
own browser download is never used. Only when ``/usr/bin/chromium`` is absent is this
module skipped, so a machine without a browser can still run the rest of the suite.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from report_samples import hostile_results, not_conformant_results

from conformance.certify import build_certificate, generate_keypair, sign_certificate
from conformance.report.certificate import page_title, render_certificate

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is absent (CI installs Debian's chromium package); "
           "run `apt-get install -y chromium` to run the browser checks",
)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # a broken environment, not a reason to skip: CI must run these
        pytest.fail("playwright is not installed: pip install playwright "
                    "(its browser download is not needed; /usr/bin/chromium is used)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def signed_document(tmp_path_factory) -> dict:
    private, _ = generate_keypair(tmp_path_factory.mktemp("keys"))
    document = build_certificate(not_conformant_results(), issuer="VNG Certificering",
                                 now=datetime(2026, 11, 21, tzinfo=UTC))
    return sign_certificate(document, private)


class Opened:
    """A page opened from a file, with everything it logged and requested."""

    def __init__(self, browser, path: Path, *, print_media: bool = False):
        self.console: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page()
        self.page.on("console", lambda m: m.type == "error"
                     and self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.as_uri()
        if print_media:
            self.page.emulate_media(media="print")
        self.page.goto(self.url, wait_until="load")


def _open(browser, tmp_path: Path, html: str, name: str = "certificate.html") -> Opened:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return Opened(browser, path)


def _pdf_check(pdf: bytes, expected: str) -> str | None:
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    try:
        from pypdf import PdfReader
    except ImportError:  # fall back to counting page objects in the raw PDF
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
        return None
    import io

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    first = reader.pages[0]
    assert abs(float(first.mediabox.width) - 595) < 3  # A4 in points
    assert abs(float(first.mediabox.height) - 842) < 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert expected in text
    return text


def test_page_renders_offline_without_errors(browser, tmp_path, signed_document):
    opened = _open(browser, tmp_path, render_certificate(signed_document))
    page = opened.page
    assert opened.console == []
    assert opened.requests == [opened.url]  # nothing but the page itself
    assert page.title() == page_title(signed_document)
    verdict = page.locator("#verdict")
    assert verdict.is_visible()
    assert "NIET CONFORM" in verdict.inner_text()
    assert page.locator("#unsigned").count() == 0
    fingerprint = signed_document["signature"]["key_fingerprint"]
    assert page.get_by_text(fingerprint).first.is_visible()
    page.close()


def test_evidence_unfolds_on_click(browser, tmp_path, signed_document):
    opened = _open(browser, tmp_path, render_certificate(signed_document))
    page = opened.page
    details = page.locator("details.evidence").first
    body = details.locator(".evidence-body")
    assert details.get_attribute("open") is None
    assert not body.is_visible()
    details.locator("summary").click()
    assert details.get_attribute("open") is not None
    assert body.is_visible()
    assert "curl -X POST" in body.inner_text()
    assert opened.console == []
    page.close()


def test_print_to_pdf_is_readable_a4(browser, tmp_path, signed_document):
    opened = _open(browser, tmp_path, render_certificate(signed_document))
    pdf = opened.page.pdf(format="A4", print_background=True)
    text = _pdf_check(pdf, "NIET CONFORM")
    if text is not None:  # folded evidence is printed open
        assert "Reproduceren met curl" in text
        assert "Geldig tot en met" in text
    opened.page.close()


def test_english_page_in_the_browser(browser, tmp_path, signed_document):
    opened = _open(browser, tmp_path, render_certificate(signed_document, lang="en"))
    assert "NOT CONFORMANT" in opened.page.locator("#verdict").inner_text()
    assert opened.console == []
    opened.page.close()


def test_supplier_markup_changes_nothing(browser, tmp_path):
    results = hostile_results()
    opened = _open(browser, tmp_path, render_certificate(results))
    page = opened.page
    page.locator("details.evidence").first.locator("summary").click()
    page.wait_for_timeout(100)  # give an onerror handler a chance to fire, should one exist
    assert page.evaluate("document.title") == page_title(results)
    assert page.evaluate("document.title") not in ("pwned", "pwned-img")
    counts = page.evaluate("""() => ({
        scripts: document.querySelectorAll('script:not([type="application/json"])').length,
        data: document.querySelectorAll('script[type="application/json"]').length,
        imgs: document.images.length,
        handlers: [...document.querySelectorAll('*')].filter(
            el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
    })""")
    assert counts == {"scripts": 0, "data": 1, "imgs": 0, "handlers": 0}
    # the hostile text is shown literally instead
    assert page.get_by_text("<script>document.title='pwned'</script>").first.is_visible()
    assert opened.console == []
    assert opened.requests == [opened.url]  # the <img src=x> never became a request
    page.close()
