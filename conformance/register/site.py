"""Publish the register as a static site: pages for people, register.json for tools.

::

    SITE/index.html                         per GEMMA reference component -> products ->
                                            certificates with their status
    SITE/certificates/ID.html               one page per certificate: facts, status, history
    SITE/certificates/ID.certificate.html   the certificate itself (as `conformance run` renders it)
    SITE/certificates/ID.json               the signed certificate document
    SITE/certificates/ID.svg                its badge, linking to its page (with --base-url)
    SITE/register.json                      the same for tools (schema: register.schema.json)
    SITE/register.schema.json, log.jsonl, head.json

Like the certificate, every page is self-contained: no scripts, nothing fetched (the same
Content-Security-Policy), every supplier string escaped; links are relative file names, so
the folder works from any static host and straight from disk. Statuses hold on the day of
publishing (expiry is a matter of the calendar): publish again, e.g. nightly.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .. import __version__
from ..report.badge import render_badge
from ..report.certificate import render_certificate
from ..report.i18n import check_lang, localized, long_date
from ..report.i18n import t as report_t
from .folder import CERTIFICATES_DIR, Register, RegisterError, document_digest
from .log import HEAD_NAME, LOG_NAME, LogReport
from .state import CertificateState
from .words import t

SCHEMA_NAME = "register.schema.json"
_env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                   autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                   lstrip_blocks=True, keep_trailing_newline=True)


def register_schema() -> dict[str, Any]:
    text = resources.files("conformance").joinpath(f"schemas/{SCHEMA_NAME}").read_text("utf-8")
    return json.loads(text)


def entry_page(cert_id: str) -> str:
    """The site-relative address of a certificate's page (also what badges link to)."""
    return f"{CERTIFICATES_DIR}/{cert_id}.html"


def entry_url(register_url: str, cert_id: str) -> str:
    """The address of a certificate's page in a register published at ``register_url``."""
    return f"{register_url.rstrip('/')}/{entry_page(cert_id)}"


