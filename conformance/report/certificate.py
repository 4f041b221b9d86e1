"""The certificate page: one self-contained HTML file a procurement officer can read.

Everything on the page comes from the results document, and every string in it may come
from a supplier, so the page is built with Jinja2 autoescaping, carries no JavaScript at
all (evidence folds with ``<details>``), and sets a Content-Security-Policy that forbids
loading or running anything even if escaping ever failed. Rendering is a pure function
of the document: ``conformance verify`` re-renders a page to prove nobody edited it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from conformance.certify import certificate_id
from conformance.redact import redact_headers
from conformance.report import web_view
from conformance.report.i18n import check_lang, t

TEMPLATES = Path(__file__).parent / "templates"
TEXT_LIMIT = 4000  # characters of one body / curl / message shown on the page
EVIDENCE_LIMIT = 5  # evidence items per requirement shown on the page
SYMBOLS = {"passed": "✔", "failed": "✘", "error": "?", "skipped": "–", "waived": "≈",
           "not_tested": "○"}
VERDICT_SYMBOLS = {"conformant": "✔", "not_conformant": "✘", "incomplete": "?"}
LEVEL_KEYS = {"MUST": "level_must", "SHOULD": "level_should", "MAY": "level_may"}

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def embed_json(document: dict[str, Any]) -> str:
    """JSON that cannot end its ``<script>`` element: ``<``, ``>``, ``&`` become ``\\u003c`` etc."""
    # key order is kept (no sort_keys), so re-rendering the parsed data gives the same page
    text = json.dumps(document, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def split_document(document: dict[str, Any]) -> tuple[dict | None, dict | None, dict[str, Any]]:
    """``(certificate, signature, results)`` of a certificate document or a bare results dict."""
    if "results" in document and "certificate" in document:
        return document["certificate"], document.get("signature"), document["results"]
    return None, None, document


def page_title(document: dict[str, Any], lang: str = "nl") -> str:
    """The ``<title>`` of the page (also what a browser test expects ``document.title`` to be)."""
    _, signature, results = split_document(document)
    supplier = results["target"]["supplier"]
    key = "page_title_signed" if signature else "page_title_unsigned"
    title = t(lang, key, product=supplier.get("product", ""), version=supplier.get("version", ""),
              supplier=supplier.get("name", ""))
    return " ".join(title.split())


def render_certificate(document: dict[str, Any], *, lang: str = "nl") -> str:
    """Render a signed/unsigned certificate document or a bare results dict as HTML."""
    check_lang(lang)
    return _env.get_template("certificate.html.j2").render(**_context(document, lang))


# --- view model ----------------------------------------------------------------------------

def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        other = "en" if lang == "nl" else "nl"
        return str(value.get(lang) or value.get(other) or "")
    return "" if value is None else str(value)


def _clip(text: str | None, lang: str, limit: int = TEXT_LIMIT) -> str:
    text = text or ""
    if len(text) <= limit:
        return text
    return text[:limit] + "\n" + t(lang, "truncated", count=len(text) - limit)


def _date(value: str | None, lang: str) -> str:
    if not value:
        return "—"
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{d.day} {t(lang, f'month_{d.month}')} {d.year}"


def _datetime(value: str | None, lang: str) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    stamp = f"{_date(moment.date().isoformat(), lang)}, {moment:%H:%M}"
    return stamp + (" UTC" if moment.tzinfo is not None else "")


def _number(value: float, lang: str, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "nl" else text


def _link(url: str) -> str | None:
    return url if re.match(r"(?i)^https?://[^\s]+$", url or "") else None


def _outcome(key: str, lang: str) -> dict[str, str]:
    return {"key": key, "css": key, "symbol": SYMBOLS[key], "words": t(lang, f"outcome_{key}")}


def _evidence(item: dict[str, Any], lang: str) -> dict[str, Any]:
    request, response = item.get("request") or {}, item.get("response") or {}
    req_text = ""
    if request:
        lines = [f"{request.get('method', '')} {request.get('url', '')}".strip()]
        lines += [f"{k}: {v}" for k, v in redact_headers(request.get("headers") or {}).items()]
        if request.get("body"):
            lines += ["", _clip(request["body"], lang)]
        req_text = "\n".join(lines)
    resp_text = ""
    if response:
        lines = [f"HTTP {response.get('status', '')}".strip()]
        lines += [f"{k}: {v}" for k, v in redact_headers(response.get("headers") or {}).items()]
        if response.get("body"):
            lines += ["", _clip(response["body"], lang)]
        if response.get("truncated"):
            lines.append(t(lang, "truncated_by_harness"))
        resp_text = "\n".join(lines)
    steps = [_clip(s, lang, 1000) for s in (item.get("steps") or [])[:20]]
    return {
        "check": item.get("check", ""), "operation": item.get("operation"),
        "code": item.get("code"), "message": _clip(item.get("message"), lang, 2000),
        "request": req_text, "response": resp_text, "curl": _clip(item.get("curl"), lang),
        "steps": "\n\n".join(steps), "element": web_view.element(item, lang),
    }


def _requirement(req: dict[str, Any], lang: str) -> dict[str, Any]:
    key = "not_tested" if req.get("not_tested") and req["outcome"] == "skipped" else req["outcome"]
    outcome = _outcome(key, lang)
    waiver = req.get("waiver")
    evidence = req.get("evidence") or []
    show_message = req["outcome"] in ("failed", "error", "waived") and not evidence \
        and not req.get("inherited")
    return {
        "id": req["id"], "anchor": re.sub(r"[^A-Za-z0-9_-]", "_", req["id"]),
        "level": t(lang, LEVEL_KEYS.get(req["level"], "level_must")),
        "title": _text(req.get("title"), lang), "source": req.get("source", ""),
        "link": _link(req.get("source", "")), "outcome": outcome["words"],
        "symbol": outcome["symbol"], "css": outcome["css"],
        "not_tested": _text(req.get("not_tested_text"), lang) or req.get("not_tested"),
        "inherited": req.get("inherited"),
        "message": _clip(req.get("message"), lang, 2000) if show_message else "",
        "waiver": {
            "reason": waiver.get("reason", ""), "approved_by": waiver.get("approved_by", ""),
            "expires": _date(waiver.get("expires"), lang),
        } if isinstance(waiver, dict) else None,
        "evidence": [_evidence(e, lang) for e in evidence[:EVIDENCE_LIMIT]],
        "evidence_count": len(evidence),
        "evidence_hidden": max(0, len(evidence) - EVIDENCE_LIMIT),
    }


def _classes(results: dict[str, Any], lang: str, part: str | None = None
             ) -> list[dict[str, Any]]:
    """The classes of the profile's own requirements (``part`` None) or of one included one."""
    declared = results["profile"].get("classes", {})
    names = list(declared)
    names += [r["class"] for r in results["requirements"] if r["class"] not in names]
    names = list(dict.fromkeys(names))
    names.sort(key=lambda n: not declared.get(n, {}).get("required", False))  # stable
    out = []
    for name in names:
        info = declared.get(name, {})
        reqs = [_requirement(r, lang) for r in results["requirements"]
                if r["class"] == name and r.get("part") == part]
        if not reqs:
            continue
        out.append({
            "name": name, "title": _text(info.get("title"), lang) or name,
            "kind": t(lang, "class_required" if info.get("required") else "class_optional"),
            "requirements": reqs,
        })
    return out


