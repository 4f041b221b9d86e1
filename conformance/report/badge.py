"""A static SVG badge: ``<profile id> | <verdict in words>``.

It is a picture, nothing more: no script, no fonts or images fetched from anywhere, built
with ``xml.etree`` so the text is escaped. Its one optional link points at the
certificate's entry in the public register (an http(s) address, nothing else).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from conformance.report.i18n import t
from conformance.report.junit import xml_text

SVG_NS = "http://www.w3.org/2000/svg"
COLOURS = {"conformant": "#2e7d32", "not_conformant": "#c62828", "incomplete": "#757575"}
LABEL_COLOUR = "#444"
CHAR_WIDTH = 6.6  # rough width of one 11px character; good enough for a badge
MAX_LABEL = 40


def _width(text: str) -> int:
    return int(len(text) * CHAR_WIDTH + 12)


def render_badge(results: dict[str, Any], *, lang: str = "nl", link: str | None = None) -> str:
    """The badge for a run, in ``lang`` (Dutch by default, like the certificate); with
    ``link``, clicking it opens that address (the certificate's register entry)."""
    if link is not None and not re.match(r"(?i)^https?://[^\s\"'<>]+$", link):
        raise ValueError(f"badge link {link!r}: only an http(s) address can be linked")
    verdict = results["verdict"]
    label = xml_text(results["profile"]["id"])[:MAX_LABEL]
    value = t(lang, f"badge_{verdict}")
    lw, vw = _width(label), _width(value)
    total = lw + vw
    svg = ET.Element("svg", xmlns=SVG_NS, width=str(total), height="20", role="img")
    svg.set("aria-label", f"{label}: {value}")
    ET.SubElement(svg, "title").text = f"{label}: {value}"
    parent = ET.SubElement(svg, "a", href=link) if link else svg
    ET.SubElement(parent, "rect", width=str(lw), height="20", fill=LABEL_COLOUR)
    ET.SubElement(parent, "rect", x=str(lw), width=str(vw), height="20",
                  fill=COLOURS.get(verdict, COLOURS["incomplete"]))
    text = ET.SubElement(parent, "g", fill="#fff")
    text.set("font-family", "DejaVu Sans,Verdana,Geneva,sans-serif")
    text.set("font-size", "11")
    for x, words in ((lw / 2, label), (lw + vw / 2, value)):
        el = ET.SubElement(text, "text", x=f"{x:.1f}", y="14")
        el.set("text-anchor", "middle")
        el.text = words
    return ET.tostring(svg, encoding="unicode") + "\n"