def publish(register: Register, out: Path, *, lang: str = "nl", title: str | None = None,
            today: date | None = None, base_url: str | None = None) -> Path:
    """Write the site into ``out`` (made if missing) and return its index.html; with
    ``base_url`` (where the site will be served) also a badge per certificate that links
    to its entry."""
    check_lang(lang)
    report = register.verified()  # one key signed the whole, intact chain
    today = today or date.today()
    title = title or t(lang, "title")
    documents = {cid: _checked_document(register, state)
                 for cid, state in report.state.certificates.items()}
    data = register_json(report, today, title)
    jsonschema.validate(data, register_schema(), format_checker=jsonschema.FormatChecker())
    folder = out / CERTIFICATES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for item in data["certificates"]:
        cid = item["id"]
        _write(folder / f"{cid}.json", json.dumps(documents[cid], indent=2, ensure_ascii=False)
               + "\n")
        _write(folder / f"{cid}.certificate.html", render_certificate(documents[cid], lang=lang))
        if base_url:  # a badge to embed, linking back to this entry
            _write(folder / f"{cid}.svg", render_badge(documents[cid]["results"], lang=lang,
                                                       link=entry_url(base_url, cid)))
        _write(folder / f"{cid}.html", _render("entry.html.j2", lang, title=title,
                                               c=_entry_view(item, lang)))
    shutil.copyfile(register.log_path, out / LOG_NAME)
    shutil.copyfile(register.head_path, out / HEAD_NAME)
    _write(out / "register.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    _write(out / SCHEMA_NAME, json.dumps(register_schema(), indent=2) + "\n")
    index = out / "index.html"
    _write(index, _render("index.html.j2", lang, title=title, register=data["register"],
                          components=_components(data["certificates"], lang),
                          generated=long_date(data["generated_at"], lang)))
    return index


def _checked_document(register: Register, state: CertificateState) -> dict[str, Any]:
    document = register.document(state.id)
    if document_digest(document) != state.summary.get("document_sha256"):
        raise RegisterError(f"{register.certificate_path(state.id)}: this file is not the "
                            "certificate the log registered (its sha256 differs); restore it "
                            "from a backup")
    return document


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _render(template: str, lang: str, **context: Any) -> str:
    return _env.get_template(template).render(lang=lang, t=lambda k, **kw: t(lang, k, **kw),
                                              **context)


# --- register.json -------------------------------------------------------------------------

def register_json(report: LogReport, today: date, title: str) -> dict[str, Any]:
    """The machine-readable register (see conformance/schemas/register.schema.json)."""
    first = report.entries[0]["signature"]["key_fingerprint"] if report.entries else None
    return {
        "schema_version": 1,
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "status_date": today.isoformat(),
        "register": {"title": title, "key_fingerprint": first,
                     "entries": len(report.entries), "head_sha256": report.head_hash,
                     "log": LOG_NAME, "head": HEAD_NAME, "tool_version": __version__},
        "certificates": [_certificate_json(state, today)
                         for state in report.state.certificates.values()],
    }


def _certificate_json(state: CertificateState, today: date) -> dict[str, Any]:
    s = state.summary
    last = state.events[-1]
    return {
        "id": state.id, "status": state.status(today), "status_since": last["time"],
        "reason": state.last_reason,
        "supplier": s["supplier"], "profile": s["profile"], "standards": s["standards"],
        "verdict": s["verdict"], "issuer": s["issuer"], "issued_at": s["issued_at"],
        "valid_from": s["valid_from"], "valid_until": s["valid_until"], "signer": s["signer"],
        "document_sha256": s["document_sha256"],
        "page": entry_page(state.id),
        "certificate_html": f"{CERTIFICATES_DIR}/{state.id}.certificate.html",
        "certificate_json": f"{CERTIFICATES_DIR}/{state.id}.json",
        "events": [{"seq": e["seq"], "type": e["type"], "time": e["time"],
                    "reason": str(e["data"].get("reason", "")),
                    "source": str(e["data"].get("source", ""))} for e in state.events],
    }


# --- view models ---------------------------------------------------------------------------

def _status(key: str, lang: str) -> dict[str, str]:
    return {"key": key, "words": t(lang, f"status_{key}")}


def _components(certificates: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """component -> product (supplier + product) -> certificates, newest first."""
    tree: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = {}
    for c in certificates:
        name = localized(c["profile"]["component"], lang) or t(lang, "no_component")
        product = (c["supplier"]["name"], c["supplier"]["product"])
        tree.setdefault(name, {}).setdefault(product, []).append(c)
    out = []
    for name in sorted(tree):
        products = []
        for (supplier, product), items in sorted(tree[name].items()):
            items.sort(key=lambda c: c["issued_at"], reverse=True)
            products.append({"supplier": supplier, "product": product, "certificates": [{
                "id": c["id"], "version": c["supplier"]["version"], "page": c["page"],
                "profile": f"{c['profile']['id']} {c['profile']['version']}",
                "status": _status(c["status"], lang), "reason": c["reason"],
                "valid_until": long_date(c["valid_until"], lang)} for c in items]})
        out.append({"name": name, "products": products})
    return out


def _entry_view(c: dict[str, Any], lang: str) -> dict[str, Any]:
    standards = ", ".join(f"{s['name']} {s['version']}" for s in c["standards"])
    return {
        "id": c["id"], "status": _status(c["status"], lang), "reason": c["reason"],
        "supplier": c["supplier"], "standards": standards,
        "component": localized(c["profile"]["component"], lang),
        "profile": f"{localized(c['profile']['title'], lang)} ({c['profile']['id']}, "
                   f"{c['profile']['version']})",
        "verdict": report_t(lang, f"verdict_{c['verdict']}"), "issuer": c["issuer"],
        "valid": t(lang, "fact_valid_range", start=long_date(c["valid_from"], lang),
                   end=long_date(c["valid_until"], lang)),
        "signer": c["signer"], "digest": c["document_sha256"],
        "certificate_html": f"{c['id']}.certificate.html",
        "certificate_json": f"{c['id']}.json",
        "events": [{"date": long_date(e["time"], lang), "time": e["time"],
                    "event": t(lang, f"event_{e['type']}"), "reason": e["reason"],
                    "source": t(lang, f"source_{e['source']}")
                    if e["source"] in ("manual", "nightly") else e["source"]}
                   for e in c["events"]],
    }
