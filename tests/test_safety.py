"""The safety policy of a target file, enforced by the one client layer (issue 6).

Request budget, requests per second, allowed methods, production read-only, the run's time
bound, the refusal of origins outside the target before any socket is opened, and the same
policy on the contract pass's `requests` traffic (schemathesis) as on the harness's own httpx
traffic. Real HTTP against the hostile test server on loopback.
"""

from __future__ import annotations

import copy
import json
import sys
import time
from pathlib import Path

import pytest
from conformance_fixtures.hostile import METADATA_URL, HostileServer
from conformance_fixtures.hostile.faults import OPENAPI

from conformance.cli import main
from conformance.client import (
    ApiClient,
    BudgetExhausted,
    Limits,
    MethodRefused,
    OutsideTargetError,
    PolicyAdapter,
    PolicyRefusal,
    RunDeadlineReached,
    TargetFailing,
    json_too_deep,
    policy_sessions,
)
from conformance.engine.budget import budget
from conformance.engine.contract import ContractSettings, run_contract
from conformance.errors import TargetError
from conformance.safety import READ_ONLY_METHODS, SafetyPolicy
from conformance.targets import load_target_file, origin_of

PROBE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile" / "probe.yaml"
TARGET_HEAD = 'supplier: {name: S, product: P, version: "1"}\n'

_CONNECTS: list[object] = []
_RECORDING = False


def _audit(event: str, args: tuple) -> None:
    if _RECORDING and event == "socket.connect":
        _CONNECTS.append(args[1])


sys.addaudithook(_audit)


def _target(tmp_path: Path, base_url: str, environment: str = "test", extra: str = "") -> Path:
    path = tmp_path / "target.yaml"
    path.write_text(f"{TARGET_HEAD}environment: {environment}\napis:\n"
                    f"  api: {{base_url: {base_url}}}\n{extra}", encoding="utf-8")
    return path


def _limits(server: HostileServer, **policy) -> Limits:
    return Limits.for_policy({origin_of(server.base_url)}, SafetyPolicy(**policy), 2.0, [])


# --- the target file ---------------------------------------------------------------------------


def test_safety_section_is_read_and_production_is_read_only(tmp_path):
    path = _target(tmp_path, "http://127.0.0.1:9/api/v1", "production",
                   "safety: {request_budget: 50, requests_per_second: 2.5, "
                   "allowed_methods: [GET, POST, DELETE], run_timeout_s: 120, mask_bsn: false}\n"
                   "tls: {insecure: true}\n")
    policy = load_target_file(path).safety
    assert (policy.request_budget, policy.requests_per_second, policy.run_timeout_s) == (
        50, 2.5, 120.0)
    assert policy.methods == {"GET"}  # production: read-only whatever the file allows
    assert "production" in policy.refusal("POST") and policy.refusal("GET") is None
    assert policy.insecure_tls and not policy.mask_bsn
    summary = policy.summary()
    assert summary["allowed_methods"] == ["GET"] and summary["environment"] == "production"
    default = load_target_file(_target(tmp_path, "http://127.0.0.1:9/x")).safety
    assert default == SafetyPolicy() and "DELETE" in default.methods


