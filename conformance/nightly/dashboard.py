"""The nightly dashboard: one static, self-contained page over the whole history.

Suppliers x profiles with the certificate status, regressions first, a trend chart per
supplier (inline SVG of the MUST and SHOULD pass rates), and links to every run's
certificate and technical log. No scripts, no external resources (CSP like the
certificate), so it can be served from any static host or opened from disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .. import __version__
from .registry import Registry
from .status import AT_RISK, SUSPENDED, UNKNOWN, VALID, Change, latest_changes
from .store import HistoryStore, RunRecord

TREND_RUNS = 30  # runs per chart
TABLE_RUNS = 10  # runs per supplier table

LABELS = {
    "nl": {
        "title": "Nachtelijke conformiteitscontrole", "generated": "Gemaakt",
        "nightly": "Laatste nacht", "night": "Nacht", "profile": "Profiel",
        "regressions": "Regressies", "none": "Geen regressies.",
        "matrix": "Leveranciers × profielen", "supplier": "Leverancier",
        "recoveries": "Herstel", "trend": "Trend", "runs": "Runs",
        "date": "Datum", "outcome": "Uitkomst", "must": "MOET", "should": "ZOU MOETEN",
        "certificate": "certificaat", "log": "technisch logboek", "held": "Certificaat",
        "rule": "Regel: geldig als de laatste run conformant is; geschorst als de laatste "
                "{window} runs geen conformiteit lieten zien en er minstens één echt faalde; "
                "anders risico (respijt van {grace} nacht(en)).",
        "passrate": "slagingspercentage", "no_runs": "nog geen runs",
        VALID: "geldig", AT_RISK: "risico", SUSPENDED: "geschorst", UNKNOWN: "onbekend",
        "conformant": "conformant", "not_conformant": "niet conformant",
        "incomplete": "onvolledig", "unchecked": "niet gecontroleerd",
    },
    "en": {
        "title": "Nightly conformance checks", "generated": "Generated",
        "nightly": "Latest nightly", "night": "Nightly", "profile": "Profile",
        "regressions": "Regressions", "none": "No regressions.",
        "matrix": "Suppliers × profiles", "supplier": "Supplier",
        "recoveries": "Recovered", "trend": "Trend", "runs": "Runs",
        "date": "Date", "outcome": "Outcome", "must": "MUST", "should": "SHOULD",
        "certificate": "certificate", "log": "technical log", "held": "Certificate",
        "rule": "Rule: valid when the newest run is conformant; suspended when the newest "
                "{window} runs showed no conformance and at least one really failed; "
                "otherwise at risk (a grace of {grace} night(s)).",
        "passrate": "pass rate", "no_runs": "no runs yet",
        VALID: "valid", AT_RISK: "at risk", SUSPENDED: "suspended", UNKNOWN: "unknown",
        "conformant": "conformant", "not_conformant": "not conformant",
        "incomplete": "incomplete", "unchecked": "not checked",
    },
}
_ORDER = {SUSPENDED: 1, AT_RISK: 2, UNKNOWN: 3, VALID: 4}


@dataclass
class Cell:
    profile: str
    status: str
    run: RunRecord | None
    change: Change | None
    certificate_id: str | None = None
    links: dict[str, str] = field(default_factory=dict)


@dataclass
class Row:
    supplier: str
    cells: list[Cell]
    runs: list[tuple[RunRecord, dict[str, str]]]
    charts: list[tuple[str, Markup]]

    @property
    def rank(self) -> tuple[int, str]:
        if any(c.change and c.change.regressions for c in self.cells):
            return (0, self.supplier)
        return (min(_ORDER.get(c.status, 3) for c in self.cells), self.supplier)


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                       autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True)


def render_dashboard(store: HistoryStore, out: Path, *, registry: Registry | None = None,
                     window: int | None = None, lang: str = "nl") -> Path:
    """Write ``out/index.html`` from the whole history; return its path."""
    window = window or (registry.window if registry else 3)
    history = store.runs()
    changes = latest_changes(history, window)
    by_pair: dict[tuple[str, str], list[RunRecord]] = {}
    for r in history:
        by_pair.setdefault((r.supplier, r.profile), []).append(r)
    pairs = set(by_pair)
    if registry:
        pairs |= {p.key for p in registry.pairs()}
    profiles = sorted({p for _, p in pairs})
    rows = []
    for supplier in sorted({s for s, _ in pairs}):
        cells = []
        for profile in profiles:
            if (supplier, profile) not in pairs:
                continue
            runs = by_pair.get((supplier, profile), [])
            change = changes.get((supplier, profile))
            cert = registry.certificate(supplier, profile) if registry else None
            cells.append(Cell(profile, change.status_after if change else UNKNOWN,
                              runs[-1] if runs else None, change,
                              cert.id if cert else None,
                              _links(out, runs[-1]) if runs else {}))
        supplier_runs = sorted((r for (s, _), rs in by_pair.items() if s == supplier for r in rs),
                               key=lambda r: (r.finished_at, r.id or 0), reverse=True)
        charts = [(c.profile, trend_svg(by_pair.get((supplier, c.profile), [])[-TREND_RUNS:],
                                        f"{supplier} {c.profile}", LABELS[lang]))
                  for c in cells]
        rows.append(Row(supplier, cells,
                        [(r, _links(out, r)) for r in supplier_runs[:TABLE_RUNS]], charts))
    rows.sort(key=lambda row: row.rank)
    nightlies = store.nightlies()
    latest = nightlies[-1]["id"] if nightlies else None
    regressions = [c for c in changes.values()
                   if c.regressions and c.run is not None and c.run.nightly_id == latest]
    recoveries = [c for c in changes.values()
                  if c.recoveries and c.run is not None and c.run.nightly_id == latest]
    labels = LABELS[lang]
    html = _env().get_template("dashboard.html.j2").render(
        lang=lang, t=labels, title=registry.title if registry else labels["title"],
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), latest=latest,
        profiles=profiles, rows=rows, regressions=sorted(regressions, key=_pair_key),
        recoveries=sorted(recoveries, key=_pair_key), window=window, grace=window - 1,
        version=__version__)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(html, encoding="utf-8")
    return path


def _pair_key(change: Change) -> tuple[str, str]:
    return (change.supplier, change.profile)


def _links(out: Path, run: RunRecord) -> dict[str, str]:
    """Relative links to the run's artefacts that exist next to the dashboard."""
    links = {}
    if run.artefacts:
        for name, file in (("certificate", "certificate.html"), ("log", "report.html")):
            if (out / run.artefacts / file).is_file():
                links[name] = f"{run.artefacts}/{file}"
    return links


