"""Inzage API: what the log shows a data subject (vwl-033 ... vwl-038).

Sources: ``docs/api-read/aanvullendespecificatie-verwerkteobjecten-get.md``, the scopes page
of the Inzage API, artefacts C3677, F4086, F2008, B9177, and OAS-R. The harness logs what it
inspects through the Bewerking API first (actions on days far from today, so the log's own
record of each inzage, dated today, never falls in a checked period). It calls the Inzage
API as a consumer must: with its OIN and verwerkingsactiviteit in the headers.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from ..client import ApiClient
from ..engine.data_verwerkingen import CONSUMER_HEADERS, VerwerkingenLog, moment, person_query
from ._helpers import expect_status
from ._vwl import (
    ACTIES,
    DAY_1,
    DAY_2,
    DAY_3,
    GONE,
    OBJECTEN,
    actions,
    changed,
    named,
    objects,
    put_body,
)

BEGIN, END = DAY_1 - timedelta(1), DAY_3 + timedelta(1)  # a period around every test action
HIDDEN = ("systeem", "gebruiker", "gegevensbron")
LOGGED_WAIT_S = 5.0  # a log may record the inzage a moment later


def _embedded_persons(items: list[dict[str, Any]]) -> set[str]:
    return {str(o.get("objectId")) for i in items
            for o in (i.get("verwerkingsactie") or {}).get("verwerkteObjecten") or []
            if isinstance(o, dict)}


def test_vwl_033_period_required_and_applied(vwl_inzage: ApiClient, vwl_log: VerwerkingenLog
                                             ) -> None:
    """vwl-033: a period is required, and only objects of actions with beginDatum <= tijdstip
    < eindDatum are shown."""
    person = vwl_log.person()
    made = {day: vwl_log.create(vwl_log.body(person, tijdstip=moment(day)))["actieNaam"]
            for day in (DAY_1, DAY_2, DAY_3)}
    listed = objects(vwl_inzage, person, DAY_2, DAY_3, "inzage of one period")
    got = sorted(day for day, name in made.items() if named(listed, name))
    assert got == [DAY_2], (
        f"GET /{OBJECTEN} with beginDatum {DAY_2} and eindDatum {DAY_3} (begin inclusive, end "
        f"exclusive) must show the action of {DAY_2} only, got {[d.isoformat() for d in got]}")
    for left_out in ("beginDatum", "eindDatum"):
        query = {**person_query(person), "beginDatum": DAY_1.isoformat(),
                 "eindDatum": DAY_3.isoformat()}
        query.pop(left_out)
        expect_status(vwl_inzage.get(OBJECTEN, params=query), 400,  # its form: vwl-041
                      f"GET /{OBJECTEN} without {left_out} (a period is required)")


def test_vwl_034_only_the_data_subject(vwl_inzage: ApiClient, vwl_log: VerwerkingenLog) -> None:
    """vwl-034: only the asked person's objects are shown, also of an action shared with
    others; verwerkingsactiviteitId narrows the list."""
    one, two = vwl_log.person(), vwl_log.person()
    first, second = vwl_log.uuid(), vwl_log.uuid()
    shared = vwl_log.create(vwl_log.body(one, two, tijdstip=moment(DAY_2),
                                         verwerkingsactiviteitId=first))
    theirs = vwl_log.create(vwl_log.body(two, tijdstip=moment(DAY_2)))["actieNaam"]
    mine = vwl_log.create(vwl_log.body(one, tijdstip=moment(DAY_2),
                                       verwerkingsactiviteitId=second))["actieNaam"]
    listed = objects(vwl_inzage, one, BEGIN, END, "inzage of a person")
    persons = {str(i.get("objectId")) for i in listed} | _embedded_persons(listed)
    assert persons <= {one["objectId"]}, (
        f"the inzage of person {one['objectId']} may show no one else, but shows objects of "
        f"{sorted(persons - {one['objectId']})}")
    assert named(listed, shared["actieNaam"]) and named(listed, mine) and not named(
        listed, theirs), (
        "the inzage must show the person's own object in the shared action and in their own "
        f"action, and not the other person's action; got "
        f"{[(i.get('verwerkingsactie') or {}).get('actieNaam') for i in listed]}")
    narrowed = objects(vwl_inzage, one, BEGIN, END, "inzage with verwerkingsactiviteitId",
                       verwerkingsactiviteitId=first)
    assert named(narrowed, shared["actieNaam"]) and not named(narrowed, mine), (
        f"with verwerkingsactiviteitId={first} only the action of that activiteit may be "
        "shown")
    own = next(o for o in shared["verwerkteObjecten"] if o.get("objectId") == one["objectId"])
    resp = vwl_inzage.get(f"{OBJECTEN}/{own['verwerktObjectId']}")
    expect_status(resp, 200, "GET of the person's verwerkt object in the shared action")
    persons = {str(resp.json().get("objectId"))} | _embedded_persons([resp.json()])
    assert persons == {one["objectId"]}, (
        f"GET of person {one['objectId']}'s object may show no other person, shows "
        f"{sorted(persons)}")


def test_vwl_035_no_systeem_gebruiker_gegevensbron(vwl_inzage: ApiClient,
                                                   vwl_log: VerwerkingenLog) -> None:
    """vwl-035: systeem, gebruiker and gegevensbron are never shown."""
    person = vwl_log.person()
    sent = vwl_log.full_body(person, tijdstip=moment(DAY_2))
    action = vwl_log.create(sent)
    secrets = [sent[name] for name in HIDDEN]
    listed = vwl_inzage.get(OBJECTEN, params={**person_query(person), "beginDatum": str(BEGIN),
                                              "eindDatum": str(END)})
    single = vwl_inzage.get(f"{OBJECTEN}/{action['verwerkteObjecten'][0]['verwerktObjectId']}")
    for resp in (listed, single):
        expect_status(resp, 200, "inzage of a person")
        shown = [value for value in secrets if value in resp.text]
        assert not shown, (
            f"the Inzage API must never show systeem, gebruiker or gegevensbron, but "
            f"{resp.request.method} {resp.request.url.path} shows {shown}")


def test_vwl_036_only_current_versions(vwl_bewerking: ApiClient, vwl_inzage: ApiClient,
                                       vwl_log: VerwerkingenLog) -> None:
    """vwl-036: only objects of current, not vervallen actions are shown."""
    person = vwl_log.person()
    old = vwl_log.create(vwl_log.full_body(person, tijdstip=moment(DAY_2)))
    new_name = f"Gewijzigd {vwl_log.tag()}"
    put = vwl_bewerking.put(old["url"], put_body(old, actieNaam=new_name))
    vwl_log.adopt(put)
    changed(put, "PUT of an action (to make a second version)")
    gone = vwl_log.create(vwl_log.body(person, tijdstip=moment(DAY_2)))
    changed(vwl_bewerking.delete(gone["url"]), "DELETE of an action")
    listed = objects(vwl_inzage, person, BEGIN, END, "inzage after a PUT and a DELETE")
    versions = [(i.get("verwerkingsactie") or {}).get("actieNaam")
                for i in named(listed, old["actieNaam"], new_name)]
    assert versions == [new_name], (
        f"the inzage must show the changed action once, in its current version "
        f"({new_name!r}); got {versions}")
    assert not named(listed, gone["actieNaam"]), (
        "the inzage must not show a deleted (vervallen) action, but it does")
    object_id = gone["verwerkteObjecten"][0]["verwerktObjectId"]
    expect_status(vwl_inzage.get(f"{OBJECTEN}/{object_id}"), GONE,
                  "GET of the verwerkt object of a deleted (vervallen) action")


def _three_levels(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog
                  ) -> tuple[dict[str, str], dict[str, str]]:
    """A person with a normal, a vertrouwelijke and a formerly confidential ('opgeheven')
    action; returns the person and the actions' names by level."""
    person, lifted = vwl_log.person(), vwl_log.uuid()
    names = {level: vwl_log.create(vwl_log.body(person, tijdstip=moment(DAY_2),
                                                vertrouwelijkheid=start,
                                                verwerkingId=lifted if level == "opgeheven"
                                                else vwl_log.uuid()))["actieNaam"]
             for level, start in (("normaal", "normaal"), ("vertrouwelijk", "vertrouwelijk"),
                                  ("opgeheven", "vertrouwelijk"))}
    changed(vwl_bewerking.patch(ACTIES, {"vertrouwelijkheid": "opgeheven"},
                                params={"verwerkingId": lifted}),
            "PATCH that lifts the confidentiality of a verwerking (opgeheven)")
    return person, names