@pytest.mark.parametrize("section, where", [
    ("safety: {request_budget: 0}\n", "request_budget"),
    ("safety: {allowed_methods: [TRACE]}\n", "allowed_methods"),
    ("safety: {requests_per_second: -1}\n", "requests_per_second"),
    ("safety: {budget: 5}\n", "budget"),
    ("tls: {insecure: maybe}\n", "insecure"),
])
def test_bad_safety_sections_are_clear_errors(tmp_path, section, where, capsys):
    path = _target(tmp_path, "http://127.0.0.1:9/x", extra=section)
    with pytest.raises(TargetError, match=where):
        load_target_file(path)
    assert main(["run", "--profile", str(PROBE), "--target", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "target.yaml:" in err and "Traceback" not in err


# --- the client layer ----------------------------------------------------------------------------


def test_outside_origin_is_refused_before_any_socket():
    global _RECORDING
    with HostileServer() as server:
        limits = _limits(server)
        client = ApiClient(server.api_url, limits, None)
        _CONNECTS.clear()
        _RECORDING = True
        try:
            for url in (METADATA_URL, "http://127.0.0.2:8080/api/v1/items",
                        server.base_url.replace("127.0.0.1", "localhost") + "/api/v1"):
                with pytest.raises(OutsideTargetError, match="not followed"):
                    client.get(url)
                with policy_sessions(limits):
                    from schemathesis.transport.requests import SameHostRedirectsSession

                    session = SameHostRedirectsSession()
                    with pytest.raises(PolicyRefusal, match="origin is not one of"):
                        session.get(url)
        finally:
            _RECORDING = False
        assert _CONNECTS == [] and server.requests == 0
        assert isinstance(OutsideTargetError("x"), AssertionError)  # a finding, not a crash
        client.close()


def test_the_contract_pass_sessions_close_their_connections_when_it_ends():
    """schemathesis leaves sessions open; their kept-alive sockets go when the pass ends."""
    from schemathesis.transport.requests import SameHostRedirectsSession

    with HostileServer() as server:
        with policy_sessions(_limits(server)):
            session = SameHostRedirectsSession()
            assert session.get(server.api_url + "/items").status_code == 200
            adapter = session.get_adapter(server.api_url)
            assert isinstance(adapter, PolicyAdapter) and len(adapter.poolmanager.pools) == 1
        assert len(adapter.poolmanager.pools) == 0


def test_budget_methods_deadline_and_failing_target():
    with HostileServer() as server:
        client = ApiClient(server.api_url, _limits(server, request_budget=2), None)
        client.get("items")
        client.get("items")
        with pytest.raises(BudgetExhausted):
            client.get("items")
        prod = ApiClient(server.api_url, _limits(server, environment="production"), None)
        with pytest.raises(MethodRefused, match="production"):
            prod.post("items", {"naam": "x"})
        narrow = ApiClient(server.api_url, _limits(server, allowed_methods=frozenset({"GET"})),
                           None)
        with pytest.raises(MethodRefused, match="allowed_methods"):
            narrow.delete("items/a1")
        assert [m for m, _ in server.seen] == ["GET", "GET"]  # nothing refused reached it
        late = Limits.for_policy({origin_of(server.base_url)}, SafetyPolicy(), 2.0, [],
                                 run_seconds=0)
        time.sleep(0.01)
        with pytest.raises(RunDeadlineReached):
            ApiClient(server.api_url, late, None).get("items")
        failing = _limits(server)
        for _ in range(failing.max_consecutive_failures):
            failing.outcome(failed=True)
        with pytest.raises(TargetFailing, match="in a row"):
            ApiClient(server.api_url, failing, None).get("items")


def test_requests_per_second_holds():
    with HostileServer() as server:
        client = ApiClient(server.api_url, _limits(server, requests_per_second=20), None)
        started = time.monotonic()
        for _ in range(6):
            client.get("items")
        assert time.monotonic() - started >= 5 / 20 - 0.01
        # The limiter spaces request *starts*; the server sees them with scheduling jitter (a
        # late arrival followed by a punctual one shortens one gap), so allow 20 ms of jitter
        # per pair. Unpaced, the six requests arrive within a few milliseconds of each other.
        arrivals = server.arrivals
        assert len(arrivals) == 6
        for i, earlier in enumerate(arrivals):
            for j in range(i + 1, len(arrivals)):
                assert arrivals[j] - earlier >= (j - i) / 20 - 0.02, (i, j, arrivals)


def test_no_bsn_masking_is_recorded_and_printed_on_the_certificate(tmp_path, capsys):
    """Evidence with BSNs is personal data: whoever keeps the files must be told."""
    with HostileServer() as server:
        path = _target(tmp_path, server.api_url)
        for flag in ([], ["--no-bsn-masking"]):
            out = tmp_path / f"out{len(flag)}"
            assert main(["run", "--profile", str(PROBE), "--target", str(path), "--budget",
                         "quick", "--seed", "1", "--out", str(out), *flag]) == 0
            results = json.loads((out / "results.json").read_text(encoding="utf-8"))
            page = (out / "certificate.html").read_text(encoding="utf-8")
            assert results["run"]["safety"]["mask_bsn"] is not bool(flag)
            assert ("in het bewijs zijn NIET gemaskeerd" in page) is bool(flag)
    capsys.readouterr()


def test_json_depth_guard():
    assert json_too_deep(b"[" * 600 + b"]" * 600)
    assert not json_too_deep(b'{"a": "' + b"[" * 600 + b'"}')  # brackets inside a string
    assert not json_too_deep(json.dumps({"a": [[[1]]]}).encode())


# --- the contract pass obeys the same policy ---------------------------------------------------


def _settings(server: HostileServer, limits: Limits) -> ContractSettings:
    return ContractSettings(
        api="api", base_url=server.api_url, operations=[], checks={"not_a_server_error"},
        seed=1, budget=budget("quick"), headers={}, profile_checks={}, spec_gaps=[],
        secrets=[], request_timeout_s=2.0, limits=limits)


def test_contract_pass_in_production_sends_no_write_and_counts_every_request():
    spec = copy.deepcopy(OPENAPI)
    spec["paths"]["/items"]["post"] = {
        "operationId": "createItem",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"naam": {"type": "string"}}}}}},
        "responses": {"201": {"description": "made"}, "405": {"description": "no"}}}
    with HostileServer() as server:
        limits = _limits(server, environment="production")
        outcome = run_contract(spec, _settings(server, limits), None)
        methods = {m for m, _ in server.seen}
        assert server.requests > 0 and methods <= READ_ONLY_METHODS, methods
        assert limits.requests_sent == server.requests  # schemathesis sent through the layer
        assert outcome.tally("listItems", "not_a_server_error").applied > 0
        # the write the policy kept out is listed as left out, with the reason
        assert "createItem" not in outcome.scope
        why = outcome.excluded["createItem"]
        assert "GET" in why["en"] and why["nl"].startswith("niet verzonden: het veiligheidsbeleid")


