"""Notifications: the harness's loopback webhook receiver and the reference supplier's
publishing and routing. The whole runs where notification defects flip their requirements
(defect_tables.NOTIFICATIONS) are in test_whole_runs.py.

Everything is real: the supplier on loopback, the receiver a real HTTP server, deliveries real
POSTs from the supplier's background worker.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conformance_fixtures.reference_supplier import ReferenceServer
from conformance_fixtures.reference_supplier.notify import channels
from conformance_fixtures.reference_supplier.spec import load_specs

from conformance.auth import TokenSource
from conformance.client import ApiClient, Limits
from conformance.engine.attribute import attribute
from conformance.engine.data_notificaties import subscribe, subscribed_receiver
from conformance.engine.suites import run_suites
from conformance.engine.webhook import CallbackSettings, WebhookReceiver
from conformance.errors import TargetError
from conformance.external_lists import discover
from conformance.profiles import load_profile
from conformance.reference import DEFAULT_CLIENT_ID, reference_spec_paths
from conformance.targets import AuthConfig, load_target_file, origin_of
from conformance.zgw import Factory

SECRET = "notifications-test-secret-of-some-length"
TIMEOUT_S = 10.0


# -- the receiver ---------------------------------------------------------------------------------
def test_receiver_accepts_only_its_auth_value_and_bounds_what_it_keeps():
    with WebhookReceiver(max_messages=3, max_body=200) as receiver:
        url = receiver.callback_url
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0/")
        right = {"Authorization": receiver.auth_value}
        assert httpx.post(url, json={"kanaal": "zaken"}, headers=right).status_code == 204
        wrong = httpx.post(url, json={"kanaal": "zaken"}, headers={"Authorization": "Bearer x"})
        assert wrong.status_code == 403
        assert httpx.post(url, json={"kanaal": "zaken"}).status_code == 401  # no header
        assert receiver.messages() == [{"kanaal": "zaken"}]
        assert [d.reason.split(" ")[0] for d in receiver.rejected] == ["wrong", "missing"]
        assert receiver.rejected[0].authorization == "Bearer x"
        big = httpx.post(url, content=b"{" + b" " * 300 + b"}", headers=right)
        assert big.status_code == 400 and len(receiver.rejected) == 2  # not even recorded
        assert httpx.post(url, json={"n": 4}, headers=right).status_code == 429  # 4th message
        assert receiver.dropped == 1 and len(receiver.accepted) == 1
    with pytest.raises(httpx.ConnectError):
        httpx.post(url, json={}, headers=right, timeout=2)  # stopped: nothing listens


def test_receiver_settings_come_from_the_target_file():
    settings = CallbackSettings.from_target({"callback_host": "localhost", "port": 0})
    with WebhookReceiver(settings) as receiver:
        assert receiver.callback_url.startswith("http://localhost:")
        assert httpx.post(receiver.callback_url, json={"a": "b"},
                          headers={"Authorization": receiver.auth_value}).status_code == 204
        assert receiver.wait_for(lambda m: m == {"a": "b"}, 2) == [{"a": "b"}]


def test_target_file_names_where_the_supplier_reaches_the_receiver(tmp_path: Path):
    path = tmp_path / "target.yaml"
    path.write_text(
        "supplier: {name: Acme, product: Acme NRC, version: '1'}\nenvironment: test\n"
        "apis: {notificaties: {base_url: 'http://127.0.0.1:8000/notificaties/api/v1'}}\n"
        "notifications: {callback_host: localhost, port: 0}\n", encoding="utf-8")
    target = load_target_file(path)
    assert CallbackSettings.from_target(target.notifications) == CallbackSettings(
        listen_host="127.0.0.1", port=0, callback_host="localhost")
    path.write_text(path.read_text(encoding="utf-8").replace("port: 0", "port: -1"),
                    encoding="utf-8")
    with pytest.raises(TargetError, match="port"):
        load_target_file(path)


# -- the reference supplier -----------------------------------------------------------------------
def test_channels_are_read_from_each_source_oas(resolver):
    specs = load_specs(reference_spec_paths(resolver))  # parsed once per process (cached)
    (zaken,) = channels(specs["zaken"])
    assert (zaken.naam, zaken.main_resource) == ("zaken", "zaak")
    assert zaken.kenmerken == ("bronorganisatie", "zaaktype", "vertrouwelijkheidaanduiding")
    assert zaken.publishes("status", "create") and not zaken.publishes("status", "destroy")
    assert zaken.publishes("zaak", "partial_update") and not zaken.publishes("zaak", "list")
    assert [c.naam for c in channels(specs["catalogi"])] == [
        "zaaktypen", "besluittypen", "informatieobjecttypen"]
    assert channels(specs["notificaties"]) == []  # the NRC itself publishes nothing


@pytest.fixture(scope="module")
def supplier(resolver) -> Iterator[ReferenceServer]:
    with ReferenceServer(spec_paths=reference_spec_paths(resolver), client_id=DEFAULT_CLIENT_ID,
                         secret=SECRET) as server:
        yield server


@pytest.fixture
def clients(supplier: ReferenceServer) -> Iterator[dict[str, ApiClient]]:
    limits = Limits(origins={origin_of(supplier.base_url)}, timeout_s=10)
    tokens = TokenSource(AuthConfig("jwt-zgw", DEFAULT_CLIENT_ID, SECRET))
    made = {api: ApiClient(supplier.api_url(api), limits, tokens,
                           default_headers={"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}
                           if api == "zaken" else {})
            for api in ("zaken", "catalogi", "documenten", "besluiten", "notificaties",
                        "selectielijst")}
    yield made
    for client in made.values():
        client.close()


@pytest.fixture
def factory(clients: dict[str, ApiClient]) -> Iterator[Factory]:
    made = Factory(catalogi=clients["catalogi"], zaken=clients["zaken"],
                   documenten=clients["documenten"], besluiten=clients["besluiten"],
                   rng=random.Random(7), lists=discover({}, clients))
    yield made
    made.cleanup()


def test_writes_arrive_with_the_right_kanaal_and_kenmerken(clients, factory):
    nrc = clients["notificaties"]
    kanalen = ["zaken", "documenten", "besluiten", "zaaktypen", "nope"]
    with subscribed_receiver(nrc, CallbackSettings(), kanalen) as inbox:
        assert inbox.kanalen == ["zaken", "documenten", "besluiten", "zaaktypen"]
        types = factory.zaaktype_set()
        zaak = factory.zaak(types.zaaktype, vertrouwelijkheidaanduiding="intern")
        status = factory.status(zaak["url"], types.statustypen[0])
        (made,) = inbox.wait_for(lambda m: m["resourceUrl"] == zaak["url"], TIMEOUT_S)
        assert made["kanaal"] == "zaken" and made["actie"] == "create"
        assert made["hoofdObject"] == zaak["url"] and made["resource"] == "zaak"
        assert made["kenmerken"] == {"bronorganisatie": zaak["bronorganisatie"],
                                     "zaaktype": types.zaaktype,
                                     "vertrouwelijkheidaanduiding": "intern"}
        (sub,) = inbox.wait_for(lambda m: m["resourceUrl"] == status["url"], TIMEOUT_S)
        assert (sub["resource"], sub["hoofdObject"]) == ("status", zaak["url"])
        assert sub["kenmerken"] == made["kenmerken"]
        document = factory.document(types.informatieobjecttype)
        (doc,) = inbox.wait_for(lambda m: m["resourceUrl"] == document["url"], TIMEOUT_S)
        assert doc["kanaal"] == "documenten"
        assert doc["kenmerken"]["informatieobjecttype"] == types.informatieobjecttype
        besluittype = factory.besluittype(types.catalogus, [types.informatieobjecttype])["url"]
        besluit = factory.besluit(besluittype)
        (brc,) = inbox.wait_for(lambda m: m["resourceUrl"] == besluit["url"], TIMEOUT_S)
        assert (brc["kanaal"], brc["resource"]) == ("besluiten", "besluit")
        assert brc["kenmerken"] == {"verantwoordelijkeOrganisatie":
                                    besluit["verantwoordelijkeOrganisatie"],
                                    "besluittype": besluittype}
        (ztc,) = inbox.wait_for(lambda m: m["resourceUrl"] == types.zaaktype
                                and m["actie"] == "create", TIMEOUT_S)
        assert (ztc["kanaal"], ztc["resource"]) == ("zaaktypen", "zaaktype")
        assert ztc["kenmerken"] == {"catalogus": types.catalogus}
        assert all(d.authorization == inbox.auth_value for d in inbox.accepted)
        assert not inbox.rejected
    left = [a for a in nrc.get("abonnement").json() if a["callbackUrl"] == inbox.callback_url]
    assert left == []  # unsubscribed when the block ended


def test_routing_follows_filters_and_a_dead_subscriber_never_blocks_a_write(clients, factory):
    nrc = clients["notificaties"]
    types = factory.zaaktype_set()
    wanted = factory.rsin()
    with WebhookReceiver() as dead:
        subscribe(factory, nrc, dead, [{"naam": "zaken"}])
    # ``dead`` is stopped now: deliveries to it are refused and retried in the background
    with WebhookReceiver() as filtered:
        subscribe(factory, nrc, filtered, [{"naam": "zaken",
                                            "filters": {"bronorganisatie": wanted}}])
        for overrides in ({}, {"bronorganisatie": wanted}):
            started = time.monotonic()
            made = factory.zaak(types.zaaktype, **overrides)
            assert time.monotonic() - started < 1.0  # the write does not wait for deliveries
        got = filtered.wait_for(lambda m: m["resourceUrl"] == made["url"], TIMEOUT_S)
        assert [m["kenmerken"]["bronorganisatie"] for m in got] == [wanted]
        filtered.settle(0.5)
        assert [m["kenmerken"]["bronorganisatie"] for m in filtered.messages()] == [wanted]
    bad = nrc.post("abonnement", {"callbackUrl": "http://192.0.2.1/hook", "auth": "x",
                                  "kanalen": [{"naam": "zaken", "filters": {"onbekend": "1"}}]})
    assert bad.status_code == 400
    assert {p["name"] for p in bad.json()["invalidParams"]} == {"callbackUrl",
                                                                "kanalen.0.filters"}


# -- runs -----------------------------------------------------------------------------------------
def test_without_a_notificaties_api_the_requirements_are_not_applicable(tmp_path: Path):
    """The notification checks skip as 'not applicable' (never passed, never undecided)."""
    profile = load_profile("zrc-1.5")
    refs = ["conformance.suites.notifications:test_zaken_writes_are_notified",
            "conformance.suites.notifications:test_zaken_notification_kenmerken",
            "conformance.suites.notifications:test_catalogi_writes_are_notified"]
    context = {"apis": {"zaken": "http://127.0.0.1:9/zaken/api/v1"}, "auth_type": "none",
               "seed": 1, "environment": "test", "fixtures": {}, "tested_apis": ["zaken"]}
    outcome = run_suites(refs, context, None, tmp_path / "work", None, "no NRC")
    assert not outcome.errors, outcome.errors
    results, _ = attribute(profile, {}, outcome, None)
    catalogi, _ = attribute(load_profile("ztc-1.3"), {}, outcome, None)
    by_id = {r.id: r for r in results + catalogi}
    for rid in ("ZRC-notificaties", "ZRC-notificaties-kenmerken", "ZTC-notificaties"):
        assert by_id[rid].outcome == "skipped", rid
        assert by_id[rid].not_tested.startswith(
            "not applicable: the target leaves out API notificaties"), \
            by_id[rid].not_tested
    json.dumps([r.id for r in results])  # plain data

