"""Sample results documents for the report, signing and waiver tests.

Built through ``conformance.results`` (the producer), so they have exactly the shape a
real run writes, and validated against the published schema. Supplier strings are
deliberately hostile: quotes, ampersands, non-ASCII and markup.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from conformance.profiles import builtin_profile
from conformance.results import (
    CheckResult,
    Evidence,
    RequirementResult,
    RunResult,
    decide_verdict,
    validate_results,
)

NASTY = "Acme & Zoon's \"Zaak\" <script>alert('x')</script> — Ærø ë €"
TITLE_ATTACK = "<script>document.title='pwned'</script>"
IMG_ATTACK = "<img src=x onerror=\"document.title='pwned-img'\">"
SPEC_ROOT = "https://vng-realisatie.github.io/gemma-zaken/standaard/zaken/"

# Known secrets used by the secret-sweep tests (fake, but shaped like the real thing).
CLIENT_SECRET = "s3cr3t-Cl1ent-Value-9f8e7d"
API_KEY = "ak_live_4f7Q9zXw2LmN8pRt"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
       "eyJpc3MiOiJjb25mb3JtYW5jZSIsImNsaWVudF9pZCI6ImFjbWUifQ."
       "c2lnbmF0dXJlLW9mLXRoZS10b2tlbi14eXo")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _profile() -> dict[str, Any]:
    return {
        "id": "zrc-1.5",
        "version": "2026.1",
        "title": {"nl": "Zaakregistratiecomponent — Zaken API 1.5.1",
                  "en": "Case registration component — Zaken API 1.5.1"},
        # the published built-in profile's digest: `verify` checks it against its own copy
        "sha256": builtin_profile("zrc-1.5")[1],  # type: ignore[index]
        "provenance": "builtin",
        "gemma": {"component": "Zaakregistratiecomponent"},
        "classes": {
            "uitgebreid": {"required": False, "title": {"nl": "Uitgebreide functionaliteit",
                                                        "en": "Extended functionality"}},
            "basis": {"required": True, "title": {"nl": "Basisfunctionaliteit",
                                                  "en": "Basic functionality"}},
        },
        "standards": [
            {"api": "zaken", "name": "Zaken API", "version": "1.5.1",
             "url": "https://raw.githubusercontent.com/VNG-Realisatie/zaken-api/1.5.1/src/openapi.yaml",
             "sha256": _sha("zaken 1.5.1"),
             "refs": [{"ref": "https://example.org/common.yaml#/x",
                       "url": "https://example.org/common.yaml", "sha256": _sha("common")}]},
            {"api": "catalogi", "name": "Catalogi API", "version": "1.3.1",
             "url": "https://raw.githubusercontent.com/VNG-Realisatie/catalogi-api/1.3.1/src/openapi.yaml",
             "sha256": _sha("catalogi 1.3.1")},
        ],
    }


def _target(supplier_name: str = NASTY, product: str = "Zaakwijzer", version: str = "4.2.0"):
    return {
        "supplier": {"name": supplier_name, "product": product, "version": version},
        "environment": "test",
        "apis": {"zaken": "https://zaken.acme.example/zaken/api/v1/",
                 "catalogi": "https://ztc.acme.example/catalogi/api/v1/"},
        "auth_type": "jwt-zgw",
        "client_id": "acme-test",
    }


def _run() -> dict[str, Any]:
    return {
        "id": "run-20261120-1403", "seed": 424242, "budget": "standard",
        "tool_version": "0.1.0", "schemathesis_version": "4.32.5", "python_version": "3.11.7",
        "started_at": "2026-11-20T14:01:10+00:00", "finished_at": "2026-11-20T14:03:22+00:00",
        "duration_s": 132.4, "timings": {"prepare": 3.1, "contract": 110.2, "suites": 19.1},
        "requests": 2113, "notes": ["cleanup removed 14 of 14 test objects"],
    }


def _req(rid, level, cls, nl, en, outcome, **kw) -> RequirementResult:
    checks = kw.pop("checks", None)
    if checks is None:
        check_outcome = "skipped" if outcome in ("skipped", "waived") else outcome
        checks = [CheckResult(id=f"suite:conformance.suites.zrc:test_{rid.replace('-', '_')}",
                              kind="suite", outcome=check_outcome, executed=1,
                              failures=int(outcome == "failed"))]
    return RequirementResult(id=rid, level=level, class_=cls, title={"nl": nl, "en": en},
                             source=f"{SPEC_ROOT}#{rid}", outcome=outcome, checks=checks, **kw)


def failing_evidence(supplier_text: str = NASTY) -> list[Evidence]:
    body = ('{"url": "https://zaken.acme.example/zaken/api/v1/zaken/1", '
            f'"omschrijving": {supplier_text!r}, "padding": "{"x" * 9000}"}}')
    return [
        Evidence(
            check="response_schema_conformance", operation="POST /zaken", code="ST108",
            message=f"Response violates schema: 'zaaktype' is required ({supplier_text})",
            request={"method": "POST", "url": "https://zaken.acme.example/zaken/api/v1/zaken",
                     "headers": {"Accept-Crs": "EPSG:4326", "Authorization": "[REDACTED]"},
                     "body": '{"bronorganisatie": "517439943", "zaaktype": null}'},
            response={"status": 201, "headers": {"Content-Type": "application/json"},
                      "body": body, "truncated": False},
            curl=("curl -X POST -H 'Accept-Crs: EPSG:4326' -H 'Authorization: [REDACTED]' "
                  "-d '{\"bronorganisatie\": \"517439943\"}' "
                  "'https://zaken.acme.example/zaken/api/v1/zaken'"),
            steps=["curl -X POST 'https://zaken.acme.example/zaken/api/v1/zaken' -d '{}'",
                   "curl -X DELETE 'https://zaken.acme.example/zaken/api/v1/zaken/1'"],
        ),
        Evidence(check="suite:conformance.suites.zrc:test_zrc_007", message="status 200, "
                 "expected 400 for a zaak without zaaktype", operation="zaak_create"),
    ]


def _requirements(failing: bool, supplier_text: str) -> list[RequirementResult]:
    reqs = [
        _req("zrc-001", "MUST", "basis", "Zaaktype moet resolven", "Zaaktype must resolve",
             "passed"),
        _req("zrc-007", "MUST", "basis", "Zaak zonder zaaktype weigeren",
             "Reject a zaak without zaaktype", "failed" if failing else "passed",
             evidence=failing_evidence(supplier_text) if failing else [],
             message=f"2 checks failed; supplier said: {supplier_text}" if failing else ""),
        _req("ZRC-OAS-schema", "MUST", "basis", "Antwoorden volgen het OpenAPI-schema",
             "Responses follow the OpenAPI schema", "passed",
             checks=[CheckResult(id="schemathesis:zaken:response_schema_conformance",
                                 kind="schemathesis", outcome="passed", executed=400)]),
        _req("ADR-version-header", "SHOULD", "basis", "API-Version header aanwezig",
             "API-Version header present", "failed" if failing else "passed",
             message="header missing" if failing else ""),
        _req("ADR-problem-json", "SHOULD", "basis", "Fouten als problem+json",
             "Errors as problem+json", "passed"),
        _req("zrc-012", "MUST", "basis", "Archiefnominatie afleiden",
             "Derive archiving nomination", "skipped", checks=[],
             not_tested="no automated check yet; reviewed manually"),
        _req("zrc-020", "MUST", "uitgebreid", "Zaak heropenen", "Reopen a zaak",
             "failed" if failing else "passed",
             evidence=[Evidence(check="suite:conformance.suites.zrc:test_zrc_020",
                                message=f"reopen ignored: {supplier_text}")] if failing else []),
        _req("zrc-021", "MAY", "uitgebreid", "Zaken zoeken op locatie",
             "Search zaken by location", "passed"),
    ]
    return reqs


def make_results(*, failing: bool = False, supplier_name: str = NASTY,
                 supplier_text: str = NASTY, product: str = "Zaakwijzer",
                 version: str = "4.2.0") -> dict[str, Any]:
    """A schema-valid results dict; ``failing`` makes a MUST of the required class fail."""
    reqs = _requirements(failing, supplier_text)
    verdict, reason = decide_verdict(reqs, {"basis"})
    result = RunResult(
        verdict=verdict, verdict_reason=reason, requirements=reqs, profile=_profile(),
        target=_target(supplier_name, product, version), run=_run(),
        findings=[{"kind": "spec_gap", "message": f"Undocumented status 418 from {supplier_text}",
                   "operation": "GET /zaken", "check": "status_code_conformance", "count": 3}],
    )
    data = result.to_dict()
    validate_results(data)
    return data


def conformant_results() -> dict[str, Any]:
    return make_results(failing=False)


def not_conformant_results() -> dict[str, Any]:
    return make_results(failing=True)


def incomplete_results() -> dict[str, Any]:
    data = make_results(failing=False)
    data = copy.deepcopy(data)
    data["requirements"][0]["outcome"] = "error"
    data["requirements"][0]["message"] = "target unreachable: connection refused"
    data["verdict"] = "incomplete"
    data["verdict_reason"] = "MUST requirement(s) could not be decided: zrc-001"
    data["summary"]["must"]["passed"] -= 1
    data["summary"]["must"]["error"] += 1
    validate_results(data)
    return data


def hostile_results() -> dict[str, Any]:
    """A failing run whose supplier strings try to run script or create elements."""
    attack = f"{TITLE_ATTACK}{IMG_ATTACK}"
    return make_results(failing=True, supplier_name=f"Evil B.V. {attack}",
                        supplier_text=attack, product=f"Zaak{IMG_ATTACK}", version="1.0")


def signed_certificate(private_key, *, failing: bool = False, supplier_name: str = NASTY,
                       product: str = "Zaakwijzer", version: str = "4.2.0",
                       valid_days: int = 3650) -> dict[str, Any]:
    """A signed certificate document (valid for years, so tests do not age) of a sample run."""
    from conformance.certify import build_certificate, sign_certificate

    results = make_results(failing=failing, supplier_name=supplier_name, product=product,
                           version=version)
    return sign_certificate(build_certificate(results, issuer="VNG Certificering",
                                              valid_days=valid_days), private_key)