def test_vwl_037_no_confidential_actions(vwl_bewerking: ApiClient, vwl_inzage: ApiClient,
                                         vwl_log: VerwerkingenLog) -> None:
    """vwl-037: vertrouwelijke actions are never shown; with read:confidential the normal and
    the 'opgeheven' ones are."""
    person, names = _three_levels(vwl_bewerking, vwl_log)
    listed = objects(vwl_inzage, person, BEGIN, END, "inzage with read:confidential")
    shown = {level for level, name in names.items() if named(listed, name)}
    assert shown == {"normaal", "opgeheven"}, (
        "the inzage (read:confidential) must show the normal and the opgeheven action and "
        f"never the vertrouwelijke one; it shows the actions of level(s) {sorted(shown)}")


def test_vwl_037_read_normal_sees_only_normal(vwl_bewerking: ApiClient,
                                              vwl_normaal: dict[str, ApiClient],
                                              vwl_log: VerwerkingenLog) -> None:
    """vwl-037: with only read:normal the inzage shows only actions that are normal and never
    were confidential."""
    person, names = _three_levels(vwl_bewerking, vwl_log)
    listed = objects(vwl_normaal["vwl-inzage"], person, BEGIN, END, "inzage with read:normal")
    shown = {level for level, name in names.items() if named(listed, name)}
    assert shown == {"normaal"}, (
        "the inzage with only read:normal must show the normal action only (not the "
        f"vertrouwelijke, not the opgeheven one); it shows level(s) {sorted(shown)}")


