"""`conformance profiles coverage`: its output is checked against the profile files themselves
(read here as plain YAML, not through the loader the command uses)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from conftest import run_cli

from conformance.coverage import GROUPED_RULES, OFFICIAL_RULES, official_rule_ids

PROFILES = Path(__file__).resolve().parent.parent / "profiles"
#: zrc-007, zrc-007-scope; nrc-c-003, nrc-c-003-403 (the receiving side of notifications)
RULE = re.compile(r"^([a-z]+(?:-[a-z]+)?-\d{3})(-[a-z0-9][a-z0-9-]*)?$")


def _rule_requirements(path: Path) -> dict[str, list[dict]]:
    """The requirements of each rule id (the rule's own, and its parts such as -scope)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules: dict[str, list[dict]] = {}
    for req in data["requirements"]:
        match = RULE.match(req["id"])
        if match:
            rules.setdefault(match[1], []).append(req)
    return rules


def _check_ids(req: dict) -> list[str]:
    ids = []
    for check in req.get("checks") or []:
        if "suite" in check:
            ids.append(f"suite:{check['suite']}")
        else:
            ids += [f"schemathesis:{check['schemathesis']['api']}:{name}"
                    for name in check["schemathesis"]["checks"]]
    return ids


def test_official_rule_catalogue():
    ids = official_rule_ids()
    grouped = sum(last - first + 1 for groups in GROUPED_RULES.values() for first, last in groups)
    assert len(ids) == sum(OFFICIAL_RULES.values()) + grouped == len(set(ids))
    # the old Postman suite's ranges are all in it
    for api, last in {"zrc": 23, "drc": 9, "brc": 8, "ztc": 13, "ac": 3}.items():
        assert {f"{api}-{n:03d}" for n in range(1, last + 1)} <= set(ids)
    # the Verwerkingenlogging rules in their four groups, and none of the numbers between
    vwl = {i for i in ids if i.startswith("vwl-")}
    assert len(vwl) == 36 and {"vwl-001", "vwl-012", "vwl-020", "vwl-043"} <= vwl
    assert not {"vwl-013", "vwl-019", "vwl-044"} & vwl
    # the numbered rules of the receiving side of notifications (consumer facts §5)
    assert {f"nrc-c-{n:03d}" for n in range(1, 15)} <= set(ids)


def test_coverage_json_matches_the_profile_files():
    result = run_cli("profiles", "coverage", "--json")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    files = {p.stem: p for p in PROFILES.glob("*.yaml")}
    assert {p["profile"] for p in report["profiles"]} == set(files)
    present: set[str] = set()
    for entry in report["profiles"]:
        expected = _rule_requirements(files[entry["profile"]])
        listed = {r["rule"]: r for r in entry["requirements"]}
        assert set(listed) == set(expected), entry["profile"]
        for rule, reqs in expected.items():
            got = listed[rule]
            assert got["level"] == ("MUST" if any(r["level"] == "MUST" for r in reqs)
                                    else reqs[0]["level"]), rule
            assert {p["requirement"]: (p["checks"], p["not_tested"]) for p in got["parts"]} == {
                r["id"]: (_check_ids(r), r.get("not_tested")) for r in reqs}, rule
            tested = [r for r in reqs if "not_tested" not in r]
            assert sorted(got["checks"]) == sorted(c for r in tested for c in _check_ids(r))
            # a rule counts as not tested only when none of its requirements is
            assert (got["not_tested"] is None) == bool(tested), rule
        assert entry["tested"] + entry["untested"] == entry["rules"] == len(expected)
        assert entry["untested"] == sum(
            1 for reqs in expected.values() if all("not_tested" in r for r in reqs))
        present |= set(expected)
    assert report["uncovered"] == [r for r in official_rule_ids() if r not in present]


def test_coverage_text_names_every_untested_rule_with_its_reason():
    result = run_cli("profiles", "coverage", "zrc-1.5")
    assert result.code == 0, result.stderr
    expected = _rule_requirements(PROFILES / "zrc-1.5.yaml")
    lines = result.stdout.splitlines()
    for rule, reqs in expected.items():
        line = next(line for line in lines if line.strip().startswith(rule + " "))
        tested = [r for r in reqs if "not_tested" not in r]
        if not tested:
            assert "NOT TESTED: " + reqs[0]["not_tested"][:40] in line
            continue
        assert f"{sum(len(_check_ids(r)) for r in tested)} check(s)" in line
        for part in reqs:
            if "not_tested" in part:  # a partly tested rule names the part it leaves out
                assert any(f"PART NOT TESTED ({part['id']}): {part['not_tested'][:40]}" in x
                           for x in lines), part["id"]
    # zrc-021 is tested in two requirements, its zaakobject part is not
    assert [r["id"] for r in expected["zrc-021"]] == [
        "zrc-021", "zrc-021-besluit", "zrc-021-zaakobject"]
    assert "PART NOT TESTED (zrc-021-zaakobject)" in result.stdout


def test_strict_coverage_fails_when_a_rule_has_no_requirement():
    # zrc-1.5 alone leaves every drc/brc/ztc/ac and every vwl rule without a requirement
    result = run_cli("profiles", "coverage", "zrc-1.5", "--strict")
    assert result.code == 1
    assert "drc-001" in result.stdout.splitlines()[-1]
    assert "vwl-001" in result.stdout.splitlines()[-1]
    # all built-in profiles together have a requirement for every official rule id
    everything = run_cli("profiles", "coverage", "--strict")
    assert everything.code == 0, everything.stdout.splitlines()[-1]


def test_coverage_lists_the_verwerkingenlogging_rules(tmp_path):
    result = run_cli("profiles", "coverage", "vwl-0.9")
    assert result.code == 0, result.stderr
    expected = _rule_requirements(PROFILES / "vwl-0.9.yaml")
    assert set(expected) == {i for i in official_rule_ids() if i.startswith("vwl-")}
    lines = result.stdout.splitlines()
    assert "PART NOT TESTED (vwl-005-afnemer)" in result.stdout
    assert next(x for x in lines if x.strip().startswith("vwl-032 ")).split()[2] == "NOT"
    # a profile without the vwl-038 requirement leaves that rule uncovered, and --strict says so
    text = (PROFILES / "vwl-0.9.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: vwl-038\n")
    end = text.index("  - id: vwl-039\n")
    partial = tmp_path / "vwl-partial.yaml"
    partial.write_text(text[:start] + text[end:], encoding="utf-8")
    strict = run_cli("profiles", "coverage", str(partial), "--strict")
    assert strict.code == 1
    assert "vwl-038" in strict.stdout.splitlines()[-1].split("profiles: ")[1].split(", ")
