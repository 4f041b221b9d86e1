"""Requests in flight at once (issue 13): the target's safety.max_concurrency bounds all of a
run's traffic together, and the contract pass runs operations concurrently, each operation on a
fork of its API's data adapter so that none locks, updates or deletes what another uses.

Concurrency is asserted on the reference supplier's own count of requests waiting together
(its latency middleware), never on wall time.
"""

from __future__ import annotations

import random
import threading
from types import SimpleNamespace

import pytest
import requests
from conformance_fixtures.reference_supplier import ReferenceServer

from conformance.cli import main
from conformance.client import ApiClient, Limits, PolicyAdapter
from conformance.engine.adapters import DataAdapter, Forks
from conformance.engine.beside import BesideContract
from conformance.engine.execute import RunOptions, execute
from conformance.engine.progress import Progress
from conformance.engine.suites import SuiteOutcome
from conformance.profiles import load_profile
from conformance.reference import (
    APIS,
    LIST_APIS,
    reference_auth,
    reference_spec_paths,
    server_credentials,
)
from conformance.safety import SafetyPolicy
from conformance.targets import Supplier, Target
from conformance.zgw import Factory

BASE = "http://127.0.0.1:1/zaken/api/v1"
PREPARED = f"{BASE}/zaken/00000000-0000-0000-0000-000000000001"
#: a small anonymous list the reference supplier serves itself
PROCESTYPEN = "/selectielijst/api/v1/procestypen"
PROCESTYPEN_URL = f"http://127.0.0.1:1{PROCESTYPEN}"


class _ZaakAdapter(DataAdapter):
    """An adapter whose ``make`` makes a zaak (counted, no server): enough to see where a
    fork points its cases."""

    def make(self, case: object) -> bool:
        number = len(self.factory.created) + 2
        url = f"{BASE}/zaken/00000000-0000-0000-0000-{number:012d}"
        self.factory.created.append((None, url))  # type: ignore[arg-type]
        self.remember({"url": url})
        return True

    def kept(self) -> set[str]:
        return {PREPARED}


def _adapter(seed: int = 7) -> _ZaakAdapter:
    adapter = _ZaakAdapter(factory=Factory(catalogi=None, rng=random.Random(seed)),  # type: ignore[arg-type]
                           rng=random.Random(seed))
    adapter.remember({"url": PREPARED})
    return adapter


class _Case(SimpleNamespace):
    """What the adapters read of a schemathesis case, for one zaak path."""

    @property
    def formatted_path(self) -> str:
        return f"/zaken/{self.path_parameters['uuid']}"


def _case(method: str, operation_id: str, *, uuid: str = "generated", phase: str = "fuzzing",
          case_id: str = "c1") -> _Case:
    path = "/zaken/{uuid}"
    schema = SimpleNamespace(get_base_url=lambda: BASE)
    return _Case(
        id=case_id, method=method, path_parameters={"uuid": uuid},
        operation=SimpleNamespace(path=path, schema=schema, label=f"{method} {path}",
                                  definition=SimpleNamespace(raw={"operationId": operation_id})),
        meta=SimpleNamespace(phase=SimpleNamespace(name=SimpleNamespace(value=phase)),
                             is_negative_at=lambda location: False))


def _path(case: _Case) -> str:
    return f"{BASE}/zaken/{case.path_parameters['uuid']}"


def test_a_fork_shares_the_record_of_what_was_made_and_nothing_it_works_on():
    adapter = _adapter()
    fork = adapter.fork("zaak_update")
    assert fork.factory is not adapter.factory  # its own random choices ...
    assert fork.factory.created is adapter.factory.created  # ... one list to clean up
    assert fork.pointed is adapter.pointed  # the collector reads one set
    assert fork.owners == adapter.owners and fork.owners is not adapter.owners
    assert fork.common == {PREPARED}
    assert adapter.common == frozenset()  # the adapter itself is no fork


