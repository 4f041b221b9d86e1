"""Bewerking API: changing the log (vwl-029 PUT, vwl-030 PATCH, vwl-031 DELETE).

Sources: ``docs/api-write/aanvullendespecificatie-verwerkingsacties-put.md``, ``-patch.md``,
``-delete.md`` and OAS-W. An unknown or vervallen id is refused; the text says 400 and the
OAS declares 404 (facts §6.5), so either is accepted. The ``-scope`` tests ask as the target's
client with only the normal scopes and are not applicable without one. Tests find actions by
their person and name (``_vwl``), as a changed action may get a new ``actieId``.
"""

from __future__ import annotations

from typing import Any

from ..client import ApiClient
from ..engine.data_verwerkingen import VerwerkingenLog
from ._helpers import expect_status
from ._vwl import ACTIES, GONE, actions, changed, named, put_body, read
from .generic_checks import check_created_can_be_read, check_deleted_is_gone


def _patch(client: ApiClient, verwerking: str, body: dict[str, Any]) -> Any:
    return client.patch(ACTIES, body, params={"verwerkingId": verwerking})


def test_vwl_029_put_replaces_all_elements(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog
                                           ) -> None:
    """vwl-029: a PUT carries every element, unchanged ones too, else 400; an unknown or
    vervallen actieId is refused; no PUT makes an action 'opgeheven' (403)."""
    action = vwl_log.create(vwl_log.full_body(vwl_log.person()))
    new_name = f"Gewijzigd {vwl_log.tag()}"
    resp = vwl_bewerking.put(action["url"], put_body(action, actieNaam=new_name))
    vwl_log.adopt(resp)
    expect_status(resp, 200, "PUT of an action with every element")
    assert resp.json().get("actieNaam") == new_name, (
        f"the answer to the PUT must show the new actieNaam {new_name!r}, got "
        f"{resp.json().get('actieNaam')!r}")
    current = resp.json()
    partial = put_body(current)
    partial.pop("actieNaam")
    refused = vwl_bewerking.put(current["url"], partial)
    vwl_log.adopt(refused)
    expect_status(refused, 400, "PUT without the element actieNaam (every element must be "
                                "sent again, also when it does not change)")
    lifted = vwl_bewerking.put(current["url"], put_body(current, vertrouwelijkheid="opgeheven"))
    vwl_log.adopt(lifted)
    expect_status(lifted, 403, "PUT that makes a normal action 'opgeheven'")
    expect_status(vwl_bewerking.put(f"{ACTIES}/{vwl_log.uuid()}", put_body(current)), GONE,
                  "PUT of an actieId that does not exist")
    changed(vwl_bewerking.delete(current["url"]), "DELETE of the action")
    expect_status(vwl_bewerking.put(current["url"], put_body(current)), GONE,
                  "PUT of a vervallen (deleted) action")


def test_vwl_029_put_scopes(vwl_bewerking: ApiClient, vwl_normaal: dict[str, ApiClient],
                            vwl_log: VerwerkingenLog) -> None:
    """vwl-029: with update:normal the action must be normaal and stay so, else 403."""
    client, person = vwl_normaal["vwl-bewerking"], vwl_log.person()
    normal = vwl_log.create(vwl_log.full_body(person))
    secret = vwl_log.create(vwl_log.full_body(person, vertrouwelijkheid="vertrouwelijk"))
    ok = client.put(normal["url"], put_body(normal, actieNaam=f"Nieuw {vwl_log.tag()}"))
    vwl_log.adopt(ok)
    expect_status(ok, 200, "PUT of a normal action by a client with update:normal")
    current = ok.json()
    for url, body, why in (
            (current["url"], put_body(current, vertrouwelijkheid="vertrouwelijk"),
             "that makes a normal action vertrouwelijk"),
            (secret["url"], put_body(secret, actieNaam=f"Nieuw {vwl_log.tag()}"),
             "of a vertrouwelijke action")):
        resp = client.put(url, body)
        vwl_log.adopt(resp)
        expect_status(resp, 403, f"PUT {why} by a client with only update:normal")