def test_vwl_038_inzage_is_logged(vwl_bewerking: ApiClient, vwl_inzage: ApiClient,
                                  vwl_log: VerwerkingenLog) -> None:
    """vwl-038: the log logs each inzage itself, under its own verwerkingsactiviteit, with the
    caller's OIN as afnemerId and its VerwerkingId as verwerkingIdAfnemer (the headers both
    sources name; facts §6.8)."""
    person = vwl_log.person()
    vwl_log.create(vwl_log.body(person, tijdstip=moment(DAY_2)))
    verwerking = vwl_log.uuid()
    resp = vwl_inzage.get(OBJECTEN, params={**person_query(person), "beginDatum": str(BEGIN),
                                            "eindDatum": str(END)},
                          headers={"VerwerkingId": verwerking})
    expect_status(resp, 200, "inzage of a person")
    logged: list[dict[str, Any]] = []
    deadline = time.monotonic() + LOGGED_WAIT_S
    while not logged and time.monotonic() < deadline:
        logged = [i for i in actions(vwl_bewerking, person, "the person's log after an inzage",
                                     beginDatum=str(date.today() - timedelta(1)))
                  if i.get("verwerkingIdAfnemer") == verwerking]
        if not logged:
            time.sleep(0.5)
    assert logged, (
        f"after an inzage of person {person['objectId']} with header VerwerkingId "
        f"{verwerking}, the log must hold an action for that inzage with verwerkingIdAfnemer "
        f"{verwerking}; GET /{ACTIES} of the person shows none")
    action = logged[0]
    assert action.get("afnemerId") == CONSUMER_HEADERS["OIN"], (
        f"the logged inzage must name the caller's OIN {CONSUMER_HEADERS['OIN']} as "
        f"afnemerId, got {action.get('afnemerId')!r}")
    assert action.get("verwerkingsactiviteitId") != \
        CONSUMER_HEADERS["VerwerkingsactiviteitId"], (
            "the log must log the inzage under its own verwerkingsactiviteit, not the "
            "caller's")