def test_a_forks_write_gets_an_object_of_its_own_and_a_read_may_use_the_common_one():
    adapter = _adapter()
    update = adapter.fork("zaak_update")
    case = _case("PUT", "zaak_update")
    update.positive_path(case)
    assert _path(case) != PREPARED and _path(case) in update.owners
    assert case.id in update.pointed
    assert len(adapter.factory.created) == 1  # made through the shared record
    read = adapter.fork("zaak_read")
    case = _case("GET", "zaak_read", case_id="c2")
    read.positive_path(case)
    assert _path(case) == PREPARED
    one_worker = _adapter()  # without forks the write goes to the prepared zaak, as before
    case = _case("PUT", "zaak_update", case_id="c3")
    one_worker.positive_path(case)
    assert _path(case) == PREPARED and one_worker.factory.created == []


def test_a_fork_never_deletes_a_common_object():
    """schemathesis fills generated paths with ids it saw in answers: a DELETE the adapter
    left as generated can name the prepared zaak, which the other operations use."""
    fork = _adapter().fork("zaak_delete")
    case = _case("DELETE", "zaak_delete", uuid=PREPARED.rsplit("/", 1)[-1])
    fork.pointed.add(case.id)
    fork.spare_common(case)
    assert _path(case) != PREPARED and case.id not in fork.pointed
    own = _case("DELETE", "zaak_delete", case_id="c2")
    fork.positive_path(own)
    mine = own.path_parameters["uuid"]
    fork.spare_common(own)
    assert own.path_parameters["uuid"] == mine and own.id in fork.pointed


def test_a_fork_deletes_only_what_it_pointed_its_delete_at():
    """An id schemathesis reused from another fork's answer can name the object that fork
    claimed for its writes (nrc-1.0, budget standard, concurrency 4: an abonnement deleted
    under a running PATCH, whose valid request then got a 404). A fork's DELETE that the
    adapter did not point names nothing instead; an id that is no UUID is the case's
    invalid input and stays."""
    adapter = _adapter()
    claimed = _offered(adapter, f"{BASE}/zaken/00000000-0000-0000-0000-0000000000cc")
    update = adapter.fork("zaak_update")
    write = _case("PATCH", "zaak_partial_update")
    update.positive_path(write)
    assert _path(write) == claimed
    delete = adapter.fork("zaak_delete")
    reused = _case("DELETE", "zaak_delete", uuid=claimed.rsplit("/", 1)[-1], case_id="c2")
    delete.spare_common(reused)
    assert _path(reused) not in (claimed, PREPARED) and reused.id not in delete.pointed
    invalid = _case("DELETE", "zaak_delete", uuid="null,null", case_id="c3")
    delete.spare_common(invalid)
    assert invalid.path_parameters["uuid"] == "null,null"
    one_worker = _adapter()  # without forks nothing runs under a write: the case is as made
    alone = _case("DELETE", "zaak_delete", uuid=claimed.rsplit("/", 1)[-1], case_id="c4")
    one_worker.spare_common(alone)
    assert _path(alone) == claimed


def test_forks_choose_by_seed_and_operation_not_by_which_thread_came_first():
    first, second = _adapter(seed=7), _adapter(seed=7)
    draws = [first.fork("zaak_update").rng.random(), first.fork("zaak_read").rng.random()]
    assert draws == [second.fork("zaak_update").rng.random(),
                     second.fork("zaak_read").rng.random()]
    assert draws[0] != draws[1]
    assert _adapter(seed=8).fork("zaak_update").rng.random() != draws[0]


def test_the_stateful_phase_uses_the_adapter_with_what_the_forks_made():
    adapter = _adapter()
    forks = Forks(adapter)
    update = forks.for_case(_case("PUT", "zaak_update"))
    assert forks.for_case(_case("PUT", "zaak_update", case_id="c2")) is update
    update.positive_path(_case("PUT", "zaak_update", case_id="c3"))
    made = next(url for url in update.owners if url != PREPARED)
    assert made not in adapter.owners
    assert forks.for_case(_case("GET", "zaak_read", phase="stateful")) is adapter
    assert made in adapter.owners and PREPARED in adapter.owners


