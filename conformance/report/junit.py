"""JUnit XML for CI systems: one test case per requirement.

CI dashboards understand JUnit, so a supplier's pipeline can show which requirement
broke without reading our HTML. Built with ``xml.etree`` so every supplier string is
escaped; characters XML 1.0 cannot carry at all are replaced.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MESSAGE_LIMIT = 2000
TEXT_LIMIT = 20000


def xml_text(value: Any, limit: int | None = None) -> str:
    """A string XML 1.0 can carry (control characters and lone surrogates replaced)."""
    text = _INVALID_XML.sub("\ufffd", "" if value is None else str(value))
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"... ({len(text) - limit} characters truncated)"
    return text


def _evidence_text(req: dict[str, Any]) -> str:
    parts = [req.get("message") or ""]
    for ev in req.get("evidence") or []:
        lines = [f"[{ev.get('check', '')}] {ev.get('operation') or ''} {ev.get('code') or ''}",
                 ev.get("message", "")]
        if ev.get("curl"):
            lines.append("reproduce: " + ev["curl"])
        lines += [f"step {i}: {s}" for i, s in enumerate(ev.get("steps") or [], start=1)]
        element = ev.get("element") or {}
        if element:  # a web page's element (axe-core)
            lines += [f"{element.get('page', '')} ({element.get('viewport', '')}): "
                      f"{element.get('selector', '')}", str(element.get("html", ""))]
        parts.append("\n".join(line.strip() for line in lines if line.strip()))
    return "\n\n".join(p for p in parts if p)


def _skip_message(req: dict[str, Any]) -> str:
    if req["outcome"] == "waived":
        w = req.get("waiver") or {}
        return (f"waived: {w.get('reason', '')} (approved by {w.get('approved_by', '')}, "
                f"expires {w.get('expires', '')})")
    if req.get("not_tested"):
        return f"not tested: {req['not_tested']}"
    return req.get("message") or "skipped"


def render_junit(results: dict[str, Any]) -> str:
    """JUnit XML with one ``<testsuite>`` per conformance class and one case per requirement."""
    profile_id = results["profile"]["id"]
    root = ET.Element("testsuites", name=xml_text(f"conformance {profile_id}"))
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    classes = list(dict.fromkeys(r["class"] for r in results["requirements"]))
    for cls in classes:
        reqs = [r for r in results["requirements"] if r["class"] == cls]
        suite = ET.SubElement(root, "testsuite", name=xml_text(f"{profile_id}.{cls}"))
        counts = dict.fromkeys(totals, 0)
        props = ET.SubElement(suite, "properties")
        for name, value in (("verdict", results["verdict"]), ("seed", results["run"]["seed"]),
                            ("budget", results["run"]["budget"]),
                            ("profile_sha256", results["profile"]["sha256"])):
            ET.SubElement(props, "property", name=name, value=xml_text(value))
        for req in reqs:
            title = (req.get("title") or {}).get("en") or (req.get("title") or {}).get("nl", "")
            case = ET.SubElement(suite, "testcase", classname=xml_text(f"{profile_id}.{cls}"),
                                 name=xml_text(f"{req['id']} {title}".strip()), time="0")
            counts["tests"] += 1
            outcome = req["outcome"]
            if req.get("inherited"):  # the standard itself breaks the rule: never a CI failure
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=xml_text(
                    f"inherited from the standard ({outcome}): {req['inherited']}", MESSAGE_LIMIT))
            elif outcome == "failed":
                counts["failures"] += 1
                el = ET.SubElement(case, "failure", type=f"{req['level']} requirement failed",
                                   message=xml_text(req.get("message") or "failed", MESSAGE_LIMIT))
                el.text = xml_text(_evidence_text(req), TEXT_LIMIT)
            elif outcome == "error":
                counts["errors"] += 1
                el = ET.SubElement(case, "error", type="undecided",
                                   message=xml_text(req.get("message") or "error", MESSAGE_LIMIT))
                el.text = xml_text(_evidence_text(req), TEXT_LIMIT)
            elif outcome in ("skipped", "waived"):
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=xml_text(_skip_message(req), MESSAGE_LIMIT))
            ET.SubElement(case, "system-out").text = xml_text(
                f"{req['level']} {req['id']}: {outcome}\nsource: {req.get('source', '')}")
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", str(results["run"].get("duration_s", 0)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
