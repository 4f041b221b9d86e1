"""The Verwerkingenlogging profile vwl-0.9: its rule coverage, its pinned specs and what it
reports when the target lacks the client with only the normal scopes.

Its whole runs, clean and with the defects of defect_tables.VERWERKINGEN, are in
test_whole_runs.py; the reference supplier's two APIs are tested in test_reference_vwl.py.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from runs import SEED

from conformance.engine.data_verwerkingen import NORMAL_CLIENT, fictional_bsn
from conformance.engine.execute import RunOptions, execute
from conformance.profiles import SchemathesisCheck, SuiteCheck, load_profile
from conformance.reference import SPEC_PROFILES, embedded_target
from conformance.specs import load_standard_spec
from conformance.zgw import rsin_is_valid

PROFILE = "vwl-0.9"
#: the numbered rules of the facts file (§5): A 001-012, B 020-032, C 033-039, D 040-043
RULES = [f"vwl-{n:03d}" for n in [*range(1, 13), *range(20, 44)]]
#: what a black box can see of the log: these rules (or their named parts) must be tested
TESTED = {"vwl-005", "vwl-020", "vwl-021", "vwl-022", "vwl-023", "vwl-024", "vwl-025",
          "vwl-026", "vwl-027", "vwl-028", "vwl-029", "vwl-029-scope", "vwl-030",
          "vwl-030-scope", "vwl-031", "vwl-031-scope", "vwl-033", "vwl-034", "vwl-035",
          "vwl-036", "vwl-037", "vwl-037-scope", "vwl-038", "vwl-040", "vwl-041", "vwl-042",
          "vwl-043"}
#: the parts that need the client with only the normal scopes
SCOPE_RULES = ["vwl-020", "vwl-024", "vwl-029-scope", "vwl-030-scope", "vwl-031-scope",
               "vwl-037-scope"]


def test_profile_covers_every_rule_of_the_standard():
    profile = load_profile(PROFILE)
    assert [s.api for s in profile.tested_standards()] == ["vwl-bewerking", "vwl-inzage"]
    assert {s.version for s in profile.tested_standards()} == {"0.9.0"}
    assert profile.gemma == {"component": "Verwerkingenloggingcomponent",
                             "verplicht": ["Verwerkingenlogging API-standaard"]}
    assert SPEC_PROFILES["vwl-bewerking"] == SPEC_PROFILES["vwl-inzage"] == PROFILE
    reqs = {r.id: r for r in profile.requirements}
    for rule in RULES:
        assert rule in reqs, f"{rule} has no requirement"
        assert reqs[rule].level == "MUST" and reqs[rule].class_ == "basis", rule
    for rid, req in reqs.items():
        if not rid.startswith("vwl-"):
            continue
        if rid in TESTED:
            assert req.checks and not req.not_tested, f"{rid} must be tested"
            assert all(isinstance(c, SuiteCheck) and c.module.startswith(
                "conformance.suites.vwl") for c in req.checks), rid
        else:  # a reason a procurement officer can read, in Dutch (the certificate's language)
            assert req.not_tested and not req.checks, rid
            assert re.search(r"\b(de|het|een|niet)\b", req.not_tested), rid
    oas = {r.id: r for r in profile.requirements if r.id.startswith("VWL-OAS-")}
    assert {rid.removeprefix("VWL-") for rid in oas} == {
        r.id.removeprefix("ZRC-") for r in load_profile("zrc-1.5").requirements
        if r.id.startswith("ZRC-OAS-")} - {"OAS-required-headers"}  # the OAS requires none
    for rid, req in oas.items():  # both APIs, except what only the Bewerking API can show
        apis = {c.api for c in req.checks if isinstance(c, SchemathesisCheck)}
        only_writes = rid in ("VWL-OAS-availability", "VWL-OAS-deletion")
        assert apis == ({"vwl-bewerking"} if only_writes else {"vwl-bewerking", "vwl-inzage"})


def test_adr_rules_say_per_rule_how_they_apply():
    reqs = {r.id: r for r in load_profile(PROFILE).requirements}
    assert reqs["ADR-uri-version"].inherited and "0.9.0" in reqs["ADR-uri-version"].inherited
    assert reqs["ADR-OAS-conformance"].not_tested.startswith("not applicable:")
    for rid in ("ADR-version-header", "ADR-problem-details", "ADR-query-keys-camel-case",
                "ADR-path-segments-kebab-case", "ADR-http-methods", "ADR-date-time-format"):
        assert reqs[rid].checks and reqs[rid].inherited is None and reqs[rid].class_ == "basis"


def test_pinned_specs_are_the_official_files(resolver):
    """The pins (URL, sha256) resolve offline to the files in the spec folder, hash-checked,
    and name what the facts say: OAS 3.0, info.version 0.9.0, the profile's operations."""
    profile = load_profile(PROFILE)
    for std in profile.tested_standards():
        spec = load_standard_spec(std, resolver)
        assert spec["info"]["version"] == "0.9.0" and spec["openapi"].startswith("3.0")
        ids = {op["operationId"] for item in spec["paths"].values() for op in item.values()
               if isinstance(op, dict) and "operationId" in op}
        assert set(std.operations) == ids, std.api  # every operation of each API is in scope
        assert "d195fea2e0d0040cdcbf43d4b9d387465de04e50" in std.openapi.url


