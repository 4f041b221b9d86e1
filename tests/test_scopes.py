"""The authorisation rules (zrc-006, zrc-007/-008 scopes, ztc-014, drc-009 forced unlock).

They need a second, restricted client and an Autorisaties API. The runs here take only those
requirements from their real profiles (zrc-1.5, ztc-1.3, drc-1.4; same check references), so a
run costs the suites alone: the clean reference supplier passes them; the defect switch flips
exactly zrc-006; a target without a second client, or without an Autorisaties API, gets them
reported not tested with the reason, never passed.
"""

from __future__ import annotations

import dataclasses
import functools
from contextlib import contextmanager
from pathlib import Path

import pytest
from defect_tables import SCOPES
from runs import SEED, assert_clean, assert_defect

from conformance.engine.execute import RunOptions, execute
from conformance.profiles import Profile, load_profile
from conformance.reference import embedded_target
from conformance.results import RunResult
from conformance.targets import AuthConfig, ExtraClient, load_target_file

SCOPE_RULES = {"zrc-1.5": ["zrc-006", "zrc-007-scope", "zrc-008-scope"],
               "ztc-1.3": ["ztc-014"], "drc-1.4": ["drc-009-scope"]}
ALL_RULES = {r for rules in SCOPE_RULES.values() for r in rules}


@functools.cache
def scope_profile() -> Profile:
    """zrc-1.5 reduced to the scope rules of the three profiles (their own entries).

    No contract pass runs, so the Zaken spec is taken from the target (JSON) rather than
    parsed from the pinned YAML: the same document, a tenth of the CPU.
    """
    profile = load_profile("zrc-1.5")
    picked = []
    for pid, rules in SCOPE_RULES.items():
        reqs = {r.id: r for r in load_profile(pid).requirements}
        picked += [reqs[rule] for rule in rules]
    zaken = dataclasses.replace(profile.standards["zaken"], from_target=True, refs=[])
    return dataclasses.replace(profile, requirements=picked,
                               standards={**profile.standards, "zaken": zaken})


@contextmanager
def _target(resolver, defect_names=frozenset(), *, clients=True, ac=True):
    with embedded_target(resolver, frozenset(defect_names)) as target:
        if not clients:
            target.auth = dataclasses.replace(target.auth, clients=())
        if not ac:
            target.apis = {k: v for k, v in target.apis.items() if k != "autorisaties"}
        yield target


def _run(resolver, out: Path, *defect_names: str, **kw) -> RunResult:
    with _target(resolver, defect_names, **kw) as target:
        return execute(scope_profile(), target, RunOptions(seed=SEED, budget="quick",
                                                           out_dir=out, resolver=resolver))


def test_profiles_test_every_scope_rule():
    for pid, rules in SCOPE_RULES.items():
        reqs = {r.id: r for r in load_profile(pid).requirements}
        for rule in rules:
            assert reqs[rule].checks and not reqs[rule].not_tested, f"{pid}: {rule}"
            assert all(c.ref.startswith("conformance.suites.scopes:")
                       for c in reqs[rule].checks), rule


def test_target_file_names_extra_clients(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "supplier: {name: Acme, product: Zaken, version: '1'}\nenvironment: test\n"
        "apis: {zaken: {base_url: 'http://127.0.0.1:9/zaken/api/v1'}}\n"
        "auth:\n  type: jwt-zgw\n  client_id: main\n  secret_env: MAIN_SECRET\n"
        "  clients:\n    - {name: restricted, client_id: limited, secret_env: LIMITED_SECRET}\n",
        encoding="utf-8")
    target = load_target_file(path, {"MAIN_SECRET": "m" * 20, "LIMITED_SECRET": "l" * 20})
    assert target.auth.clients == (ExtraClient("restricted", "limited", "l" * 20,
                                               "env:LIMITED_SECRET"),)
    assert "l" * 20 in target.secrets()  # redacted from every artefact like the main secret
    assert "l" * 20 not in repr(target.auth)
    from conformance.errors import TargetError
    with pytest.raises(TargetError, match="LIMITED_SECRET"):
        load_target_file(path, {"MAIN_SECRET": "m" * 20})
    assert AuthConfig("none").clients == ()


