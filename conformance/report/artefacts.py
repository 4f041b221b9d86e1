"""Write a run's artefacts and make sure none of them carries a secret.

results.json, certificate.html (signed when a key is given, then also
certificate.json), junit.xml and badge.svg. The suites' technical log
(report.html, and report-beside-contract.html for the read-only checks that ran beside the
contract pass) is written by pytest-html during the run and swept here too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..certify import build_certificate, sign_certificate
from ..errors import EXIT_INCOMPLETE, ConformanceError
from ..redact import find_secrets
from ..results import RunResult, write_results
from .badge import render_badge
from .certificate import render_certificate
from .junit import render_junit

ISSUER = "GEMMA conformance harness"


class SecretLeak(ConformanceError):
    """An artefact contained a secret: a harness bug; the artefact was removed (exit 3, the
    verdict could not be delivered)."""

    exit_code = EXIT_INCOMPLETE


def write_artefacts(result: RunResult, out_dir: Path, *, lang: str = "nl",
                    sign_key: Path | None = None, valid_days: int = 365,
                    issuer: str = ISSUER, secrets: list[str] | None = None,
                    register_url: str | None = None) -> dict[str, Path]:
    """``register_url``: the published register's address; the badge of a signed run then
    links to the certificate's entry there."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"results": out_dir / "results.json"}
    data = write_results(result, paths["results"])
    paths.update(write_certificate(data, out_dir, lang=lang, sign_key=sign_key,
                                   valid_days=valid_days, issuer=issuer))
    paths["junit"] = out_dir / "junit.xml"
    paths["junit"].write_text(render_junit(data), encoding="utf-8")
    paths["badge"] = out_dir / "badge.svg"
    link = None
    if register_url and "certificate_json" in paths:
        from ..certify import certificate_id
        from ..register.site import entry_url

        signed = json.loads(paths["certificate_json"].read_text(encoding="utf-8"))
        link = entry_url(register_url, certificate_id(signed) or "")
    paths["badge"].write_text(render_badge(data, link=link), encoding="utf-8")
    for name in ("report", "report-beside-contract"):  # the suites' logs (engine/beside.py)
        if (out_dir / f"{name}.html").exists():
            paths[name.replace("-", "_")] = out_dir / f"{name}.html"
    sweep(list(paths.values()), secrets or [])
    return paths


def write_certificate(results: dict[str, Any], out_dir: Path, *, lang: str,
                      sign_key: Path | None, valid_days: int, issuer: str) -> dict[str, Path]:
    """certificate.html (and certificate.json when signed) for a results document."""
    paths = {"certificate": out_dir / "certificate.html"}
    document: dict[str, Any] = results
    if sign_key is not None:
        document = sign_certificate(
            build_certificate(results, issuer=issuer, valid_days=valid_days), sign_key)
        paths["certificate_json"] = out_dir / "certificate.json"
        paths["certificate_json"].write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["certificate"].write_text(render_certificate(document, lang=lang), encoding="utf-8")
    return paths


def sweep(paths: list[Path], secrets: list[str]) -> None:
    leaks = find_secrets(paths, secrets)
    if leaks:
        for path, _what in leaks:
            path.unlink(missing_ok=True)
        names = ", ".join(sorted({p.name for p, _ in leaks}))
        raise SecretLeak(f"a secret was found in {names}; these artefacts were removed. "
                         "This is a bug in the harness: please report it.")