def test_vwl_030_patch_whole_verwerking(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog
                                        ) -> None:
    """vwl-030: PATCH ?verwerkingId= changes bewaartermijn and vertrouwelijkheid of every
    current action of that verwerking, and of no other; unknown or vervallen: refused."""
    person, verwerking, other = vwl_log.person(), vwl_log.uuid(), vwl_log.uuid()
    mine = [vwl_log.create(vwl_log.body(person, verwerkingId=verwerking, bewaartermijn="P1Y"))
            for _ in range(2)]
    bystander = vwl_log.create(vwl_log.body(person, verwerkingId=other, bewaartermijn="P1Y"))
    for change in ({"bewaartermijn": "P7Y"}, {"vertrouwelijkheid": "vertrouwelijk"}):
        resp = _patch(vwl_bewerking, verwerking, change)
        expect_status(resp, (200, 204), f"PATCH ?verwerkingId= with {change}")
        listed = actions(vwl_bewerking, person, "list")
        (key, value), = change.items()
        for action in mine:  # (which versions the list shows is vwl-028's business)
            got = [i.get(key) for i in named(listed, action["actieNaam"])]
            assert value in got, (
                f"after PATCH ?verwerkingId={verwerking} with {change} every action of the "
                f"verwerking must have {key}={value!r}; {action['actieNaam']!r} has {got}")
        untouched = {(i.get("bewaartermijn"), i.get("vertrouwelijkheid"))
                     for i in named(listed, bystander["actieNaam"])}
        assert untouched == {("P1Y", "normaal")}, (
            f"PATCH ?verwerkingId={verwerking} must leave actions of other verwerkingen alone; "
            f"{bystander['actieNaam']!r} now has {sorted(untouched)}")
    expect_status(_patch(vwl_bewerking, vwl_log.uuid(), {"bewaartermijn": "P2Y"}), GONE,
                  "PATCH ?verwerkingId= of a verwerking that does not exist")
    names = [a["actieNaam"] for a in mine]
    for url in {i["url"] for i in named(actions(vwl_bewerking, person, "list"), *names)}:
        changed(vwl_bewerking.delete(url), "DELETE of an action of the verwerking")
    expect_status(_patch(vwl_bewerking, verwerking, {"bewaartermijn": "P2Y"}), GONE,
                  "PATCH ?verwerkingId= of a verwerking whose actions are all vervallen")


def test_vwl_030_patch_scopes(vwl_normaal: dict[str, ApiClient], vwl_log: VerwerkingenLog
                              ) -> None:
    """vwl-030: with update:normal only bewaartermijn of a normal verwerking may change;
    changing vertrouwelijkheid or a confidential verwerking is 403."""
    client, person = vwl_normaal["vwl-bewerking"], vwl_log.person()
    normal, secret = vwl_log.uuid(), vwl_log.uuid()
    vwl_log.create(vwl_log.body(person, verwerkingId=normal))
    vwl_log.create(vwl_log.body(person, verwerkingId=secret, vertrouwelijkheid="vertrouwelijk"))
    expect_status(_patch(client, normal, {"bewaartermijn": "P3Y"}), (200, 204),
                  "PATCH of the bewaartermijn of a normal verwerking by a client with "
                  "update:normal")
    for verwerking, change, why in (
            (normal, {"vertrouwelijkheid": "vertrouwelijk"}, "of the vertrouwelijkheid"),
            (secret, {"bewaartermijn": "P3Y"}, "of a vertrouwelijke verwerking")):
        expect_status(_patch(client, verwerking, change), 403,
                      f"PATCH {why} by a client with only update:normal")


def test_vwl_031_delete_is_logical(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog) -> None:
    """vwl-031: DELETE makes the action vervallen; it cannot be deleted a second time, and an
    unknown actieId is refused."""
    action = vwl_log.create(vwl_log.body(vwl_log.person()))
    expect_status(vwl_bewerking.delete(action["url"]), (200, 204), "DELETE of an action")
    expect_status(vwl_bewerking.delete(action["url"]), GONE,
                  "a second DELETE of the same (now vervallen) action")
    expect_status(vwl_bewerking.delete(f"{ACTIES}/{vwl_log.uuid()}"), GONE,
                  "DELETE of an actieId that does not exist")


def test_vwl_031_delete_scopes(vwl_bewerking: ApiClient, vwl_normaal: dict[str, ApiClient],
                               vwl_log: VerwerkingenLog) -> None:
    """vwl-031: with delete:normal only normal actions may be deleted (403 otherwise, and the
    action stays)."""
    client, person = vwl_normaal["vwl-bewerking"], vwl_log.person()
    normal = vwl_log.create(vwl_log.body(person))
    secret = vwl_log.create(vwl_log.body(person, vertrouwelijkheid="vertrouwelijk"))
    expect_status(client.delete(normal["url"]), (200, 204),
                  "DELETE of a normal action by a client with delete:normal")
    expect_status(client.delete(secret["url"]), 403,
                  "DELETE of a vertrouwelijke action by a client with only delete:normal")
    read(vwl_bewerking, secret["url"], "GET of the vertrouwelijke action the refused DELETE "
                                       "must have left")


def test_vwl_created_can_be_read(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog) -> None:
    """A logged action can be read back at its url (suites/lifecycle.py says why)."""
    check_created_can_be_read(vwl_bewerking, {"verwerkingsactie": vwl_log.create(
        vwl_log.body(vwl_log.person()))})


def test_vwl_deleted_is_gone(vwl_bewerking: ApiClient, vwl_log: VerwerkingenLog) -> None:
    """A deleted (vervallen) action is no longer there to read (404)."""
    check_deleted_is_gone(vwl_bewerking, {"verwerkingsactie": vwl_log.create(
        vwl_log.body(vwl_log.person()))})