@pytest.mark.slow
def test_clean_reference_supplier_passes_the_scope_rules(resolver, tmp_path):
    result = _run(resolver, tmp_path)
    assert_clean(result)
    assert {r.id for r in result.requirements if r.outcome == "passed"} == ALL_RULES


@pytest.mark.slow
@pytest.mark.parametrize("defect", sorted(SCOPES))
def test_each_defect_fails_exactly_its_rule(resolver, tmp_path, defect):
    must_fail, may_fail = SCOPES[defect]
    assert_defect(_run(resolver, tmp_path, defect), defect, must_fail, may_fail)


@pytest.mark.slow
@pytest.mark.parametrize("missing", ["clients", "ac"])
def test_without_second_client_or_ac_the_rules_are_not_tested(resolver, tmp_path, missing):
    """Never passed: the profiles require both, so each rule is undecided (not exercised),
    with the part the target leaves out and what to add."""
    result = _run(resolver, tmp_path, **{missing: False})
    reqs = {r.id: r for r in result.requirements}
    assert set(reqs) == ALL_RULES
    part = "client restricted" if missing == "clients" else "API autorisaties"
    for rule, req in reqs.items():
        assert req.outcome == "error" and not req.not_tested, (rule, req.outcome, req.message)
        assert req.message.startswith(f"not exercised: the target leaves out {part}"), \
            req.message
        assert ("second client" if missing == "clients" else "Autorisaties API") in \
            req.message, req.message
    assert result.verdict == "incomplete", result.verdict_reason  # never conformant
    assert part in result.verdict_reason, result.verdict_reason


def test_supplier_authorises_each_client_by_its_own_applicatie(spec_dir):
    """The reference supplier: each client's token is verified with that client's own secret,
    and a client without an applicatie may do nothing until one names it."""
    import httpx
    from conformance_fixtures.reference_supplier import ReferenceServer

    from conformance.auth import jwt_zgw_token

    files = {"zaken": "zaken-1.5.1.yaml", "catalogi": "catalogi-1.3.1.yaml",
             "documenten": "documenten-1.4.2.yaml", "autorisaties": "autorisaties-1.0.0.yaml"}
    main, other = ("main", "m" * 32), ("other", "o" * 32)
    with ReferenceServer(spec_paths={api: spec_dir / f for api, f in files.items()},
                         client_id=main[0],
                         secret=main[1], clients=dict([other])) as srv:
        def get(api: str, path: str, client: tuple[str, str], secret: str | None = None):
            token = jwt_zgw_token(client[0], secret or client[1])
            return httpx.get(f"{srv.api_url(api)}/{path}",
                             headers={"Authorization": f"Bearer {token}",
                                      "Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"})

        assert get("zaken", "zaken", main).status_code == 200
        wrong = get("zaken", "zaken", other, secret=main[1])  # signed with another's secret
        assert wrong.status_code == 403 and wrong.json()["code"] == "invalid-jwt-signature"
        assert get("zaken", "zaken", other).status_code == 403  # known, but no applicatie
        body = {"clientIds": [other[0]], "label": "test", "heeftAlleAutorisaties": False,
                "autorisaties": [{"component": "ztc", "scopes": ["catalogi.lezen"]}]}
        made = httpx.post(f"{srv.api_url('autorisaties')}/applicaties", json=body,
                          headers={"Authorization": f"Bearer {jwt_zgw_token(*main)}"})
        assert made.status_code == 201, made.text
        assert get("catalogi", "zaaktypen", other).status_code == 200
        assert get("zaken", "zaken", other).status_code == 403  # no Zaken API scope
        consumer = get("autorisaties", f"applicaties/consumer?clientId={other[0]}", main)
        assert [a["url"] for a in consumer.json()] == [made.json()["url"]]
