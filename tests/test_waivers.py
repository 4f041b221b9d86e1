"""Waivers: loading with file:line errors, and what they do to requirement outcomes."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest
from report_samples import make_results

from conformance.report.certificate import render_certificate
from conformance.results import RequirementResult, RunResult, decide_verdict, validate_results
from conformance.waivers import Waiver, WaiverError, apply_waivers, load_waivers

TODAY = date(2026, 11, 20)


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _requirements(data: dict) -> list[RequirementResult]:
    out = []
    for r in data["requirements"]:
        fields = {k: v for k, v in r.items() if k not in ("class", "checks", "evidence")}
        out.append(RequirementResult(class_=r["class"], **fields))
    return out


def _waiver(requirement: str, expires: date = date(2027, 3, 31), line: int = 2) -> Waiver:
    return Waiver(requirement=requirement, reason=f"reason for {requirement}",
                  approved_by="Gemeente Voorbeeld", expires=expires,
                  source=f"waivers.yaml:{line}")


def test_load_waivers(tmp_path):
    path = _file(tmp_path, """\
        # approved in the tender board of 2026-11-01
        waivers:
          - requirement: zrc-007
            reason: "Fix planned in 4.3 (ticket ACME-1234) & tested by us"
            approved_by: Gemeente Voorbeeld, afdeling Inkoop
            expires: 2027-03-31
          - requirement: ADR-version-header
            reason: Header arrives with the next gateway release
            approved_by: VNG Realisatie
            expires: "2026-01-31"
        """)
    waivers = load_waivers(path)
    assert [w.requirement for w in waivers] == ["zrc-007", "ADR-version-header"]
    assert waivers[0].expires == date(2027, 3, 31)
    assert waivers[1].expires == date(2026, 1, 31)
    assert waivers[0].source == f"{path}:3"
    assert waivers[1].source == f"{path}:7"
    assert waivers[0].reason.endswith("& tested by us")


def test_empty_file_has_no_waivers(tmp_path):
    assert load_waivers(_file(tmp_path, "")) == []
    assert load_waivers(_file(tmp_path, "waivers:\n")) == []


@pytest.mark.parametrize(("text", "line", "message"), [
    ("waivers:\n  - requirement: zrc-007\n    reason: r\n    approved_by: a\n", 2,
     "missing expires"),
    ("waivers:\n  - requirement: zrc-007\n    reason: r\n    approved_by: a\n"
     "    expires: 31-03-2027\n", 5, "YYYY-MM-DD"),
    ("waivers:\n  - requirement: zrc-007\n    reason: r\n    approved_by: a\n"
     "    expires: 2027-02-30\n", 5, "YYYY-MM-DD"),
    ("waivers:\n  - requirement: zrc-007\n    reason: r\n    approved_by: a\n"
     "    expires: 2027-03-31\n    approved: yes\n", 6, "unknown field 'approved'"),
    ("waivers:\n  - requirement: zrc-007\n    reason: ''\n    approved_by: a\n"
     "    expires: 2027-03-31\n", 3, "'reason' must be a non-empty text"),
    ("waivers:\n  requirement: zrc-007\n", 2, "must be a list"),
    ("- requirement: zrc-007\n", 1, "'waivers:' list at the top"),
    ("waiver:\n  - {}\n", 1, "unknown top-level key 'waiver'"),
    ("waivers:\n  - requirement: [zrc-007\n", 3, "invalid YAML"),
    ("waivers:\n  - {requirement: a, reason: r, approved_by: x, expires: 2027-01-01}\n"
     "  - {requirement: a, reason: r, approved_by: x, expires: 2027-01-01}\n", 3,
     "second waiver for a"),
    ("waivers:\n  - just a string\n", 2, "must be a mapping"),
])
def test_bad_files_give_file_and_line(tmp_path, text, line, message):
    path = _file(tmp_path, text)
    with pytest.raises(WaiverError) as info:
        load_waivers(path)
    assert str(info.value).startswith(f"{path}:{line}: "), str(info.value)
    assert message in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(WaiverError, match="not found"):
        load_waivers(tmp_path / "nope.yaml")


def test_applied_turns_failed_into_waived_and_the_run_conformant():
    data = make_results(failing=True)
    reqs = _requirements(data)
    report = apply_waivers(reqs, [_waiver("zrc-007")], today=TODAY)
    req = next(r for r in reqs if r.id == "zrc-007")
    assert req.outcome == "waived"
    assert req.waiver == {"reason": "reason for zrc-007", "approved_by": "Gemeente Voorbeeld",
                          "expires": "2027-03-31", "source": "waivers.yaml:2"}
    assert report[0]["status"] == "applied"
    assert report[0]["expires"] == "2027-03-31"
    verdict, _ = decide_verdict(reqs, {"basis"})
    assert verdict == "conformant"
    # the waived run is still a valid results document, and the page discloses the waiver
    result = RunResult(verdict=verdict, verdict_reason="", requirements=reqs,
                       profile=data["profile"], target=data["target"], run=data["run"],
                       waivers=report)
    results = result.to_dict()
    validate_results(results)
    assert results["summary"]["must"]["waived"] == 1
    page = render_certificate(results)
    assert "reason for zrc-007" in page and "Toegepast" in page and "CONFORM" in page


def test_waiver_valid_on_its_last_day():
    reqs = _requirements(make_results(failing=True))
    report = apply_waivers(reqs, [_waiver("zrc-007", expires=TODAY)], today=TODAY)
    assert report[0]["status"] == "applied"


def test_expired_waiver_is_ignored_and_reported():
    reqs = _requirements(make_results(failing=True))
    report = apply_waivers(reqs, [_waiver("zrc-007", expires=date(2026, 11, 19))], today=TODAY)
    assert report[0]["status"] == "expired"
    assert next(r for r in reqs if r.id == "zrc-007").outcome == "failed"
    assert decide_verdict(reqs, {"basis"})[0] == "not_conformant"


def test_stale_waiver_for_a_passing_requirement():
    reqs = _requirements(make_results(failing=False))
    report = apply_waivers(reqs, [_waiver("zrc-007")], today=TODAY)
    assert report[0]["status"] == "stale"
    assert next(r for r in reqs if r.id == "zrc-007").outcome == "passed"


def test_unknown_requirement():
    reqs = _requirements(make_results(failing=True))
    report = apply_waivers(reqs, [_waiver("zrc-999")], today=TODAY)
    assert report[0]["status"] == "unknown_requirement"


def test_error_is_never_waived():
    reqs = _requirements(make_results(failing=False))
    reqs[0].outcome = "error"
    report = apply_waivers(reqs, [_waiver(reqs[0].id)], today=TODAY)
    assert report[0]["status"] == "not_applied"
    assert reqs[0].outcome == "error" and reqs[0].waiver is None
    assert decide_verdict(reqs, {"basis"})[0] == "incomplete"


def test_works_on_dict_requirements_too():
    data = make_results(failing=True)
    report = apply_waivers(data["requirements"], [_waiver("zrc-020")], today=TODAY)
    assert report[0]["status"] == "applied"
    assert next(r for r in data["requirements"] if r["id"] == "zrc-020")["outcome"] == "waived"
