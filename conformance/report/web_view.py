"""The certificate's parts for a web run: what automated testing can and cannot show, the
tested pages, and the failing elements with their screenshots.

Pure functions of the results document, like the rest of the certificate: a page that is
re-rendered from its embedded data comes out the same.
"""

from __future__ import annotations

import re
from typing import Any

from .i18n import t

_SCREENSHOT = re.compile(r"^screenshots/[A-Za-z0-9._-]+$")


def is_web(results: dict[str, Any]) -> bool:
    return any(s.get("engine") for s in results["profile"].get("standards", []))


def accessibility(results: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """The section with the plain statement and the counts of criteria per kind of outcome."""
    if not is_web(results):
        return None
    reqs = [r for r in results["requirements"] if r.get("inherited") is None]
    human = [r for r in reqs if r["outcome"] == "skipped" and r.get("not_tested")]
    review = [r for r in human if any(c.get("message", "").startswith("needs review")
                                      for c in r.get("checks") or [])]
    no_rule = [r for r in human if not r.get("checks")]
    counts = [
        ("passed", t(lang, "count_passed"), sum(r["outcome"] == "passed" for r in reqs)),
        ("failed", t(lang, "count_failed"), sum(r["outcome"] == "failed" for r in reqs)),
        ("error", t(lang, "count_error"), sum(r["outcome"] == "error" for r in reqs)),
        ("human", t(lang, "count_human"), len(human)),
        ("no_rule", t(lang, "count_no_rule"), len(no_rule)),
        ("not_exercised", t(lang, "count_not_exercised"),
         len(human) - len(no_rule) - len(review)),
        ("needs_review", t(lang, "count_needs_review"), len(review)),
    ]
    axe = (results["run"].get("browser") or {}).get("axe_core", "")
    return {
        "can": t(lang, "automated_can", axe=axe),
        "cannot": t(lang, "automated_cannot", human=len(human), total=len(reqs)),
        "counts": [{"key": k, "label": label, "count": n, "sub": k in (
            "no_rule", "not_exercised", "needs_review")} for k, label, n in counts],
    }


def pages(results: dict[str, Any], lang: str) -> dict[str, Any] | None:
    web = results["target"].get("web")
    if not web:
        return None
    viewports = ", ".join(f"{v['name']} {v['width']}×{v['height']}" for v in web["viewports"])
    login = web.get("login")
    return {
        "pages": [{"name": str(p.get("name", "")), "url": str(p.get("url", ""))}
                  for p in web["pages"]],
        "viewports": t(lang, "pages_viewports", viewports=viewports),
        "login": t(lang, "pages_login", url=login["url"], fields=", ".join(login["fields"]))
        if login else "",
    }


def run_facts(results: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    browser = results["run"].get("browser")
    if not browser:
        return []
    return [(t(lang, "run_browser"), f"{browser.get('name', '')} {browser.get('version') or ''}"),
            (t(lang, "run_axe"), f"axe-core {browser.get('axe_core', '')} "
                                 f"({browser.get('binding', '')})")]


def engine_line(standard: dict[str, Any], lang: str) -> str:
    engine = standard.get("engine")
    if not engine:
        return ""
    return t(lang, "engine_line", name=engine.get("name", ""), version=engine.get("version", ""),
             sha256=engine.get("sha256", ""))


def element(item: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """A failing element of a page: where it is, what it is, and its screenshot (a link to
    the file next to the certificate; the page itself loads nothing)."""
    found = item.get("element")
    if not isinstance(found, dict):
        return None
    shot = str(found.get("screenshot") or "")
    return {
        "page": str(found.get("page", "")), "viewport": str(found.get("viewport", "")),
        "selector": str(found.get("selector", "")), "html": str(found.get("html", ""))[:2000],
        "impact": str(found.get("impact") or ""),
        "count": t(lang, "element_count", count=found.get("count", 1)),
        "screenshot": shot if _SCREENSHOT.match(shot) else "",
        "screenshot_sha256": str(found.get("screenshot_sha256") or ""),
    }