class _Created(SimpleNamespace):
    """A 201 answer carrying the object it made."""

    status_code = 201

    def json(self) -> dict[str, str]:
        return {"url": self.url}


def _offered(adapter: DataAdapter, url: str) -> str:
    """``url``, as the answer to a create in the adapter's create fork: offered to the
    other forks for their writes."""
    post = _case("POST", "zaak_create")
    post.path_parameters = {}
    adapter.fork("zaak_create").answered(post, _Created(url=url))
    return url


def test_what_one_forks_create_made_is_claimed_by_one_other_fork_for_a_write():
    """An update or delete takes an object a create made before making one of its own (as
    one worker reuses what the pass made), and no two forks get the same one."""
    adapter = _adapter()
    made = _offered(adapter, f"{BASE}/zaken/00000000-0000-0000-0000-0000000000aa")
    update, delete = adapter.fork("zaak_update"), adapter.fork("zaak_delete")
    first = _case("PUT", "zaak_update")
    update.positive_path(first)
    assert _path(first) == made and adapter.factory.created == []  # claimed, not made
    second = _case("DELETE", "zaak_delete", case_id="c2")
    delete.positive_path(second)
    assert _path(second) not in (made, PREPARED)  # made its own: the claimed one is taken
    assert len(adapter.factory.created) == 1


def test_an_object_a_fork_deleted_is_not_handed_to_the_stateful_phase():
    """A generated DELETE can remove what another fork made (ids seen in answers): whatever
    fork remembers it, the adapter the stateful phase uses does not point a case at it."""
    adapter = _adapter()
    forks = Forks(adapter)
    create = forks.for_case(_case("POST", "zaak_create"))
    made = f"{BASE}/zaken/00000000-0000-0000-0000-0000000000bb"
    create.remember({"url": made})
    delete = forks.for_case(_case("DELETE", "zaak_delete"))
    delete.answered(_case("DELETE", "zaak_delete", uuid=made.rsplit("/", 1)[-1]),
                    SimpleNamespace(status_code=204))
    assert forks.for_case(_case("GET", "zaak_read", phase="stateful")) is adapter
    assert made not in adapter.owners and made in adapter.gone


@pytest.fixture(scope="module")
def slow_reference(resolver):
    """The reference supplier answering after 50 ms, its waits counted."""
    auth = reference_auth({})
    with ReferenceServer(**server_credentials(auth), spec_paths=reference_spec_paths(resolver),
                         latency_ms=50) as server:
        yield server, auth


def _limits(server: ReferenceServer, concurrency: int) -> Limits:
    policy = SafetyPolicy(max_concurrency=concurrency)
    return Limits.for_policy({server.base_url}, policy, 30.0, [])


def _at_once(send, threads: int = 8) -> None:
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def one() -> None:
        try:
            barrier.wait(timeout=30)
            send()
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors


@pytest.mark.parametrize("concurrency", [1, 3])
def test_the_api_client_keeps_to_the_concurrency_of_the_policy(slow_reference, concurrency):
    server, _ = slow_reference
    server.latency.max_in_flight = 0
    limits = _limits(server, concurrency)
    client = ApiClient(server.base_url, limits, None)
    _at_once(lambda: client.get(PROCESTYPEN))
    client.close()
    assert server.latency.max_in_flight == concurrency
    assert limits.requests_sent == 8


def test_the_contract_transport_keeps_to_the_same_bound(slow_reference):
    """schemathesis's requests go through PolicyAdapter: the same Limits, the same places."""
    server, _ = slow_reference
    server.latency.max_in_flight = 0
    limits = _limits(server, 2)

    def send() -> None:
        with requests.Session() as session:
            session.mount("http://", PolicyAdapter(limits))
            assert session.get(f"{server.base_url}{PROCESTYPEN}").status_code == 200

    _at_once(send)
    assert server.latency.max_in_flight == 2