def _parts(results: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Included profiles (e.g. the API Design Rules): each gets its own section."""
    titles = {i["id"]: i.get("title") for i in results["profile"].get("includes") or []}
    parts = list(dict.fromkeys(r["part"] for r in results["requirements"] if r.get("part")))
    out = []
    for part in parts:
        inherited = sum(1 for r in results["requirements"]
                        if r.get("part") == part and r.get("inherited"))
        out.append({"id": part, "anchor": re.sub(r"[^A-Za-z0-9_-]", "_", part),
                    "title": _text(titles.get(part), lang) or part,
                    "inherited": t(lang, "part_inherited", count=inherited) if inherited else "",
                    "classes": _classes(results, lang, part)})
    return out


def _explanation(results: dict[str, Any], lang: str) -> str:
    required = {n for n, c in results["profile"].get("classes", {}).items() if c.get("required")}
    decisive = [r for r in results["requirements"]
                if r["level"] == "MUST" and r["class"] in required and not r.get("not_tested")
                and not r.get("inherited")]
    failed = [r["id"] for r in decisive if r["outcome"] == "failed"]
    undecided = [r["id"] for r in decisive if r["outcome"] in ("error", "skipped")]
    waived = [r["id"] for r in decisive if r["outcome"] == "waived"]
    verdict = results["verdict"]
    if verdict == "not_conformant" and failed:
        return t(lang, "explain_not_conformant", count=len(failed), ids=", ".join(failed))
    if verdict == "incomplete" and undecided:
        return t(lang, "explain_incomplete", count=len(undecided), ids=", ".join(undecided))
    if verdict == "incomplete":
        return t(lang, "explain_incomplete_empty")
    text = t(lang, "explain_conformant", count=len(decisive))
    return text + (" " + t(lang, "explain_waived", count=len(waived)) if waived else "")


def _waivers(results: dict[str, Any], lang: str) -> list[dict[str, str]]:
    entries = list(results.get("waivers") or [])
    listed = {e.get("requirement") for e in entries if e.get("status") == "applied"}
    for req in results["requirements"]:  # a waived requirement is always disclosed
        if isinstance(req.get("waiver"), dict) and req["id"] not in listed:
            entries.append({"requirement": req["id"], "status": "applied", **req["waiver"]})
    status_keys = {"applied", "expired", "stale", "unknown_requirement", "not_applied"}
    return [{
        "requirement": str(e.get("requirement", "")),
        "status": t(lang, f"waiver_{e.get('status')}") if e.get("status") in status_keys
        else str(e.get("status", "")),
        "reason": str(e.get("reason", "")), "approved_by": str(e.get("approved_by", "")),
        "expires": _date(str(e.get("expires", "")), lang), "source": str(e.get("source", "")),
    } for e in entries]


def _coverage(results: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """The contract pass's reach per operation (results' ``coverage``), excluded ones last."""
    rows = []
    for row in results.get("coverage") or []:
        excluded = row.get("excluded")
        rows.append({
            "api": str(row.get("api", "")), "operation": str(row.get("operation", "")),
            "requests": str(row.get("requests", "")), "valid": str(row.get("judged", "")),
            "accepted": str(row.get("accepted", "")), "crashed": str(row.get("crashed", "")),
            "checks": ", ".join(str(c) for c in row.get("checks") or []),
            "excluded": t(lang, "coverage_excluded", reason=_clip(_text(excluded, lang), lang, 600))
            if excluded else "",
        })
    return sorted(rows, key=lambda r: bool(r["excluded"]))


def _provenance(profile: dict[str, Any], lang: str) -> str | None:
    kind = profile.get("provenance")
    if kind not in ("builtin", "changed", "other_version", "custom"):
        return None  # results from before provenance was recorded
    return t(lang, f"provenance_{kind}", id=profile["id"], version=profile["version"])


def _run(results: dict[str, Any], lang: str) -> dict[str, Any]:
    run, profile = results["run"], results["profile"]
    facts = [(t(lang, "run_id"), run.get("id")), (t(lang, "run_seed"), run["seed"]),
             (t(lang, "run_budget"), run["budget"]),
             (t(lang, "run_tool"), f"gemma-conformance {run['tool_version']}"),
             (t(lang, "run_schemathesis"), run["schemathesis_version"]),
             (t(lang, "run_python"), run.get("python_version")),
             (t(lang, "run_started"), _datetime(run["started_at"], lang)),
             (t(lang, "run_finished"), _datetime(run["finished_at"], lang)),
             (t(lang, "run_duration"), f"{_number(run['duration_s'], lang)} s"),
             (t(lang, "run_requests"), run.get("requests")),
             *web_view.run_facts(results, lang)]
    return {
        "facts": [(label, str(value)) for label, value in facts if value is not None],
        "notes": [str(n) for n in run.get("notes") or []],
        "finished": _datetime(run["finished_at"], lang),
        "replay": f"conformance run --profile {profile['id']} --seed {run['seed']} "
                  f"--budget {run['budget']}",
    }


def _context(document: dict[str, Any], lang: str) -> dict[str, Any]:
    cert, signature, results = split_document(document)
    signed = bool(signature) and cert is not None
    tr = partial(t, lang)
    supplier = results["target"]["supplier"]
    summary = results.get("summary", {})
    must, should = summary.get("must", {}), summary.get("should", {})
    score = summary.get("should_score")
    decided = should.get("passed", 0) + should.get("failed", 0)
    verdict = results["verdict"]
    profile = results["profile"]
    waivers = _waivers(results, lang)
    return {
        "lang": lang, "t": tr, "signed": signed, "title": page_title(document, lang),
        "heading": tr("heading_signed" if signed else "heading_unsigned"),
        "verdict": {"key": verdict, "symbol": VERDICT_SYMBOLS[verdict],
                    "words": tr(f"verdict_{verdict}"), "explanation": _explanation(results, lang)},
        "issuer": cert["issuer"] if signed else tr("unsigned_issuer"),
        "certificate_id": certificate_id(document) if signed else None,
        "supplier": {k: str(supplier.get(k, "")) for k in ("name", "product", "version")},
        "environment": tr(f"environment_{results['target']['environment']}"),
        "tls_insecure": bool(((results.get("run") or {}).get("safety") or {}).get("insecure_tls")),
        # evidence with personal data: whoever stores or forwards the files must know
        "bsn_unmasked": ((results.get("run") or {}).get("safety") or {}).get("mask_bsn") is False,
        "validity": _date(cert["valid_until"], lang) if signed else tr("no_validity"),
        "must_summary": ", ".join(
            [tr("must_summary", passed=must.get("passed", 0), total=sum(must.values()))]
            + ([tr("must_waived", count=must["waived"])] if must.get("waived") else [])),
        "should_score": tr("should_score", percent=round(score * 100), passed=should["passed"],
                           decided=decided) if score is not None else tr("should_none"),
        "waiver_summary": tr("waiver_count", count=len(waivers)) if waivers else tr("none"),
        "fingerprint": signature.get("key_fingerprint", "") if signed else tr("no_key"),
        "cert": {
            "issued_at": _datetime(cert["issued_at"], lang),
            "valid_from": _date(cert["valid_from"], lang),
            "valid_until": _date(cert["valid_until"], lang),
            "algorithm": signature.get("algorithm", ""),
            "results_sha256": cert.get("results_sha256", ""),
        } if signed else {},
        "missing_parts": [{"part": str(m.get("part", "")), "reason": str(m.get("reason", ""))}
                          for m in results.get("missing_parts") or []],
        "coverage": _coverage(results, lang),
        "profile": {
            "provenance": _provenance(profile, lang),
            "changed": profile.get("provenance") == "changed",
            "id": profile["id"], "version": profile["version"],
            "title": _text(profile["title"], lang), "sha256": profile["sha256"],
            "component": _text((profile.get("gemma") or {}).get("component"), lang),
            "includes": [{"id": i.get("id", ""), "version": i.get("version", ""),
                          "sha256": i.get("sha256", "")} for i in profile.get("includes") or []],
        },
        "standards": [{"from_target": False, **s, "refs": s.get("refs") or [],
                       "engine_line": web_view.engine_line(s, lang)}
                      for s in profile.get("standards", [])],
        "accessibility": web_view.accessibility(results, lang),
        "pages": web_view.pages(results, lang),
        "apis": [{"name": k, "url": v} for k, v in results["target"].get("apis", {}).items()],
        "legend": [_outcome(k, lang) for k in SYMBOLS],
        "classes": _classes(results, lang),
        "parts": _parts(results, lang),
        "waivers": waivers,
        "findings": [{
            "kind": f.get("kind", ""),
            "message": _clip(_text(f.get("text"), lang) or f.get("message"), lang, 2000),
            "where": " ".join(str(x) for x in (f.get("operation"), f.get("check")) if x),
            "count": f.get("count", ""),
        } for f in results.get("findings") or []],
        "run": _run(results, lang),
        "data_json": Markup(embed_json(document)),
    }
