"""The tender matrix as one self-contained HTML page (Dutch first; prints on A4 landscape).

Like the certificate: Jinja2 autoescaping for every supplier string, no scripts, nothing
fetched, and the certificate's Content-Security-Policy, so the page can be mailed, archived
with the tender and opened from disk.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..report.certificate import SYMBOLS
from ..report.i18n import t as report_t
from .view import MatrixView
from .words import t

_env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                   autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=True)


def render_compare(view: MatrixView, *, generated: str) -> str:
    """``generated``: the day of the comparison, already in words."""
    lang = view.lang
    legend = [{"key": k, "symbol": s, "words": report_t(lang, f"outcome_{k}")}
              for k, s in SYMBOLS.items()]
    rejected = [c for c in view.columns if not c.verified]
    return _env.get_template("compare.html.j2").render(
        lang=lang, t=lambda key, **kw: t(lang, key, **kw), view=view, legend=legend,
        rejected=rejected, generated=generated)
