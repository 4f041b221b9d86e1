"""nrc-ontvangen-1.0, the receiving side of notifications: the profile, the reference consumer
and its switches (real HTTP on loopback), the target file's webhook settings, and one whole run
against a consumer named by a target file (not the embedded one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import schemathesis
from conformance_fixtures.reference_consumer import DEFECTS, ReferenceConsumer

from conformance.coverage import profile_coverage
from conformance.engine.data_webhook import callback_url, notification, webhook_path
from conformance.errors import TargetError, UsageError
from conformance.profiles import load_profile
from conformance.specs import load_yaml_spec
from conformance.suites.nrc_consumer import NRC_TEST_MESSAGE
from conformance.targets import load_target_file

PROFILE = "nrc-ontvangen-1.0"
#: rules the facts tag [IMPL] or that C-OAS declares without requiring: SHOULD in the profile
SHOULD = {"nrc-c-002-api-version", "nrc-c-003-403", "nrc-c-009-side-effects", "nrc-c-010"}
NOT_TESTED = {"nrc-c-011", "nrc-c-013", "nrc-c-014", "nrc-c-009-side-effects"}


def test_every_numbered_rule_has_a_requirement():
    profile = load_profile(PROFILE)
    coverage = {r.rule: r for r in profile_coverage(profile).rules}
    assert sorted(coverage) == [f"nrc-c-{n:03d}" for n in range(1, 15)]
    reqs = {r.id: r for r in profile.requirements}
    assert {rid for rid, r in reqs.items() if r.level == "SHOULD"} == SHOULD
    assert {rid for rid, r in reqs.items() if r.not_tested} == NOT_TESTED
    assert all(len(reqs[rid].not_tested) > 80 for rid in NOT_TESTED)
    assert profile.gemma["generic"] and profile.gemma["certifies"] == [
        "Notificaties API-standaard (ontvangen)"]
    # the statuses are the behaviour rules' own: no generic status check counts them again
    checks = {c for r in profile.requirements for ch in r.checks for c in ch.ids()}
    assert "schemathesis:webhook:status_code_conformance" not in checks


@pytest.mark.parametrize(("base", "callback"), [
    ("http://127.0.0.1:1/api/v1/notificaties", "http://127.0.0.1:1/api/v1/notificaties"),
    ("http://127.0.0.1:1/hooks/nrc", "http://127.0.0.1:1/hooks/nrc/"),
    ("http://127.0.0.1:1", "http://127.0.0.1:1/"),
    ("http://127.0.0.1:1", "http://127.0.0.1:1/callback"),
])
def test_the_pinned_path_makes_schemathesis_call_exactly_the_callback(spec_dir, base, callback):
    spec = load_yaml_spec(spec_dir / "notificaties-consumer-1.0.0-rc1.yaml")
    operation = schemathesis.openapi.from_dict(spec)["/{webhooks_path}"]["POST"]
    case = operation.Case(path_parameters={"webhooks_path": webhook_path(base, callback)},
                          body={})
    assert case.as_transport_kwargs(base_url=base)["url"] == callback


def test_callback_url_stays_on_the_webhook_origin():
    base = "http://127.0.0.1:1/hooks"
    assert callback_url(base, {}) == base
    assert callback_url(base, {"callback_url": base + "/"}) == base + "/"
    with pytest.raises(UsageError, match="not on the origin of apis.webhook"):
        callback_url(base, {"callback_url": "http://127.0.0.2:1/hooks/"})


def _target(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "consumer.yaml"
    path.write_text(
        "supplier: {name: Acme, product: Acme Mijn, version: '1'}\nenvironment: test\n"
        f"apis:\n  webhook: {{base_url: '{url}'}}\n"
        "auth: {type: authorization, secret_env: ACME_WEBHOOK_AUTH}\n" + extra, encoding="utf-8")
    return path


def test_target_reads_the_authorization_value_from_the_environment(tmp_path):
    path = _target(tmp_path, "http://127.0.0.1:1/cb", "notifications: {kanalen: [zaken]}\n")
    target = load_target_file(path, {"ACME_WEBHOOK_AUTH": "Token abc123def"})
    assert target.auth.type == "authorization" and target.auth.secret == "Token abc123def"
    assert target.secrets() == ["Token abc123def"] and target.notifications["kanalen"] == ["zaken"]
    assert "Token abc123def" not in json.dumps(target.summary())
    with pytest.raises(TargetError, match="environment variable ACME_WEBHOOK_AUTH, which is not "
                                          "set"):
        load_target_file(path, {})


# --- the reference consumer and its switches, as an NRC sees them ---------------------------------


def _post(consumer: ReferenceConsumer, body, authorization: str | None | bool = True
          ) -> httpx.Response:
    headers = {}
    if authorization is True:
        headers["Authorization"] = consumer.auth_value
    elif isinstance(authorization, str):
        headers["Authorization"] = authorization
    return httpx.post(consumer.callback_url, json=body, headers=headers, timeout=20)


def _valid(kanaal: str = "zaken", **changes):
    import random

    return {**notification(kanaal, random.Random(1)), **changes}


def test_clean_consumer_answers_as_the_consumer_api_prescribes():
    with ReferenceConsumer() as consumer:
        ok = _post(consumer, _valid())
        assert (ok.status_code, ok.content, ok.headers["API-version"]) == (204, b"", "1.0.0-rc1")
        assert _post(consumer, dict(NRC_TEST_MESSAGE)).status_code == 204
        missing = _post(consumer, _valid(), authorization=None)
        assert missing.status_code == 403
        assert missing.headers["content-type"] == "application/problem+json"
        assert _post(consumer, _valid(), consumer.auth_value + "x").status_code == 403
        bad = _post(consumer, _valid(hoofdObject="geen uri"))
        assert bad.status_code == 400
        assert bad.json()["invalid-params"][0]["name"] == "hoofdObject"
        twice = _valid()
        assert [_post(consumer, twice).status_code for _ in range(2)] == [204, 204]
        assert len(consumer.app.received) == 3  # the repeat was not processed again


#: switch -> (request, what the clean consumer answers, what the switch makes it answer)
SWITCHED = {
    "any-authorization": (lambda c: _post(c, _valid(), "Token wrong"), 403, 204),
    "missing-authorization-accepted": (lambda c: _post(c, _valid(), None), 403, 204),
    "authorization-prefix-match": (lambda c: _post(c, _valid(), c.auth_value + "x"), 403, 204),
    "no-format-validation": (lambda c: _post(c, _valid(aanmaakdatum="gisteren")), 400, 204),
    "answers-200": (lambda c: _post(c, _valid()), 204, 200),
    "rejects-unknown-kenmerken": (lambda c: _post(c, _valid(kenmerken={"x": "y"})), 204, 400),
    "rejects-unknown-kanaal": (lambda c: _post(c, dict(NRC_TEST_MESSAGE)), 204, 400),
    "server-error-on-unknown-field": (lambda c: _post(c, _valid(extra="x")), 204, 500),
    "missing-authorization-401": (lambda c: _post(c, _valid(), None), 403, 401),
}


@pytest.mark.parametrize("defect", sorted(SWITCHED))
def test_each_switch_changes_its_answer(defect):
    send, clean, broken = SWITCHED[defect]
    with ReferenceConsumer() as consumer:
        assert send(consumer).status_code == clean
    with ReferenceConsumer(defects=frozenset({defect})) as consumer:
        assert send(consumer).status_code == broken


def test_the_other_switches():
    assert set(DEFECTS) == set(SWITCHED) | {"plain-text-errors", "duplicate-conflict",
                                            "slow-answer", "no-api-version"}
    with ReferenceConsumer(defects=frozenset({"plain-text-errors", "duplicate-conflict",
                                              "no-api-version"})) as consumer:
        refused = _post(consumer, _valid(), None)
        assert refused.headers["content-type"].startswith("text/plain")
        assert "API-version" not in refused.headers
        twice = _valid()
        assert [_post(consumer, twice).status_code for _ in range(2)] == [204, 409]
    # slow-answer is timed by the whole run (tests/test_whole_runs.py); here only its scope
    with ReferenceConsumer(defects=frozenset({"slow-answer"})) as consumer:
        assert _post(consumer, _valid("documenten", actie="update")).elapsed.total_seconds() < 2


def test_run_without_kanalen_or_with_an_unknown_switch_is_a_usage_error(cli, tmp_path):
    with ReferenceConsumer() as consumer:
        path = _target(tmp_path, consumer.callback_url)
        result = cli("run", "--profile", PROFILE, "--target", str(path), "--out",
                     str(tmp_path / "out"), env={"ACME_WEBHOOK_AUTH": consumer.auth_value})
    assert result.code == 2, result.stderr
    assert "names no kanalen the component consumes" in result.stderr
    assert "Traceback" not in result.stderr
    unknown = cli("run", "--profile", PROFILE, "--defect", "auth-bypass")
    assert unknown.code == 2 and "serve-reference --consumer --list-defects" in unknown.stderr
    listed = cli("serve-reference", "--consumer", "--list-defects")
    assert listed.code == 0 and len(listed.stdout.splitlines()) == len(DEFECTS)


@pytest.mark.slow
def test_a_consumer_named_by_a_target_file_is_certified_and_its_value_kept_out(tmp_path):
    """A webhook registered with a trailing slash (notifications.callback_url), the value
    from the environment: conformant, and the value is in no artefact."""
    with ReferenceConsumer(path="/hooks/nrc/", kanalen=("besluiten",)) as consumer:
        base = consumer.callback_url.rstrip("/")
        path = _target(tmp_path, base, "notifications: {kanalen: [besluiten], callback_url: "
                                       f"'{consumer.callback_url}'}}\n")
        out = tmp_path / "out"
        env = {**os.environ, "ACME_WEBHOOK_AUTH": consumer.auth_value}
        proc = subprocess.run([sys.executable, "-m", "conformance", "run", "--profile", PROFILE,
                               "--target", str(path), "--budget", "quick", "--seed", "7",
                               "--out", str(out)], env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        received = list(consumer.app.received)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["verdict"] == "conformant"
    assert {m["kanaal"] for m in received} >= {"besluiten", "test"}
    token = consumer.auth_value.split(" ", 1)[1]
    for artefact in out.rglob("*"):
        if artefact.is_file():
            assert token not in artefact.read_text(encoding="utf-8", errors="replace"), artefact