def _target(server: ReferenceServer, auth, concurrency: int) -> Target:
    return Target(
        supplier=Supplier("Referentieleverancier", "concurrency test", "embedded"),
        environment="test", apis={api: server.api_url(api) for api in (*APIS, *LIST_APIS)},
        auth=auth, source="test target", embedded_reference=True,
        safety=SafetyPolicy(max_concurrency=concurrency))


def test_a_run_sends_up_to_its_concurrency_and_stays_conformant(slow_reference, resolver,
                                                               tmp_path):
    """ac-1.0 (one API, suites included) with 3 places: requests really overlap, never more
    than 3 at once, and the clean supplier is conformant."""
    server, auth = slow_reference
    server.latency.max_in_flight = 0
    result = execute(load_profile("ac-1.0"), _target(server, auth, 3),
                     RunOptions(seed=7, budget="quick", out_dir=tmp_path, resolver=resolver))
    assert result.verdict == "conformant", [
        (r.id, r.message) for r in result.requirements if r.outcome in ("failed", "error")]
    assert 2 <= server.latency.max_in_flight <= 3
    assert result.run["safety"]["max_concurrency"] == 3


def test_read_only_checks_run_beside_the_contract_pass_within_the_same_places(resolver,
                                                                             tmp_path):
    """vwl-0.9 includes the API Design Rules, whose tests only read: with 2 places they run
    in a child beside the contract pass (not in the suites after it), never more than 2
    requests are in flight, and they are decided and logged like any suite test."""
    auth = reference_auth({})
    phases: list[tuple[str, int | None]] = []
    progress = Progress(lambda event, p: phases.append((p.message, p.total))
                        if event == "phase" else None)
    with ReferenceServer(**server_credentials(auth), spec_paths=reference_spec_paths(resolver),
                         latency_ms=5) as server:  # 5 ms: just enough to count the overlap
        result = execute(load_profile("vwl-0.9"), _target(server, auth, 2),
                         RunOptions(seed=7, budget="quick", out_dir=tmp_path,
                                    resolver=resolver), progress)
    assert result.verdict == "conformant", [
        (r.id, r.message) for r in result.requirements if r.outcome in ("failed", "error")]
    assert server.latency.max_in_flight <= 2
    adr = {c.id for r in result.requirements for c in r.checks
           if c.kind == "suite" and ".adr:" in c.id}
    outcomes = {c.id: c.outcome for r in result.requirements for c in r.checks}
    assert len(adr) == 15
    # the one the profile marks inherited (the standard's paths carry no version) fails
    assert outcomes.pop("suite:conformance.suites.adr:test_uri_version") == "failed"
    assert outcomes.pop("suite:conformance.suites.adr:test_tls") == "skipped"  # plain http
    assert {outcomes[c] for c in adr if c in outcomes} == {"passed"}
    contract = [m for m, _ in phases if m.startswith("contract pass over")]
    assert contract and all(m.endswith("; 15 read-only tests beside it)") for m in contract)
    suites = [total for m, total in phases if m.startswith("business-rule suites")]
    all_suite_tests = {c.id for r in result.requirements for c in r.checks if c.kind == "suite"}
    assert suites == [len(all_suite_tests) - 15]  # the others, after the contract pass
    assert {"suites:beside-contract", "suites"} <= set(result.run["timings"])
    assert (tmp_path / "report-beside-contract.html").exists()


