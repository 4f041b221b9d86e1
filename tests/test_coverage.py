"""`conformance profiles coverage`: its output is checked against the profile files themselves
(read here as plain YAML, not through the loader the command uses)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from conftest import run_cli

from conformance.coverage import OFFICIAL_RULES, official_rule_ids

PROFILES = Path(__file__).resolve().parent.parent / "profiles"
RULE = re.compile(r"^[a-z]+-\d{3}$")


def _rule_requirements(path: Path) -> dict[str, dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {r["id"]: r for r in data["requirements"] if RULE.match(r["id"])}


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
    assert len(ids) == sum(OFFICIAL_RULES.values()) == len(set(ids))
    # the old Postman suite's ranges are all in it
    for api, last in {"zrc": 23, "drc": 9, "brc": 8, "ztc": 13, "ac": 3}.items():
        assert {f"{api}-{n:03d}" for n in range(1, last + 1)} <= set(ids)


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
        for rule, req in expected.items():
            assert listed[rule]["level"] == req["level"]
            assert listed[rule]["not_tested"] == req.get("not_tested")
            if "not_tested" not in req:
                assert listed[rule]["checks"] and len(listed[rule]["checks"]) == len(
                    _check_ids(req)), rule
        assert entry["tested"] + entry["untested"] == entry["rules"] == len(expected)
        assert entry["untested"] == sum(1 for r in expected.values() if "not_tested" in r)
        present |= set(expected)
    assert report["uncovered"] == [r for r in official_rule_ids() if r not in present]


def test_coverage_text_names_every_untested_rule_with_its_reason():
    result = run_cli("profiles", "coverage", "zrc-1.5")
    assert result.code == 0, result.stderr
    expected = _rule_requirements(PROFILES / "zrc-1.5.yaml")
    for rule, req in expected.items():
        line = next(line for line in result.stdout.splitlines()
                    if line.strip().startswith(rule + " "))
        if "not_tested" in req:
            assert "NOT TESTED: " + req["not_tested"][:40] in line
        else:
            assert f"{len(_check_ids(req))} check(s)" in line
    assert "zrc-021" in expected and "zrc-021" in result.stdout


def test_strict_coverage_fails_when_a_rule_has_no_requirement():
    # zrc-1.5 alone leaves every drc/brc/ztc/ac rule without a requirement
    result = run_cli("profiles", "coverage", "zrc-1.5", "--strict")
    assert result.code == 1
    assert "drc-001" in result.stdout.splitlines()[-1]
