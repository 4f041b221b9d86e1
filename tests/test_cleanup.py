"""Removing what a run made, several at a time (conformance/cleanup.py): an object never goes
before the newer objects that refer to it, one of unknown references waits for all newer
ones, and at most the policy's concurrency are removed at once. Checked on the rules alone,
with real threads, and on the reference supplier, which refuses to delete a document a
zaakinformatieobject still relates to (as Open Zaak does)."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator

import pytest
from conformance_fixtures.reference_supplier import ReferenceServer

from conformance.auth import TokenSource
from conformance.cleanup import remove_all, urls_in, waits_for
from conformance.client import ApiClient, Limits
from conformance.external_lists import discover
from conformance.reference import reference_auth, reference_spec_paths, server_credentials
from conformance.safety import SafetyPolicy
from conformance.zgw import Factory, default_headers

Z = "http://s/zaken/api/v1"


def test_urls_in_finds_every_url_at_any_depth_and_nothing_else():
    body = {"zaak": f"{Z}/zaken/1", "titel": "not a url", "n": 3,
            "relevanteAndereZaken": [{"url": f"{Z}/zaken/2", "aardRelatie": "vervolg"}],
            "kenmerken": [["https://x/y"]], "none": None}
    assert urls_in(body) == {f"{Z}/zaken/1", f"{Z}/zaken/2", "https://x/y"}
    assert urls_in("text") == frozenset()


def test_an_object_waits_for_the_newer_ones_that_name_it_and_no_others():
    # newest first: a zaakobject of zaak 1, zaak 2, zaak 1, the zaaktype both name
    urls = [f"{Z}/zaakobjecten/1", f"{Z}/zaken/2", f"{Z}/zaken/1", f"{Z}/zaaktypen/1"]
    refers = {urls[0]: frozenset({urls[2]}), urls[1]: frozenset({urls[3]}),
              urls[2]: frozenset({urls[3]}), urls[3]: frozenset()}
    assert waits_for(urls, refers) == [set(), set(), {0}, {1, 2}]


def test_objects_named_in_one_body_go_newest_first():
    """A status names its zaak and its statustype and cannot be deleted itself: it goes
    with the zaak, so the statustype waits for the zaak (Open Zaak answers 500 to a
    statustype's DELETE while a status of it exists)."""
    urls = [f"{Z}/statussen/1", f"{Z}/zaken/1", "http://s/catalogi/api/v1/statustypen/1"]
    refers = {urls[0]: frozenset(urls[1:]), urls[1]: frozenset(), urls[2]: frozenset()}
    assert waits_for(urls, refers) == [set(), {0}, {0, 1}]


def test_an_object_of_unknown_references_waits_for_all_newer_and_all_older_wait_for_it():
    urls = ["a", "b", "unknown", "c", "d"]
    refers = {"a": frozenset(), "b": frozenset(), "c": frozenset({"d"}), "d": frozenset()}
    assert waits_for(urls, refers) == [set(), set(), {0, 1}, {2}, {2, 3}]


def _recording_remove(log: list[str], lock: threading.Lock, barrier: threading.Barrier | None
                      = None):
    def remove(url: str) -> dict[str, object]:
        if barrier is not None:
            barrier.wait(timeout=30)  # only passes when that many are being removed at once
        with lock:
            log.append(url)
        return {"url": url, "removed": True, "status": 204}
    return remove


def test_one_at_a_time_is_exactly_newest_first():
    urls = [f"{Z}/zaken/{n}" for n in range(6)]
    log: list[str] = []
    reports = remove_all(urls, urls, {}, _recording_remove(log, threading.Lock()), 1)
    assert log == urls and [r["url"] for r in reports] == urls


def test_independent_objects_go_several_at_once_and_reports_keep_the_order():
    """Six objects that name nothing: the barrier only opens when three are being removed
    together, so a pass that sent one at a time would time out here."""
    urls = [f"{Z}/zaken/{n}" for n in range(6)]
    log: list[str] = []
    remove = _recording_remove(log, threading.Lock(), threading.Barrier(3))
    reports = remove_all(urls, urls, {u: frozenset() for u in urls}, remove, 3)
    assert sorted(log) == sorted(urls)
    assert [r["url"] for r in reports] == urls  # newest first, however they finished


def test_no_object_goes_before_a_newer_one_that_names_it():
    rng = random.Random(5)
    urls = [f"{Z}/o/{n}" for n in range(40)]  # newest first
    refers = {u: frozenset(rng.sample(urls[i + 1:], min(2, len(urls) - i - 1)))
              for i, u in enumerate(urls) if i % 7}  # every 7th: references unknown
    log: list[str] = []
    remove_all(urls, urls, refers, _recording_remove(log, threading.Lock()), 4)
    gone = {url: position for position, url in enumerate(log)}
    assert len(gone) == 40
    for newer, named in refers.items():
        assert all(gone[newer] < gone[older] for older in named), newer
    for i, url in enumerate(urls):
        if url not in refers:  # unknown: after every newer one, before every older one
            assert all(gone[u] < gone[url] for u in urls[:i])
            assert all(gone[url] < gone[u] for u in urls[i + 1:])


# -- on the reference supplier --------------------------------------------------------------
@pytest.fixture(scope="module")
def slow_reference(resolver) -> Iterator[ReferenceServer]:
    """The reference supplier answering after 50 ms, its waits counted."""
    auth = reference_auth({})
    with ReferenceServer(**server_credentials(auth), spec_paths=reference_spec_paths(resolver),
                         latency_ms=50) as server:
        yield server, auth


@pytest.fixture
def clients(slow_reference) -> Iterator[dict[str, ApiClient]]:
    """A client per API the factory needs, within a concurrency of 3; closed afterwards."""
    server, auth = slow_reference
    limits = Limits.for_policy({server.base_url}, SafetyPolicy(max_concurrency=3), 30.0, [])
    made = {api: ApiClient(server.api_url(api), limits, TokenSource(auth),
                           default_headers=default_headers(api))
            for api in ("zaken", "catalogi", "documenten", "selectielijst")}
    yield made
    for client in made.values():
        client.close()


def test_a_document_goes_after_every_relation_to_it_and_several_go_at_once(slow_reference,
                                                                           clients,
                                                                           monkeypatch):
    """One document related to four zaken: its DELETE is sent only once every
    zaakinformatieobject naming it is gone (the supplier would refuse it before), while the
    other deletes overlap within the concurrency of 3. Sent one after another in newest-first
    order three at a time, the document would go out beside the last relation."""
    server, _ = slow_reference
    factory = Factory(catalogi=clients["catalogi"], zaken=clients["zaken"],
                      documenten=clients["documenten"], rng=random.Random(3),
                      lists=discover({}, clients))
    types = factory.zaaktype_set()
    document = factory.document(types.informatieobjecttype)["url"]
    made, relations = [document], []
    for _ in range(4):
        zaak = factory.zaak(types.zaaktype)["url"]
        relations.append(factory.zaakinformatieobject(zaak, document)["url"])
        made += [zaak, relations[-1]]
    events: list[tuple[str, str]] = []
    lock = threading.Lock()
    delete = ApiClient.delete

    def recorded(client: ApiClient, url: str, **kw: object):
        with lock:
            events.append(("sent", url))
        try:
            return delete(client, url, **kw)
        finally:
            with lock:
                events.append(("done", url))

    monkeypatch.setattr(ApiClient, "delete", recorded)
    server.latency.max_in_flight = 0
    report = {r["url"]: r for r in factory.cleanup()}
    assert all(report[url]["removed"] for url in made), [report[u] for u in made]
    assert report[document].get("status") == 204
    sent = events.index(("sent", document))
    assert all(events.index(("done", r)) < sent for r in relations), events
    assert 2 <= server.latency.max_in_flight <= 3
    assert factory.created == [] and factory.refers == {}