def test_a_lent_place_leaves_the_run_one_place_less_and_its_share_of_rate_and_budget():
    limits = Limits(origins={"http://127.0.0.1:1"}, request_budget=100,
                    policy=SafetyPolicy(max_concurrency=2, requests_per_second=10))
    limits.requests_sent = 20
    with limits.lend_place() as (policy, budget):
        assert (policy.max_concurrency, policy.requests_per_second, budget) == (1, 5, 40)
        assert limits.budget_left() == 40  # 80 left, half of it set aside for the borrower
        with limits.in_flight():  # the one place this process kept ...
            assert not limits._in_flight.acquire(blocking=False)  # ... is all it has
        limits.admit(PROCESTYPEN_URL)
        first = limits._next_slot
        limits.admit(PROCESTYPEN_URL)
        assert limits._next_slot - first == pytest.approx(1 / 5)  # paced at its 5 per second
    limits.requests_elsewhere = 30  # what the borrower sent, counted once it ended
    assert limits.budget_left() == 100 - 22 - 30
    assert limits._in_flight.acquire(blocking=False) and limits._in_flight.acquire(blocking=False)


def test_a_run_with_one_place_has_none_to_lend():
    with pytest.raises(ValueError, match="none to lend"), \
            Limits(origins=set(), policy=SafetyPolicy(max_concurrency=1)).lend_place():
        pass


def test_leaving_the_contract_pass_early_stops_the_child_beside_it_and_returns_its_place():
    limits = Limits(origins=set(), policy=SafetyPolicy(max_concurrency=2))
    started, stopped = threading.Event(), []

    def child(policy: SafetyPolicy, budget: int | None, stop: threading.Event) -> SuiteOutcome:
        started.set()
        stopped.append(stop.wait(30))
        return SuiteOutcome({}, [], 0.0, None)

    with pytest.raises(KeyboardInterrupt), BesideContract(limits, child):
        assert started.wait(10)
        raise KeyboardInterrupt
    assert stopped == [True]
    assert limits._in_flight.acquire(blocking=False) and limits._in_flight.acquire(blocking=False)


def test_the_child_beside_the_contract_pass_counts_against_the_budget_once_it_ends():
    limits = Limits(origins=set(), request_budget=10, policy=SafetyPolicy(max_concurrency=2))

    def child(policy: SafetyPolicy, budget: int | None, stop: threading.Event) -> SuiteOutcome:
        assert budget == 5
        return SuiteOutcome({"m:t": []}, [], 0.0, None, requests=4)

    with BesideContract(limits, child) as beside:
        outcome = beside.outcome()
    assert outcome.records == {"m:t": []} and limits.budget_left() == 6


