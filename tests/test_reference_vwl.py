"""The reference supplier's Verwerkingenlogging APIs (Bewerking and Inzage), as a client sees
them: a real server on loopback, driven with httpx, answers checked against the official OAS
with the schema converter of test_reference_supplier (not the supplier's own)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conformance_fixtures.reference_supplier import DEFECTS, ReferenceServer
from test_reference_supplier import CLIENT_ID, SECRET, _spec, conforms, make_token, problem

NORMAL = "vwl-normal-client"
PLAIN = "vwl-plain-client"  # known, but its administrator gave it no Verwerkingenlogging scopes
OTHER_SECRET = "another-reference-test-secret-0123456789"
NORMAL_SCOPES = frozenset({"read:normal", "create:normal", "update:normal", "delete:normal"})
SPEC_FILES = {
    "zaken": "zaken-1.5.1.yaml",
    "catalogi": "catalogi-1.3.1.yaml",
    "documenten": "documenten-1.4.2.yaml",
    "vwl-bewerking": "verwerkingenlogging-bewerking-0.9.0.yaml",
    "vwl-inzage": "verwerkingenlogging-inzage-0.9.0.yaml",
}
PERSON = {"objecttype": "persoon", "soortObjectId": "BSN"}
DAY = "2024-03-20"


@pytest.fixture(scope="module")
def spec_paths(spec_dir: Path) -> dict[str, Path]:
    return {api: spec_dir / name for api, name in SPEC_FILES.items()}


def _server(spec_paths: dict[str, Path], *defects: str) -> ReferenceServer:
    return ReferenceServer(spec_paths=spec_paths, client_id=CLIENT_ID, secret=SECRET,
                           defects=frozenset(defects),
                           clients={NORMAL: OTHER_SECRET, PLAIN: OTHER_SECRET},
                           client_scopes={NORMAL: NORMAL_SCOPES})


class Log:
    """httpx as one client of the log, with shortcuts for both APIs."""

    def __init__(self, server: ReferenceServer, client_id: str = CLIENT_ID,
                 secret: str = SECRET) -> None:
        self.bewerking = server.api_url("vwl-bewerking")
        self.inzage = server.api_url("vwl-inzage")
        self.http = httpx.Client(timeout=10, headers={
            "Authorization": f"Bearer {make_token(client_id, secret)}"})

    def post(self, body: dict[str, Any]) -> httpx.Response:
        return self.http.post(f"{self.bewerking}/verwerkingsacties", json=body)

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        resp = self.post(body)
        assert resp.status_code == 201, resp.text
        return resp.json()

    def actions(self, bsn: str, **params: Any) -> httpx.Response:
        return self.http.get(f"{self.bewerking}/verwerkingsacties",
                             params={**PERSON, "objectId": bsn, **params})

    def patch(self, verwerking: str, body: dict[str, Any]) -> httpx.Response:
        return self.http.patch(f"{self.bewerking}/verwerkingsacties", json=body,
                               params={"verwerkingId": verwerking})

    def objects(self, bsn: str, begin: str = "2024-01-01", end: str = "2025-01-01",
                headers: dict[str, str] | None = None, **params: Any) -> httpx.Response:
        return self.http.get(f"{self.inzage}/verwerkte-objecten", headers=headers, params={
            **PERSON, "objectId": bsn, "beginDatum": begin, "eindDatum": end, **params})


def bsn() -> str:
    """A fresh person per test (uniqueness is all that matters here)."""
    return str(uuid.uuid4().int)[:9]


def body(*bsns: str, **fields: Any) -> dict[str, Any]:
    return {"actieNaam": f"actie-{uuid.uuid4().hex[:8]}", "vertrouwelijkheid": "normaal",
            "tijdstip": f"{DAY}T12:00:00+01:00",
            "verwerkteObjecten": [{**PERSON, "objectId": b} for b in bsns], **fields}


def put_body(rep: dict[str, Any], **changes: Any) -> dict[str, Any]:
    keep = {k: v for k, v in rep.items() if k not in ("url", "actieId", "tijdstipRegistratie")
            and v not in ("", None)}
    return {**keep, **changes}


def names(resp: httpx.Response) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [(i.get("verwerkingsactie") or i)["actieNaam"] for i in resp.json()["results"]]


@pytest.fixture(scope="module")
def server(spec_paths: dict[str, Path]) -> Iterator[ReferenceServer]:
    with _server(spec_paths) as srv:
        yield srv


@pytest.fixture(scope="module")
def log(server: ReferenceServer) -> Log:
    return Log(server)


@pytest.fixture(scope="module")
def normal(server: ReferenceServer) -> Log:
    return Log(server, NORMAL, OTHER_SECRET)


# -- served like every API ------------------------------------------------------------------------
@pytest.mark.parametrize("api", ["vwl-bewerking", "vwl-inzage"])
def test_served_with_its_official_openapi(server: ReferenceServer, spec_paths: dict[str, Path],
                                          api: str) -> None:
    assert server.api_url(api) == server.base_url + {
        "vwl-bewerking": "/verwerkingenlogging/bewerking/api/v1",
        "vwl-inzage": "/verwerkingenlogging/inzage/api/v1"}[api]
    resp = httpx.get(server.api_url(api) + "/openapi.json")
    assert resp.status_code == 200 and resp.json() == _spec(str(spec_paths[api]))
    assert resp.headers["API-version"] == "0.9.0"
    anonymous = httpx.get(server.api_url(api) + "/" + (
        "verwerkingsacties" if api == "vwl-bewerking" else "verwerkte-objecten"))
    assert problem(anonymous, 403)["code"] == "not_authenticated"


# -- Bewerking API --------------------------------------------------------------------------------
def test_create_answers_the_action_as_sent(log: Log, spec_paths: dict[str, Path]) -> None:
    person, other = bsn(), bsn()
    sent = body(person, other, tijdstip="2024-03-20T08:15:30+05:30", systeem="App 1.0",
                verwerkingId=str(uuid.uuid4()), bewaartermijn="P10Y",
                uitvoerder="00000001821002193000", tijdstipRegistratie="2001-01-01T00:00:00Z")
    resp = log.post(sent)
    assert conforms(spec_paths, "vwl-bewerking", "verwerkingsactie_create", resp) == []
    made = resp.json()
    assert resp.status_code == 201 and resp.headers["Location"] == made["url"]
    assert made["url"].endswith(made["actieId"])
    for name in ("actieNaam", "tijdstip", "systeem", "verwerkingId", "bewaartermijn",
                 "uitvoerder"):
        assert made[name] == sent[name], name  # tijdstip unconverted (vwl-005)
    assert made["tijdstipRegistratie"].startswith("20") and "2001" not in \
        made["tijdstipRegistratie"]  # set by the log (vwl-023)
    assert made["handelingNaam"] == "" and "verwerkingsactiviteitId" not in made  # lege waarden
    assert [o["objectId"] for o in made["verwerkteObjecten"]] == [person, other]
    assert all("/verwerkingenlogging/inzage/api/v1/verwerkte-objecten/" in o["url"]
               for o in made["verwerkteObjecten"])
    again = log.http.get(made["url"])
    assert conforms(spec_paths, "vwl-bewerking", "verwerkingsactie_read", again) == []
    assert again.json() == made


def test_create_scopes(server: ReferenceServer, log: Log, normal: Log) -> None:
    person = bsn()
    assert problem(log.post(body(person, vertrouwelijkheid="opgeheven")), 403)  # vwl-021
    assert problem(normal.post(body(person, vertrouwelijkheid="vertrouwelijk")), 403)  # 020
    assert normal.post(body(person)).status_code == 201
    assert log.post(body(person, vertrouwelijkheid="vertrouwelijk")).status_code == 201
    plain = Log(server, PLAIN, OTHER_SECRET)  # create:normal, held by every known client
    assert plain.post(body(person)).status_code == 201
    assert problem(plain.actions(person), 403)["code"] == "permission_denied"


def test_list_filters(log: Log, spec_paths: dict[str, Path]) -> None:
    one, two = bsn(), bsn()
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    shared = log.create(body(one, two, verwerkingsactiviteitId=first))["actieNaam"]
    theirs = log.create(body(two))["actieNaam"]
    early = log.create(body(one, tijdstip="2024-03-10T23:30:00-02:00"))["actieNaam"]
    late = log.create(body(one, tijdstip="2024-03-30T00:10:00+01:00",
                           vertrouwelijkheid="vertrouwelijk",
                           verwerkingsactiviteitId=second))["actieNaam"]
    resp = log.actions(one)
    assert conforms(spec_paths, "vwl-bewerking", "verwerkingsactie_list", resp) == []
    assert sorted(names(resp)) == sorted([shared, early, late]) and theirs not in names(resp)
    assert {o["objectId"] for a in resp.json()["results"]
            for o in a["verwerkteObjecten"]} == {one}  # vwl-026
    # the day as written: begin inclusive, end exclusive (vwl-025)
    assert names(log.actions(one, beginDatum="2024-03-20", eindDatum="2024-03-30")) == [shared]
    assert names(log.actions(one, beginDatum="2024-03-10", eindDatum="2024-03-11")) == [early]
    assert names(log.actions(one, verwerkingsactiviteitId=first)) == [shared]  # vwl-027
    assert names(log.actions(one, vertrouwelijkheid="vertrouwelijk")) == [late]
    both = sorted([shared, early, late])
    assert sorted(names(log.actions(one, vertrouwelijkheid=["normaal", "vertrouwelijk"]))) == both
    assert sorted(names(log.actions(one, vertrouwelijkheid="normaal,vertrouwelijk"))) == both
    problem(log.actions(one, vertrouwelijkheid="geheim"), 400, "vertrouwelijkheid",
            "invalid_choice")
    missing = problem(log.http.get(f"{log.bewerking}/verwerkingsacties",
                                   params={"objecttype": "persoon"}), 400)
    assert {p["name"] for p in missing["invalidParams"]} == {"soortObjectId", "objectId"}


def test_read_normal_must_ask_for_normal_actions(log: Log, normal: Log) -> None:
    person = bsn()
    plain = log.create(body(person))
    secret = log.create(body(person, vertrouwelijkheid="vertrouwelijk"))
    assert problem(normal.actions(person), 403)  # vwl-024
    assert problem(normal.actions(person, vertrouwelijkheid=["normaal", "vertrouwelijk"]), 403)
    assert names(normal.actions(person, vertrouwelijkheid="normaal")) == [plain["actieNaam"]]
    assert normal.http.get(plain["url"]).status_code == 200
    assert problem(normal.http.get(secret["url"]), 403)


def test_put_replaces_the_action(log: Log, normal: Log, spec_paths: dict[str, Path]) -> None:
    person = bsn()
    made = log.create(body(person, systeem="App", verwerkingId=str(uuid.uuid4())))
    resp = log.http.put(made["url"], json=put_body(made, actieNaam="nieuw"))
    assert conforms(spec_paths, "vwl-bewerking", "verwerkingsactie_update", resp) == []
    current = resp.json()
    assert current["actieNaam"] == "nieuw" and current["actieId"] == made["actieId"]
    assert current["tijdstipRegistratie"] >= made["tijdstipRegistratie"]
    assert names(log.actions(person)) == ["nieuw"]  # the old version is not listed (vwl-028)
    partial = put_body(current)
    partial.pop("systeem")
    problem(log.http.put(made["url"], json=partial), 400, "systeem", "required")  # vwl-029
    stranger = put_body(current)
    stranger["verwerkteObjecten"] = [{**stranger["verwerkteObjecten"][0],
                                      "verwerktObjectId": str(uuid.uuid4())}]
    problem(log.http.put(made["url"], json=stranger), 400,
            "verwerkteObjecten.0.verwerktObjectId")
    problem(log.http.put(made["url"], json=put_body(current, vertrouwelijkheid="opgeheven")),
            403)
    problem(log.http.put(f"{log.bewerking}/verwerkingsacties/{uuid.uuid4()}",
                         json=put_body(current)), 404)
    assert normal.http.put(made["url"], json=put_body(current, actieNaam="n2")).status_code \
        == 200
    problem(normal.http.put(made["url"], json=put_body(current, actieNaam="n2",
                                                       vertrouwelijkheid="vertrouwelijk")), 403)
    secret = log.create(body(person, vertrouwelijkheid="vertrouwelijk"))
    problem(normal.http.put(secret["url"], json=put_body(secret)), 403)


def test_patch_changes_the_whole_verwerking(log: Log, normal: Log) -> None:
    person, verwerking, other = bsn(), str(uuid.uuid4()), str(uuid.uuid4())
    for _ in range(2):
        log.create(body(person, verwerkingId=verwerking))
    log.create(body(person, verwerkingId=other))
    assert log.patch(verwerking, {"bewaartermijn": "P7Y"}).status_code == 204
    assert sorted(a.get("bewaartermijn", "") for a in log.actions(person).json()["results"]) \
        == ["", "P7Y", "P7Y"]
    problem(log.patch(str(uuid.uuid4()), {"bewaartermijn": "P1Y"}), 400, "verwerkingId")
    problem(log.http.patch(f"{log.bewerking}/verwerkingsacties", json={"bewaartermijn": "P1Y"}),
            400, "verwerkingId", "required")
    problem(log.http.patch(f"{log.bewerking}/verwerkingsacties",
                           params={"verwerkingId": verwerking},
                           headers={"Content-Type": "application/json"}), 400)
    assert normal.patch(verwerking, {"bewaartermijn": "P8Y"}).status_code == 204
    problem(normal.patch(verwerking, {"vertrouwelijkheid": "vertrouwelijk"}), 403)
    assert log.patch(verwerking, {"vertrouwelijkheid": "vertrouwelijk"}).status_code == 204
    problem(normal.patch(verwerking, {"bewaartermijn": "P9Y"}), 403)
    assert log.patch(verwerking, {"vertrouwelijkheid": "opgeheven"}).status_code == 204
    for action in log.actions(person, vertrouwelijkheid="opgeheven").json()["results"]:
        assert log.http.delete(action["url"]).status_code == 204
    problem(log.patch(verwerking, {"bewaartermijn": "P1Y"}), 400, "verwerkingId")


def test_delete_is_logical(log: Log, normal: Log) -> None:
    person = bsn()
    made = log.create(body(person))
    assert log.http.delete(made["url"]).status_code == 204
    assert problem(log.http.get(made["url"]), 404) and names(log.actions(person)) == []
    assert problem(log.http.delete(made["url"]), 404)
    secret = log.create(body(person, vertrouwelijkheid="vertrouwelijk"))
    problem(normal.http.delete(secret["url"]), 403)
    assert normal.http.delete(log.create(body(person))["url"]).status_code == 204
    assert log.http.get(secret["url"]).status_code == 200


def test_pages_link_with_page(log: Log) -> None:
    person = bsn()
    for _ in range(101):
        log.create(body(person))
    first = log.actions(person).json()
    assert first["count"] == 101 and len(first["results"]) == 100 and "page=2" in first["next"]
    second = log.http.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"]


# -- Inzage API -----------------------------------------------------------------------------------
def test_inzage_shows_what_a_citizen_may_see(log: Log, normal: Log,
                                             spec_paths: dict[str, Path]) -> None:
    one, two = bsn(), bsn()
    shared = log.create(body(one, two, systeem="App 2.0", gebruiker="u-1",
                             gegevensbron="Bron"))
    changed = log.create(body(one))
    log.http.put(changed["url"], json=put_body(changed, actieNaam="na-wijziging"))
    gone = log.create(body(one))
    log.http.delete(gone["url"])
    secret = log.create(body(one, vertrouwelijkheid="vertrouwelijk"))
    lifted = str(uuid.uuid4())
    log.create(body(one, vertrouwelijkheid="vertrouwelijk", verwerkingId=lifted,
                    actieNaam="opgeheven"))
    log.patch(lifted, {"vertrouwelijkheid": "opgeheven"})
    outside = log.create(body(one, tijdstip="2025-06-01T12:00:00+02:00"))
    resp = log.objects(one)
    assert conforms(spec_paths, "vwl-inzage", "verwerkte-objecten_list", resp) == []
    shown = names(resp)
    assert sorted(shown) == sorted([shared["actieNaam"], "na-wijziging", "opgeheven"])
    assert not {changed["actieNaam"], gone["actieNaam"], secret["actieNaam"],
                outside["actieNaam"]} & set(shown)  # vwl-033, 036, 037
    for item in resp.json()["results"]:
        assert item["objectId"] == one  # vwl-034
        assert [o["objectId"] for o in item["verwerkingsactie"]["verwerkteObjecten"]] == [one]
        assert not {"systeem", "gebruiker", "gegevensbron"} & item["verwerkingsactie"].keys()
    # read:normal: only what is normal and never was confidential
    assert sorted(names(normal.objects(one))) == sorted([shared["actieNaam"], "na-wijziging"])
    own = next(o for o in shared["verwerkteObjecten"] if o["objectId"] == one)
    single = log.http.get(own["url"])
    assert conforms(spec_paths, "vwl-inzage", "verwerktobject_read", single) == []
    assert single.json()["verwerkingsactie"]["actieNaam"] == shared["actieNaam"]
    problem(log.http.get(gone["verwerkteObjecten"][0]["url"]), 404)
    problem(log.http.get(secret["verwerkteObjecten"][0]["url"]), 404)
    missing = problem(log.http.get(f"{log.inzage}/verwerkte-objecten",
                                   params={**PERSON, "objectId": one}), 400)
    assert {p["name"] for p in missing["invalidParams"]} == {"beginDatum", "eindDatum"}


def test_inzage_is_logged_with_the_callers_headers(log: Log) -> None:
    person, verwerking, activiteit = bsn(), str(uuid.uuid4()), str(uuid.uuid4())
    log.create(body(person))
    headers = {"OIN": "00000001234567890123", "VerwerkingId": verwerking,
               "VerwerkingsactiviteitId": activiteit,
               "VerwerkingsactiviteitUrl": f"https://example.org/var/{activiteit}",
               "Vertrouwelijkheid": "normaal", "Bewaartermijn": "P2Y"}
    assert log.objects(person, headers=headers).status_code == 200
    assert log.objects(person, headers={"OIN": "not an oin", "VerwerkingId": "x"}).status_code \
        == 200  # malformed headers are left out, never a reason to refuse the inzage
    logged = [a for a in log.actions(person).json()["results"] if a["actieNaam"] ==
              "Inzien verwerkingen"]
    assert len(logged) == 2
    full = next(a for a in logged if a.get("verwerkingIdAfnemer") == verwerking)
    assert (full["afnemerId"], full["soortAfnemerId"], full["verwerkingsactiviteitIdAfnemer"],
            full["verwerkingsactiviteitUrlAfnemer"], full["bewaartermijn"]) == (
        headers["OIN"], "OIN", activiteit, headers["VerwerkingsactiviteitUrl"], "P2Y")
    assert full["verwerkingsactiviteitId"] != activiteit  # under the log's own activiteit
    bare = next(a for a in logged if a is not full)
    assert "afnemerId" not in bare and "verwerkingIdAfnemer" not in bare


# -- defects: each switch changes exactly the behaviour it names ----------------------------------
VWL_DEFECTS = sorted(d for d in DEFECTS if d.startswith("vwl-"))


def _shows_defect(name: str, log: Log, normal: Log) -> bool:
    """Whether the behaviour the defect names is there (checked for its rule only)."""
    person, other = bsn(), bsn()
    if name == "vwl-tijdstip-to-utc":
        return log.create(body(person, tijdstip="2024-03-20T08:00:00+05:00"))["tijdstip"] \
            == "2024-03-20T03:00:00Z"
    if name == "vwl-confidential-create-unchecked":
        return normal.post(body(person, vertrouwelijkheid="vertrouwelijk")).status_code == 201
    if name == "vwl-opgeheven-create-accepted":
        return log.post(body(person, vertrouwelijkheid="opgeheven")).status_code == 201
    if name == "vwl-create-drops-afnemer":
        return "afnemerId" not in log.create(body(person, afnemerId="0" * 20))
    if name == "vwl-registration-time-from-client":
        sent = "2001-01-01T00:00:00+00:00"
        return log.create({**body(person), "tijdstipRegistratie": sent})[
            "tijdstipRegistratie"] == sent
    if name == "vwl-list-scope-unchecked":
        log.create(body(person, vertrouwelijkheid="vertrouwelijk"))
        return normal.actions(person).json().get("count") == 1
    if name == "vwl-list-end-date-inclusive":
        log.create(body(person, tijdstip="2024-03-30T12:00:00+01:00"))
        return len(names(log.actions(person, eindDatum="2024-03-30"))) == 1
    if name == "vwl-list-objects-unfiltered":
        log.create(body(person, other))
        return len(log.actions(person).json()["results"][0]["verwerkteObjecten"]) == 2
    if name == "vwl-list-vertrouwelijkheid-ignored":
        log.create(body(person))
        return len(names(log.actions(person, vertrouwelijkheid="vertrouwelijk"))) == 1
    if name == "vwl-reads-show-old-versions":
        made = log.create(body(person))
        log.http.put(made["url"], json=put_body(made, actieNaam="nieuw"))
        return sorted(names(log.actions(person))) == sorted([made["actieNaam"], "nieuw"])
    if name == "vwl-put-partial-accepted":
        made = log.create(body(person, systeem="App"))
        partial = put_body(made)
        partial.pop("systeem")
        resp = log.http.put(made["url"], json=partial)
        return resp.status_code == 200 and resp.json()["systeem"] == "App"
    if name == "vwl-patch-first-action-only":
        verwerking = str(uuid.uuid4())
        for _ in range(2):
            log.create(body(person, verwerkingId=verwerking))
        log.patch(verwerking, {"bewaartermijn": "P7Y"})
        return len(names(log.actions(person))) == 2 and sorted(
            a.get("bewaartermijn", "") for a in log.actions(person).json()["results"]) == \
            ["", "P7Y"]
    if name == "vwl-delete-twice-accepted":
        made = log.create(body(person))
        return [log.http.delete(made["url"]).status_code for _ in range(2)] == [204, 204]
    if name == "vwl-delete-scope-unchecked":
        made = log.create(body(person, vertrouwelijkheid="vertrouwelijk"))
        return normal.http.delete(made["url"]).status_code == 204
    if name == "vwl-inzage-period-ignored":
        log.create(body(person))
        return len(names(log.objects(person, begin="2030-01-01", end="2030-02-01"))) == 1
    if name == "vwl-inzage-other-persons":
        log.create(body(person, other))
        return {i["objectId"] for i in log.objects(person).json()["results"]} == {person, other}
    if name == "vwl-inzage-shows-systeem":
        log.create(body(person, systeem="App"))
        return log.objects(person).json()["results"][0]["verwerkingsactie"].get("systeem") == "App"
    if name == "vwl-inzage-shows-vervallen":
        log.http.delete(log.create(body(person))["url"])
        return len(names(log.objects(person))) == 1
    if name == "vwl-inzage-shows-confidential":
        log.create(body(person, vertrouwelijkheid="vertrouwelijk"))
        return len(names(log.objects(person))) == 1
    if name == "vwl-inzage-normal-sees-opgeheven":
        verwerking = str(uuid.uuid4())
        log.create(body(person, vertrouwelijkheid="vertrouwelijk", verwerkingId=verwerking))
        log.patch(verwerking, {"vertrouwelijkheid": "opgeheven"})
        return len(names(normal.objects(person))) == 1
    if name == "vwl-inzage-not-logged":
        log.objects(person, headers={"OIN": "0" * 20})
        return names(log.actions(person)) == []
    raise AssertionError(f"no check for defect {name}")


def test_every_vwl_defect_has_a_check(log: Log, normal: Log) -> None:
    """On the clean supplier no defect's behaviour shows (each check can fail)."""
    assert len(VWL_DEFECTS) == 21
    shown = [name for name in VWL_DEFECTS if _shows_defect(name, log, normal)]
    assert shown == []


@pytest.mark.parametrize("name", VWL_DEFECTS)
def test_defect_shows(spec_paths: dict[str, Path], name: str) -> None:
    with _server(spec_paths, name) as srv:
        assert _shows_defect(name, Log(srv), Log(srv, NORMAL, OTHER_SECRET))