def test_contract_pass_stops_at_the_budget_and_is_undecided(tmp_path):
    with HostileServer() as server:
        path = _target(tmp_path, server.api_url, extra="safety: {request_budget: 4}\n")
        code = main(["run", "--profile", str(PROBE), "--target", str(path), "--budget", "quick",
                     "--seed", "1", "--timeout", "2", "--out", str(tmp_path / "out")])
        assert code == 3
        assert server.requests <= 4
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["verdict"] == "incomplete" and results["run"]["safety"]["request_budget"] == 4
    assert any("request budget of 4 used up" in n for n in results["run"]["notes"])
    assert results["run"]["requests"] <= 4


@pytest.mark.slow
def test_run_time_bound_stops_a_trickling_supplier(tmp_path):
    """--timeout 30 per request, but the run may take 3 s: the run bound wins."""
    with HostileServer("trickle-body") as server:
        path = _target(tmp_path, server.api_url, extra="safety: {run_timeout_s: 3}\n")
        started = time.monotonic()
        code = main(["run", "--profile", str(PROBE), "--target", str(path), "--budget", "quick",
                     "--seed", "1", "--timeout", "30", "--out", str(tmp_path / "out")])
        took = time.monotonic() - started
    assert code == 3 and took < 15, took
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["verdict"] == "incomplete"
    assert "time bound" in json.dumps(results["run"]["notes"])


# --- the cleanup report ---------------------------------------------------------------------------


@pytest.mark.slow
def test_cleanup_report_lists_what_the_run_made_and_whether_it_went(resolver, tmp_path):
    """zrc-1.5 cut down to zrc-001: the preparation and the suite test both create objects."""
    import dataclasses

    from conformance.engine.execute import RunOptions, execute
    from conformance.profiles import load_profile
    from conformance.reference import embedded_target
    from conformance.results import write_results

    profile = load_profile("zrc-1.5")
    profile = dataclasses.replace(profile, requirements=[
        r for r in profile.requirements if r.id == "zrc-001"])
    with embedded_target(resolver, frozenset()) as target:
        result = execute(profile, target, RunOptions(seed=1, budget="quick", out_dir=tmp_path,
                                                     resolver=resolver))
    assert result.verdict == "conformant", result.verdict_reason
    cleanup = result.run["cleanup"]
    kinds = {c["url"].split("/api/v1/")[1].split("/")[0] for c in cleanup}
    assert {"zaken", "zaaktypen"} <= kinds, kinds  # the suite's zaak, the preparation's types
    assert any(c["removed"] and c.get("status") in (200, 204) for c in cleanup)
    assert all(isinstance(c["removed"], bool) for c in cleanup)
    assert any(n.startswith("suites cleanup:") for n in result.run["notes"])
    write_results(result, tmp_path / "results.json")  # the schema knows run.cleanup/safety