def test_concurrency_above_the_targets_bound_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ACME_SECRET", "acme-secret-0123456789abcdefghijklmnop")
    target = tmp_path / "target.yaml"
    target.write_text(
        "supplier: {name: Acme, product: Zaken, version: \"1\"}\nenvironment: test\n"
        "apis: {zaken: {base_url: 'http://127.0.0.1:9/zaken/api/v1'}}\n"
        "auth: {type: jwt-zgw, client_id: acme, secret_env: ACME_SECRET}\n"
        "safety: {max_concurrency: 2}\n", encoding="utf-8")
    code = main(["run", "--target", str(target), "--concurrency", "3", "--out",
                 str(tmp_path / "out"), "--budget", "quick"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "--concurrency 3 is more than" in err and "safety.max_concurrency: 2" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["0", "65", "four"])
def test_a_concurrency_out_of_range_is_refused(cli, value):
    res = cli("run", "--concurrency", value)
    assert res.code == 2 and "Traceback" not in res.stderr
    assert "argument --concurrency" in res.stderr and "from 1 to 64" in res.stderr


def test_the_target_file_bounds_max_concurrency(tmp_path):
    from conformance.errors import TargetError
    from conformance.targets import load_target_file

    path = tmp_path / "target.yaml"
    base = ("supplier: {name: Acme, product: Zaken, version: \"1\"}\nenvironment: test\n"
            "apis: {zaken: {base_url: 'http://127.0.0.1:9/zaken/api/v1'}}\n"
            "auth: {type: jwt-zgw, client_id: acme, secret_env: ACME_SECRET}\n")
    path.write_text(base, encoding="utf-8")
    assert load_target_file(path, environ={"ACME_SECRET": "x" * 40}).safety.max_concurrency == 4
    path.write_text(base + "safety: {max_concurrency: 0}\n", encoding="utf-8")
    with pytest.raises(TargetError, match="max_concurrency"):
        load_target_file(path, environ={"ACME_SECRET": "x" * 40})


def test_the_target_schema_and_the_safety_policy_agree_on_the_bounds():
    """target.schema.json is written by hand: its bound and stated default for
    max_concurrency must be the ones safety.py enforces and falls back to."""
    from conformance.safety import DEFAULT_MAX_CONCURRENCY, MAX_CONCURRENCY
    from conformance.targets import _schema

    declared = _schema()["properties"]["safety"]["properties"]["max_concurrency"]
    assert (declared["minimum"], declared["maximum"]) == (1, MAX_CONCURRENCY)
    assert f"default {DEFAULT_MAX_CONCURRENCY};" in declared["description"]


def test_what_a_delete_took_with_it_is_gone_for_every_fork():
    """Deleting a zaak removes its sub-objects on the target (the standard's cascade): one a
    create offered to the forks is no longer theirs to claim, and none is handed back."""
    adapter = _adapter()
    zaak = f"{BASE}/zaken/00000000-0000-0000-0000-0000000000cc"
    status = f"{BASE}/statussen/00000000-0000-0000-0000-0000000000cd"
    deleting = adapter.fork("zaak_delete")
    deleting.remember({"url": zaak})
    adapter.spare[status] = {"url": status, "zaak": zaak}  # a fork's create offered it
    other = f"{BASE}/statussen/00000000-0000-0000-0000-0000000000ce"
    adapter.spare[other] = {"url": other, "zaak": PREPARED}
    deleting.answered(_case("DELETE", "zaak_delete", uuid=zaak.rsplit("/", 1)[-1]),
                      SimpleNamespace(status_code=204))
    assert {zaak, status} <= adapter.gone and status not in adapter.spare
    assert other in adapter.spare and other not in adapter.gone  # another zaak's: still there


def test_threads_parse_python_one_at_a_time_where_python_needs_it():
    """CPython 3.11 breaks an ast.parse that runs beside another (gh-106905); hypothesis
    parses filter lambdas while the contract pass's workers build strategies."""
    import ast
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from conformance.engine import ast_guard

    ast_guard.install()
    ast_guard.install()  # once is enough: no lock around a lock
    guarded = getattr(ast.parse, "_one_at_a_time", False)
    assert guarded == (sys.version_info < (3, 12))
    if guarded:
        assert not getattr(ast.parse.__wrapped__, "_one_at_a_time", False)
    source = "(" * 50 + "x" + ")" * 50
    with ThreadPoolExecutor(4) as pool:
        trees = list(pool.map(lambda _: ast.parse(source, mode="eval"), range(200)))
    assert all(isinstance(t.body, ast.Name) for t in trees)


@pytest.mark.parametrize("concurrency", [1, 4])
def test_several_workers_take_operations_as_they_come_one_keeps_the_dependency_layers(
        concurrency):
    """With several workers no phase waits for schemathesis's dependency layers (the adapters
    give every operation objects of its own); one worker keeps them, as before issue 13."""
    from schemathesis.config import OperationOrdering

    from conformance.engine.budget import budget
    from conformance.engine.contract import ContractSettings, _config

    limits = Limits(origins=set(), policy=SafetyPolicy(max_concurrency=concurrency))
    settings = ContractSettings(api="zaken", base_url="http://127.0.0.1", operations=[],
                                checks=set(), seed=1, budget=budget("quick"), headers={},
                                profile_checks={}, spec_gaps=[], secrets=[], limits=limits)
    config = _config(settings).projects.default
    assert config.workers == concurrency
    wanted = OperationOrdering.NONE if concurrency > 1 else OperationOrdering.AUTO
    for name in ("examples", "coverage", "fuzzing"):
        assert getattr(config.phases, name).operation_ordering == wanted, name