def _rate(passed: int, total: int) -> float | None:
    return passed / total if total else None


def trend_svg(runs: list[RunRecord], name: str, labels: dict[str, str]) -> Markup:
    """A small line chart of the MUST (solid) and SHOULD (dashed) pass rate per run.

    Built from numbers only; the one text (the title) is escaped.
    """
    width, height, pad = 320, 110, 24
    title = escape(f"{name}: {labels['passrate']} {labels['must']} / {labels['should']}")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" role="img" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
             f"<title>{title}</title>",
             f'<rect x="{pad}" y="4" width="{width - pad - 4}" height="{height - pad - 4}" '
             f'class="frame"/>']
    for pct in (0, 50, 100):
        y = _y(pct / 100, height, pad)
        parts.append(f'<text x="{pad - 3}" y="{y + 3:.1f}" class="axis" '
                     f'text-anchor="end">{pct}</text>')
    if not runs:
        parts.append(f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" class="axis" '
                     f'text-anchor="middle">{escape(labels["no_runs"])}</text></svg>')
        return Markup("".join(parts))
    step = (width - pad - 14) / max(len(runs) - 1, 1)
    for series, css in (("must", "must"), ("should", "should")):
        points = []
        for i, r in enumerate(runs):
            rate = (_rate(r.must_passed, r.must_total) if series == "must"
                    else _rate(r.should_passed, r.should_total))
            if rate is not None and r.outcome != "unchecked":
                points.append((pad + 5 + i * step, _y(rate, height, pad)))
        if len(points) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline class="{css}" points="{coords}"/>')
        parts += [f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>'
                  for x, y in points]
    for i, r in enumerate(runs):  # a mark on the axis for every night without a verdict
        if not r.checked:
            parts.append(f'<rect class="gap" x="{pad + 2 + i * step:.1f}" '
                         f'y="{height - pad - 3}" width="6" height="6"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _y(rate: float, height: int, pad: int) -> float:
    return 6 + (1 - rate) * (height - pad - 10)
