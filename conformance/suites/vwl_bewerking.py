"""Bewerking API: logging a verwerkingsactie and reading the log (vwl-005, vwl-020 ... 028).

Sources (gemma-verwerkingenlogging, commit d195fea): ``docs/api-write/aanvullendespecificatie-
verwerkingsacties-post.md`` and ``-get.md``, the attribute type Moment, OAS-W. Every test logs
its own actions for persons of its own (fictional BSNs), so the supplier's other data cannot
hide or fake a result. The scope rules ask as the target's client with only the normal
scopes (``vwl_normaal``) and are not applicable without one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ..client import ApiClient
from ..engine.data_verwerkingen import ELEMENTS, VerwerkingenLog, moment, person_query
from ._helpers import body_or_none, expect_status, json_object, where
from ._vwl import (
    ACTIES,
    DAY_1,
    DAY_2,
    DAY_3,
    GONE,
    actions,
    changed,
    instant,
    named,
    put_body,
    read,
)

#: how far the log's clock may be from the harness's (tijdstipRegistratie is "now")
CLOCK_SLACK = timedelta(minutes=5)


def _created(resp: Any, what: str) -> dict[str, Any]:
    expect_status(resp, (200, 201), what)  # which 2xx is the contract's business
    return json_object(resp, what)


def test_vwl_005_tijdstip_unconverted(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog
                                      ) -> None:
    """vwl-005: the log keeps a tijdstip as the client wrote it, offset and all ("de provider
    rekent niet om")."""
    person = vwl_log.person()
    sent = "2024-03-20T08:15:30+05:30"
    made = vwl_log.create(vwl_log.body(person, tijdstip=sent))
    listed = named(actions(vwl_bewerking, person, "list of the person"), made["actieNaam"])
    assert listed, f"the new action {made['actieNaam']!r} must be in its person's list"
    for what, rep in (("the answer to the POST", made),
                      ("GET of the new action", read(vwl_bewerking, made["url"], "GET")),
                      ("the list of the person", listed[0])):
        got = instant(rep.get("tijdstip"))
        assert got is not None and got.utcoffset() == timedelta(hours=5, minutes=30) and \
            got.replace(tzinfo=None) == datetime(2024, 3, 20, 8, 15, 30), (
                f"{what}: tijdstip was sent as {sent!r} and must come back unconverted (same "
                f"offset, same local time), got {rep.get('tijdstip')!r}")


def test_vwl_020_confidential_needs_scope(vwl_normaal: dict[str, ApiClient],
                                          vwl_log: VerwerkingenLog) -> None:
    """vwl-020: logging a vertrouwelijke action without create:confidential is refused (403);
    a normal one with create:normal is not."""
    client, person = vwl_normaal["vwl-bewerking"], vwl_log.person()
    ok = client.post(ACTIES, vwl_log.body(person))
    vwl_log.adopt(ok)
    _created(ok, "POST of a normal action by a client with create:normal")
    refused = client.post(ACTIES, vwl_log.body(person, vertrouwelijkheid="vertrouwelijk"))
    vwl_log.adopt(refused)
    expect_status(refused, 403, "POST of a vertrouwelijke action by a client without "
                                "create:confidential")


def test_vwl_021_opgeheven_refused(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog) -> None:
    """vwl-021: a new action may never be 'opgeheven', whatever the client's scopes (403)."""
    resp = vwl_bewerking.post(ACTIES, vwl_log.body(vwl_log.person(),
                                                   vertrouwelijkheid="opgeheven"))
    vwl_log.adopt(resp)
    expect_status(resp, 403, "POST of an action with vertrouwelijkheid 'opgeheven'")


def test_vwl_022_create_echoes_request(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog
                                       ) -> None:
    """vwl-022: the answer to a POST is the new action: its own url and a new actieId, the
    registration time, and every element as sent (unsent ones empty)."""
    person, other = vwl_log.person(), vwl_log.person()
    sent = vwl_log.full_body(person, {**other, "betrokkenheid": "Getuige",
                                      "verwerkteSoortenGegevens": [{"soortGegeven": "BSN"}]})
    before = datetime.now(UTC)
    resp = vwl_bewerking.post(ACTIES, sent)
    vwl_log.adopt(resp)
    made = _created(resp, "POST of an action with every element")
    first = vwl_log.create(vwl_log.body(person))
    assert made.get("actieId") and made.get("actieId") != first.get("actieId"), (
        f"every new action gets its own actieId; got {made.get('actieId')!r} and "
        f"{first.get('actieId')!r}")
    again = read(vwl_bewerking, made["url"], "GET of the url of the new action")
    assert again.get("actieId") == made["actieId"], (
        f"the url {made['url']} must point to the new action {made['actieId']}, it shows "
        f"{again.get('actieId')!r}")
    registered = instant(made.get("tijdstipRegistratie"))
    assert registered is not None and abs(registered - before) < CLOCK_SLACK, (
        f"tijdstipRegistratie must be the time of logging (about {before.isoformat()}), got "
        f"{made.get('tijdstipRegistratie')!r}")
    for name in ELEMENTS:
        same = (instant(made.get(name)) == instant(sent[name]) if name == "tijdstip"
                else made.get(name) == sent[name])
        assert same, (f"the new action must echo {name}={sent[name]!r} as sent, got "
                      f"{made.get(name)!r}")
    objects = made.get("verwerkteObjecten") or []
    echoed = [any(all(o.get(k) == v for k, v in p.items()) for o in objects)
              for p in sent["verwerkteObjecten"]]
    assert all(echoed) and len(objects) == len(echoed) and all(
        o.get("url") and o.get("verwerktObjectId") for o in objects), (
        f"the new action must echo its {len(sent['verwerkteObjecten'])} verwerkte objecten, "
        f"each with its own url and verwerktObjectId; got {objects!r}"[:600])
    unsent = [n for n in ELEMENTS if n not in vwl_log.body(person)
              and first.get(n) not in (None, "")]
    assert not unsent, ("elements that were not sent come back empty ('lege waarden'); "
                        f"these came back with a value: {', '.join(unsent)}")


def test_vwl_023_registration_time_set_by_log(vwl_bewerking: ApiClient,
                                              vwl_log: VerwerkingenLog) -> None:
    """vwl-023: tijdstipRegistratie is set by the log, never taken from the client."""
    sent = "2001-02-03T04:05:06+00:00"
    resp = vwl_bewerking.post(ACTIES, {**vwl_log.body(vwl_log.person()),
                                       "tijdstipRegistratie": sent})
    vwl_log.adopt(resp)
    if resp.status_code == 400:
        return  # refusing the read-only value stores nothing either
    made = _created(resp, "POST of an action with a tijdstipRegistratie of the client's own")
    for what, rep in (("the answer", made), ("GET", read(vwl_bewerking, made["url"], "GET"))):
        got = instant(rep.get("tijdstipRegistratie"))
        assert got is not None and got != instant(sent) and \
            abs(got - datetime.now(UTC)) < CLOCK_SLACK, (
                f"{what}: the client sent tijdstipRegistratie {sent!r}; the log sets it itself "
                f"(now), got {rep.get('tijdstipRegistratie')!r}")


def test_vwl_024_read_normal_must_ask_normaal(vwl_bewerking: ApiClient,
                                              vwl_normaal: dict[str, ApiClient],
                                              vwl_log: VerwerkingenLog) -> None:
    """vwl-024: with only read:normal the list must be asked with vertrouwelijkheid=normaal,
    else 403."""
    client, person = vwl_normaal["vwl-bewerking"], vwl_log.person()
    normal = vwl_log.create(vwl_log.body(person))
    secret = vwl_log.create(vwl_log.body(person, vertrouwelijkheid="vertrouwelijk"))
    query = person_query(person)
    for extra, why in (({}, "without vertrouwelijkheid"),
                       ({"vertrouwelijkheid": ["normaal", "vertrouwelijk"]},
                        "with vertrouwelijkheid normaal and vertrouwelijk")):
        expect_status(client.get(ACTIES, params={**query, **extra}), 403,
                      f"GET /{ACTIES} by a client with only read:normal, {why}")
    listed = actions(client, person, "GET by a client with only read:normal, "
                     "vertrouwelijkheid=normaal", vertrouwelijkheid="normaal")
    # the person may have other actions: the log logs every inzage of them itself (vwl-038),
    # and it keeps them after other tests and runs; only the test's own two are judged here
    shown = [(i.get("actieNaam"), i.get("vertrouwelijkheid"))
             for i in named(listed, normal["actieNaam"], secret["actieNaam"])]
    assert shown == [(normal["actieNaam"], "normaal")], (
        f"with read:normal and vertrouwelijkheid=normaal the person's normal action must be "
        f"listed and their vertrouwelijke one not; got {shown}")
    levels = sorted({str(i.get("vertrouwelijkheid")) for i in listed} - {"normaal"})
    assert not levels, (
        f"with read:normal and vertrouwelijkheid=normaal only normal actions may be listed; "
        f"the list also holds actions that are {levels}")


def test_vwl_025_period_filter(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog) -> None:
    """vwl-025: the list holds actions with beginDatum <= tijdstip < eindDatum."""
    person = vwl_log.person()
    made = {day: vwl_log.create(vwl_log.body(person, tijdstip=moment(day)))["actieNaam"]
            for day in (DAY_1, DAY_2, DAY_3)}
    for begin, end, expected in ((DAY_2, DAY_3, [DAY_2]), (DAY_1, DAY_2, [DAY_1]),
                                 (DAY_2, None, [DAY_2, DAY_3])):
        params = {"beginDatum": begin.isoformat(), **({"eindDatum": end.isoformat()} if end
                                                      else {})}
        listed = actions(vwl_bewerking, person, f"list with {params}", **params)
        got = sorted(day for day, name in made.items() if named(listed, name))
        assert got == expected, (
            f"GET /{ACTIES} with {params} (begin inclusive, end exclusive) must list the "
            f"actions of {[d.isoformat() for d in expected]}, got {[d.isoformat() for d in got]}")


def test_vwl_026_person_filter(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog) -> None:
    """vwl-026: the person filter selects actions and, within them, only that person's
    verwerkte objecten."""
    one, two = vwl_log.person(), vwl_log.person()
    shared = vwl_log.create(vwl_log.body(one, two))["actieNaam"]
    theirs = vwl_log.create(vwl_log.body(two))["actieNaam"]
    listed = actions(vwl_bewerking, one, "list of one person")
    assert named(listed, shared) and not named(listed, theirs), (
        f"the list of person {one['objectId']} must hold the action they are in and not the "
        f"other person's own action; got {[i.get('actieNaam') for i in listed]}")
    shown = {o.get("objectId") for i in named(listed, shared)
             for o in i.get("verwerkteObjecten") or []}
    assert shown == {one["objectId"]}, (
        f"within the listed action only person {one['objectId']}'s verwerkt object may be "
        f"shown, got objects of {sorted(map(str, shown))}")


def test_vwl_027_activiteit_and_vertrouwelijkheid_filters(vwl_bewerking: ApiClient,
                                                          vwl_log: VerwerkingenLog) -> None:
    """vwl-027: verwerkingsactiviteitId filters exactly; vertrouwelijkheid (an array in the
    OAS, sent repeated) lists actions with one of its values."""
    person, first, second = vwl_log.person(), vwl_log.uuid(), vwl_log.uuid()
    normal = vwl_log.create(vwl_log.body(person, verwerkingsactiviteitId=first))["actieNaam"]
    secret = vwl_log.create(vwl_log.body(person, verwerkingsactiviteitId=second,
                                         vertrouwelijkheid="vertrouwelijk"))["actieNaam"]
    for params, present, absent in (
            ({"verwerkingsactiviteitId": first}, [normal], [secret]),
            ({"vertrouwelijkheid": "vertrouwelijk"}, [secret], [normal]),
            ({"vertrouwelijkheid": ["normaal", "vertrouwelijk"]}, [normal, secret], [])):
        listed = actions(vwl_bewerking, person, f"list with {params}", **params)
        got = {i.get("actieNaam") for i in listed}
        assert set(present) <= got and not set(absent) & got, (
            f"GET /{ACTIES} with {params} must list {present} and not {absent}, got "
            f"{sorted(map(str, got))}")


def test_vwl_028_reads_show_current_version(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog
                                            ) -> None:
    """vwl-028: reads show only the current, not vervallen version of each action."""
    person = vwl_log.person()
    old = vwl_log.create(vwl_log.full_body(person))
    new_name = f"Gewijzigd {vwl_log.tag()}"
    put = vwl_bewerking.put(old["url"], put_body(old, actieNaam=new_name))
    vwl_log.adopt(put)
    changed(put, "PUT of an action (to make a second version)")
    gone = vwl_log.create(vwl_log.body(person))
    changed(vwl_bewerking.delete(gone["url"]), "DELETE of an action")
    listed = actions(vwl_bewerking, person, "list after a PUT and a DELETE")
    versions = named(listed, old["actieNaam"], new_name)
    assert [i.get("actieNaam") for i in versions] == [new_name], (
        f"after the PUT the list must show the action once, in its new version "
        f"({new_name!r}); got versions {[i.get('actieNaam') for i in versions]}")
    assert not named(listed, gone["actieNaam"]), (
        "a deleted (vervallen) action must no longer be listed, but it is")
    current = read(vwl_bewerking, body_or_none(put)["url"], "GET of the changed action")
    assert current.get("actieNaam") == new_name, (
        f"GET {where(put)} must show the current version ({new_name!r}), got "
        f"{current.get('actieNaam')!r}")
    expect_status(vwl_bewerking.get(gone["url"]), GONE, "GET of a deleted (vervallen) action")