def test_fictional_bsns_pass_the_11_test_in_the_test_range():
    import random

    rng = random.Random(1)
    numbers = {fictional_bsn(rng) for _ in range(50)}
    assert all(rsin_is_valid(n) and n.startswith("99999") for n in numbers)
    assert len(numbers) > 40


@pytest.mark.slow
def test_scope_rules_need_a_normal_client(resolver, tmp_path: Path):
    """The profile requires the client with only the normal scopes: without it the scope
    rules were not exercised (undecided, the run incomplete, the client named as missing),
    never passed; with it they pass. Only those rules run."""
    profile = load_profile(PROFILE)
    profile = dataclasses.replace(profile, requirements=[
        r for r in profile.requirements if r.id in SCOPE_RULES])
    options = RunOptions(seed=SEED, budget="quick", out_dir=tmp_path, resolver=resolver)
    with embedded_target(resolver, apis=("vwl-bewerking", "vwl-inzage")) as target:
        assert NORMAL_CLIENT in {c.name for c in target.auth.clients}
        full = execute(profile, target, options)
        target.auth = dataclasses.replace(target.auth, clients=tuple(
            c for c in target.auth.clients if c.name != NORMAL_CLIENT))
        lacking = execute(profile, target, options)
    assert {r.id: r.outcome for r in full.requirements} == dict.fromkeys(SCOPE_RULES, "passed")
    assert full.verdict == "conformant"
    for req in lacking.requirements:
        assert req.outcome == "error", (req.id, req.outcome, req.message)
        assert "not exercised: the target leaves out client vwl-normaal" in req.message, req.id
    assert [m["part"] for m in lacking.missing_parts] == ["client vwl-normaal"]
    assert lacking.verdict == "incomplete"  # nothing decisive was left to decide


@pytest.mark.slow
def test_a_person_with_other_actions_in_the_log_is_no_false_alarm(resolver, tmp_path: Path):
    """A real log keeps every action, and logs each inzage itself (vwl-038): the persons the
    suites draw (fictional BSNs, about 900) soon have actions that are not the test's own.
    The budget-standard false-alarm round found vwl-024 failing on the clean reference for
    one. Here every fictional person has a normal action already; the rules that list a
    person's actions must still pass."""
    import httpx

    from conformance.auth import TokenSource
    from conformance.zgw import rsin_is_valid as valid

    everyone = [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": f"99999{n:04d}"}
                for n in range(10_000) if valid(f"99999{n:04d}")]
    profile = load_profile(PROFILE)
    listing = ["vwl-024", "vwl-026", "vwl-027", "vwl-028"]
    profile = dataclasses.replace(profile, requirements=[
        r for r in profile.requirements if r.id in listing])
    options = RunOptions(seed=SEED, budget="quick", out_dir=tmp_path, resolver=resolver)
    with embedded_target(resolver, apis=("vwl-bewerking", "vwl-inzage")) as target:
        resp = httpx.post(f"{target.apis['vwl-bewerking']}/verwerkingsacties",
                          headers=TokenSource(target.auth).headers(), timeout=30, json={
                              "actieNaam": "Eerdere verwerking", "vertrouwelijkheid": "normaal",
                              "tijdstip": "2026-01-05T12:00:00+01:00",
                              "verwerkteObjecten": everyone})
        assert resp.status_code == 201, resp.text[:300]
        result = execute(profile, target, options)
    assert {r.id: r.outcome for r in result.requirements} == dict.fromkeys(listing, "passed"), [
        (r.id, r.message) for r in result.requirements if r.outcome != "passed"]
