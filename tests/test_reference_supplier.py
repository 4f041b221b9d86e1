"""The reference supplier, tested as a client sees it: a real server on loopback, driven with httpx.

Responses are checked against the official response schemas with a converter written here,
independent of the supplier's own, so a bug in one does not hide a bug in the other.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import yaml
from conformance_fixtures.reference_supplier import DEFECTS, ReferenceServer, create_app
from conformance_fixtures.reference_supplier.reference_lists_data import (
    PROCESTYPEN,
    RESULTAATTYPEOMSCHRIJVINGEN,
    RESULTATEN,
)
from jsonschema import Draft7Validator, FormatChecker

CLIENT_ID = "harness-tests"
SECRET = "reference-test-secret-0123456789abcdef"
CRS = {"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}
SPEC_FILES = {
    "zaken": "zaken-1.5.1.yaml",
    "catalogi": "catalogi-1.3.1.yaml",
    "documenten": "documenten-1.4.2.yaml",
    "besluiten": "besluiten-1.1.0.yaml",
}
VERSIONS = {"zaken": "1.5.1", "catalogi": "1.3.1", "documenten": "1.4.2", "besluiten": "1.1.0"}
RSIN = "002220647"
RSIN_2 = "517439943"
#: the supplier's own Selectielijst: a procestype and a resultaat of it whose empty
#: procestermijn lets a resultaattype use any afleidingswijze
PROCESTYPE = PROCESTYPEN[0]["uuid"]
RESULTAAT = next(r["uuid"] for r in RESULTATEN
                 if r["procesType"] == PROCESTYPE and not r["procestermijn"])
OMSCHRIJVING = RESULTAATTYPEOMSCHRIJVINGEN[0]["uuid"]


def make_token(client_id: str = CLIENT_ID, secret: str = SECRET, iat: float | None = None) -> str:
    claims = {
        "iss": client_id,
        "iat": int(time.time() if iat is None else iat),
        "client_id": client_id,
        "user_id": "tester",
        "user_representation": "Tester",
    }
    return jwt.encode(claims, secret, algorithm="HS256")


@pytest.fixture(scope="module")
def spec_paths(spec_dir: Path) -> dict[str, Path]:
    return {api: spec_dir / name for api, name in SPEC_FILES.items()}


# -- response schema checks, independent of the supplier's converter ------------------------------
@functools.cache
def _spec(path: str) -> dict[str, Any]:
    return yaml.load(
        Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def _to_json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        out: dict[str, Any] = {"$ref": node["$ref"]} if node["$ref"].startswith("#") else {}
    else:
        out = {}
        for key, value in node.items():
            if key in ("nullable", "discriminator", "readOnly", "writeOnly", "example"):
                continue
            if key == "properties":
                out[key] = {name: _to_json_schema(sub) for name, sub in value.items()}
            elif key in ("items", "additionalProperties", "allOf", "oneOf", "anyOf", "not"):
                out[key] = _to_json_schema(value)
            else:
                out[key] = value
    return {"anyOf": [{"type": "null"}, out]} if node.get("nullable") else out


def _format_checker() -> FormatChecker:
    """Format semantics of the harness's response validator (jsonschema-rs), where available."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover
        return FormatChecker()
    checker = FormatChecker(formats=())
    for fmt in ("date", "date-time", "uri", "uuid", "email", "duration"):
        validator = jsonschema_rs.validator_for({"format": fmt}, validate_formats=True)
        checker.checks(fmt)(lambda value, v=validator: v.is_valid(value))
    return checker


FORMATS = _format_checker()


def schema_errors(spec_path: Path, schema: dict[str, Any], body: Any) -> list[str]:
    doc = _spec(str(spec_path))
    root = {
        **_to_json_schema(schema),
        "components": {
            "schemas": {
                name: _to_json_schema(s) for name, s in doc["components"]["schemas"].items()
            }
        },
    }
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft7Validator(root, format_checker=FORMATS).iter_errors(body)
    ]


def conforms(
    spec_paths: dict[str, Path], api: str, operation_id: str, resp: httpx.Response
) -> list[str]:
    """Problems of a response against its operation in the official spec ([] when conformant)."""
    doc = _spec(str(spec_paths[api]))
    op = next(
        o
        for item in doc["paths"].values()
        for o in item.values()
        if isinstance(o, dict) and o.get("operationId") == operation_id
    )
    declared = op["responses"].get(str(resp.status_code))
    if declared is None:
        return [f"status {resp.status_code} not declared for {operation_id}"]
    problems = []
    for header in declared.get("headers", {}):
        if header not in resp.headers:
            problems.append(f"missing header {header}")
    content = declared.get("content") or {}
    if content and resp.request.method != "HEAD":
        ctype = resp.headers.get("content-type", "").split(";")[0]
        if ctype not in content:
            return [*problems, f"content-type {ctype} not in {list(content)}"]
        problems += schema_errors(spec_paths[api], content[ctype]["schema"], resp.json())
    return problems


# -- a client and a world of valid objects --------------------------------------------------------
class Client:
    """httpx with a fresh JWT-ZGW token, plus shortcuts for the three API roots."""

    def __init__(self, server: ReferenceServer, token: str | None = None) -> None:
        self.server = server
        self.http = httpx.Client(
            timeout=10, headers={"Authorization": f"Bearer {token or make_token()}"}
        )

    def url(self, api: str, path: str) -> str:
        return self.server.api_url(api) + path

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        if "/zaken/api/v1/zaken" in url:
            kwargs["headers"] = {**CRS, **kwargs.get("headers", {})}
        return self.http.request(method, url, **kwargs)

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("POST", url, json=body, **kw)

    def create(self, url: str, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
        resp = self.post(url, body)
        assert resp.status_code == status, resp.text
        return resp.json()


def selectielijst(on_server: str, collection: str, uid: str) -> str:
    """A URL of the supplier's own Selectielijst, on the server ``on_server`` is a URL of."""
    origin = "/".join(on_server.split("/", 3)[:3])
    return f"{origin}/selectielijst/api/v1/{collection}/{uid}"


def selectielijst_refs(on_server: str) -> dict[str, Any]:
    """What a resultaattype of a zaaktype_body zaaktype needs from the Selectielijst, with an
    archive procedure (required unless the archiefnominatie is blijvend_bewaren)."""
    return {
        "resultaattypeomschrijving": selectielijst(on_server, "resultaattypeomschrijvingen",
                                                   OMSCHRIJVING),
        "selectielijstklasse": selectielijst(on_server, "resultaten", RESULTAAT),
        "brondatumArchiefprocedure": {"afleidingswijze": "afgehandeld"},
    }


def catalogus_body() -> dict[str, Any]:
    return {"domein": "TEST", "rsin": RSIN, "contactpersoonBeheerNaam": "Beheerder"}


def zaaktype_body(catalogus: str, identificatie: str = "ZT-1") -> dict[str, Any]:
    return {
        "identificatie": identificatie,
        "omschrijving": "Melding openbare ruimte",
        "vertrouwelijkheidaanduiding": "zaakvertrouwelijk",
        "doel": "Meldingen afhandelen",
        "aanleiding": "Een melding",
        "indicatieInternOfExtern": "extern",
        "handelingInitiator": "Melden",
        "onderwerp": "Openbare ruimte",
        "handelingBehandelaar": "Afhandelen",
        "doorlooptijd": "P30D",
        "opschortingEnAanhoudingMogelijk": False,
        "verlengingMogelijk": False,
        "publicatieIndicatie": False,
        "productenOfDiensten": ["https://producten.example/melding"],
        "referentieproces": {"naam": "Melding"},
        "verantwoordelijke": "Team Buitenruimte",
        "catalogus": catalogus,
        "selectielijstProcestype": selectielijst(catalogus, "procestypen", PROCESTYPE),
        "besluittypen": [],
        "deelzaaktypen": [],
        "gerelateerdeZaaktypen": [],
        "beginGeldigheid": "2024-01-01",
        "versiedatum": "2024-01-01",
    }


@dataclass
class World:
    """A published zaaktype with its types and a document, as the harness's factories build it."""

    catalogus: str
    zaaktype: str
    statustype_start: str
    statustype_end: str
    resultaattype: str
    roltype: str
    eigenschap: str
    iot: str
    document: str


def build_world(c: Client, identificatie: str = "ZT-1", domein: str = "TEST") -> World:
    cat = c.create(c.url("catalogi", "/catalogussen"), {**catalogus_body(), "domein": domein})[
        "url"
    ]
    zt = c.create(c.url("catalogi", "/zaaktypen"), zaaktype_body(cat, identificatie))["url"]
    # its zaken may be deelzaken of each other (zrc-013)
    assert c.request("PATCH", zt, json={"deelzaaktypen": [zt]}).status_code == 200
    st1 = c.create(
        c.url("catalogi", "/statustypen"),
        {"omschrijving": "Ontvangen", "volgnummer": 1, "zaaktype": zt},
    )["url"]
    st2 = c.create(
        c.url("catalogi", "/statustypen"),
        {"omschrijving": "Afgehandeld", "volgnummer": 2, "zaaktype": zt},
    )["url"]
    rt = c.create(
        c.url("catalogi", "/resultaattypen"),
        {
            "zaaktype": zt,
            "omschrijving": "Afgehandeld",
            "besluittypen": [],
            **selectielijst_refs(zt),
            "archiefnominatie": "vernietigen",
            "archiefactietermijn": "P10Y",
        },
    )["url"]
    rol = c.create(
        c.url("catalogi", "/roltypen"),
        {"zaaktype": zt, "omschrijving": "Melder", "omschrijvingGeneriek": "initiator"},
    )["url"]
    eig = c.create(
        c.url("catalogi", "/eigenschappen"),
        {
            "zaaktype": zt,
            "naam": "kleur",
            "definitie": "Kleur van het object",
            "specificatie": {"formaat": "tekst", "lengte": "20", "kardinaliteit": "1"},
        },
    )["url"]
    iot = c.create(
        c.url("catalogi", "/informatieobjecttypen"),
        {
            "catalogus": cat,
            "omschrijving": "Foto",
            "vertrouwelijkheidaanduiding": "openbaar",
            "beginGeldigheid": "2024-01-01",
            "informatieobjectcategorie": "bijlage",
        },
        status=200,
    )["url"]
    assert c.post(iot + "/publish").status_code == 200
    c.create(
        c.url("catalogi", "/zaaktype-informatieobjecttypen"),
        {"zaaktype": zt, "informatieobjecttype": "Foto", "volgnummer": 1, "richting": "inkomend"},
    )
    assert c.post(zt + "/publish").status_code == 200
    doc = c.create(c.url("documenten", "/enkelvoudiginformatieobjecten"), document_body(iot))["url"]
    return World(cat, zt, st1, st2, rt, rol, eig, iot, doc)


def document_body(iot: str) -> dict[str, Any]:
    return {
        "bronorganisatie": RSIN,
        "creatiedatum": "2024-03-01",
        "titel": "Foto van de melding",
        "auteur": "Melder",
        "taal": "nld",
        "informatieobjecttype": iot,
        "inhoud": "aGFsbG8=",
    }


def zaak_body(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "bronorganisatie": RSIN,
        "verantwoordelijkeOrganisatie": RSIN_2,
        "zaaktype": world.zaaktype,
        "startdatum": "2024-03-01",
        **extra,
    }


def close_zaak(c: Client, world: World, zaak: str) -> httpx.Response:
    c.create(c.url("zaken", "/resultaten"), {"zaak": zaak, "resultaattype": world.resultaattype})
    return c.post(
        c.url("zaken", "/statussen"),
        {
            "zaak": zaak,
            "statustype": world.statustype_end,
            "datumStatusGezet": "2024-03-05T10:00:00Z",
        },
    )


@pytest.fixture(scope="module")
def server(spec_paths: dict[str, Path]) -> Iterator[ReferenceServer]:
    with ReferenceServer(spec_paths=spec_paths, client_id=CLIENT_ID, secret=SECRET) as srv:
        yield srv


@pytest.fixture(scope="module")
def c(server: ReferenceServer) -> Client:
    return Client(server)


@pytest.fixture(scope="module")
def world(c: Client) -> World:
    return build_world(c)


def problem(
    resp: httpx.Response, status: int, name: str | None = None, code: str | None = None
) -> dict[str, Any]:
    """Assert a problem+json error (ValidatieFout for 400) and return its body."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    for key in ("type", "code", "title", "status", "detail", "instance"):
        assert key in body, key
    assert body["status"] == status and body["instance"].startswith("urn:uuid:")
    assert re.match(r"^http://127\.0\.0\.1:\d+/ref/fouten/\w+/$", body["type"])
    if status == 400:
        assert isinstance(body["invalidParams"], list) and body["invalidParams"]
    if name is not None:
        found = [(p["name"], p["code"]) for p in body["invalidParams"]]
        assert any(n == name and (code is None or k == code) for n, k in found), found
    return body


# -- public surface -------------------------------------------------------------------------------
def test_defects_are_the_seventeen_named_switches() -> None:
    # every profile adds its own switches; the names and descriptions are what must hold
    assert len(DEFECTS) >= 17
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in DEFECTS)
    assert all(isinstance(v, str) and v and "\n" not in v for v in DEFECTS.values())


def test_unknown_defect_and_foreign_host_are_refused(spec_paths: dict[str, Path]) -> None:
    with pytest.raises(ValueError, match="valid defects are"):
        create_app(
            spec_paths=spec_paths, client_id=CLIENT_ID, secret=SECRET, defects=frozenset({"nope"})
        )
    with pytest.raises(ValueError, match="127.0.0.1"):
        ReferenceServer(spec_paths=spec_paths, client_id=CLIENT_ID, secret=SECRET, host="0.0.0.0")


def test_api_url(server: ReferenceServer) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url)
    assert server.api_url("zaken") == server.base_url + "/zaken/api/v1"


# -- authentication -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "not_authenticated"),
        ("Bearer not-a-jwt", "jwt-decode-error"),
        ("Basic abc", "jwt-decode-error"),
        (
            f"Bearer {make_token(secret='wrong-secret-0123456789abcdefghij')}",
            "invalid-jwt-signature",
        ),
        (f"Bearer {make_token(client_id='someone-else')}", "permission_denied"),
        (f"Bearer {make_token(iat=time.time() - 3700)}", "permission_denied"),
        # far enough ahead to stay in the future however long the suite runs before this test
        (f"Bearer {make_token(iat=time.time() + 86400)}", "permission_denied"),
    ],
    # stable ids: the tokens hold the collection time, which differs per xdist worker
    ids=["no-token", "not-a-jwt", "basic-auth", "wrong-secret", "unknown-client", "token-too-old",
         "token-from-the-future"],
)
def test_bad_credentials_give_403(server: ReferenceServer, header: str | None, code: str) -> None:
    headers = {"Authorization": header} if header else {}
    resp = httpx.get(server.api_url("catalogi") + "/catalogussen", headers=headers)
    assert problem(resp, 403)["code"] == code
    assert resp.headers["API-version"] == "1.3.1"


def test_good_token_gives_200(c: Client) -> None:
    assert c.get(c.url("catalogi", "/catalogussen")).status_code == 200


@pytest.mark.parametrize("api", list(SPEC_FILES))
def test_openapi_is_anonymous_and_official(
    server: ReferenceServer, spec_paths: dict[str, Path], api: str
) -> None:
    resp = httpx.get(server.api_url(api) + "/openapi.json")
    assert resp.status_code == 200 and resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.json() == _spec(str(spec_paths[api]))
    assert resp.headers["API-version"] == VERSIONS[api] == resp.json()["info"]["version"]
    as_yaml = httpx.get(server.api_url(api) + "/openapi.yaml")
    assert as_yaml.text == spec_paths[api].read_text(encoding="utf-8")


# -- Catalogi -------------------------------------------------------------------------------------
def test_catalogi_flow_and_publish_rules(c: Client, spec_paths: dict[str, Path]) -> None:
    cat = c.post(c.url("catalogi", "/catalogussen"), {**catalogus_body(), "domein": "FLOW"})
    assert conforms(spec_paths, "catalogi", "catalogus_create", cat) == []
    cat_url = cat.json()["url"]
    zt = c.post(c.url("catalogi", "/zaaktypen"), zaaktype_body(cat_url, "ZT-FLOW"))
    assert conforms(spec_paths, "catalogi", "zaaktype_create", zt) == []
    zaaktype = zt.json()
    assert zaaktype["concept"] is True and zt.headers["Location"] == zaaktype["url"]
    problem(c.post(zaaktype["url"] + "/publish"), 400, "statustypen", "concept-relation")
    created = [
        (
            "statustype",
            "/statustypen",
            {"omschrijving": "Start", "volgnummer": 1, "zaaktype": zaaktype["url"]},
        ),
        (
            "statustype",
            "/statustypen",
            {"omschrijving": "Eind", "volgnummer": 7, "zaaktype": zaaktype["url"]},
        ),
        (
            "resultaattype",
            "/resultaattypen",
            {
                "zaaktype": zaaktype["url"],
                "omschrijving": "Klaar",
                "besluittypen": [],
                **selectielijst_refs(zaaktype["url"]),
            },
        ),
        (
            "roltype",
            "/roltypen",
            {
                "zaaktype": zaaktype["url"],
                "omschrijving": "Behandelaar",
                "omschrijvingGeneriek": "behandelaar",
            },
        ),
        (
            "eigenschap",
            "/eigenschappen",
            {
                "zaaktype": zaaktype["url"],
                "naam": "n",
                "definitie": "d",
                "specificatie": {"formaat": "getal", "lengte": "3", "kardinaliteit": "1"},
            },
        ),
    ]
    urls = {}
    for name, path, body in created:
        resp = c.post(c.url("catalogi", path), body)
        assert conforms(spec_paths, "catalogi", f"{name}_create", resp) == [], resp.text
        urls.setdefault(name, []).append(resp.json()["url"])
    iot = c.post(
        c.url("catalogi", "/informatieobjecttypen"),
        {
            "catalogus": cat_url,
            "omschrijving": "Brief",
            "vertrouwelijkheidaanduiding": "intern",
            "beginGeldigheid": "2024-01-01",
            "informatieobjectcategorie": "brief",
        },
    )
    assert conforms(spec_paths, "catalogi", "informatieobjecttype_create", iot) == []
    ziot = c.post(
        c.url("catalogi", "/zaaktype-informatieobjecttypen"),
        {
            "zaaktype": zaaktype["url"],
            "informatieobjecttype": "Brief",
            "volgnummer": 1,
            "richting": "uitgaand",
        },
    )
    assert conforms(spec_paths, "catalogi", "zaakinformatieobjecttype_create", ziot) == []
    problem(c.post(zaaktype["url"] + "/publish"), 400, "informatieobjecttypen", "concept-relation")
    assert c.post(iot.json()["url"] + "/publish").json()["concept"] is False
    published = c.post(zaaktype["url"] + "/publish")
    assert conforms(spec_paths, "catalogi", "zaaktype_publish", published) == []
    body = published.json()
    assert body["concept"] is False and body["statustypen"] == urls["statustype"]
    assert body["resultaattypen"] == urls["resultaattype"] and body["roltypen"] == urls["roltype"]
    assert (
        body["eigenschappen"] == urls["eigenschap"]
        and iot.json()["url"] in body["informatieobjecttypen"]
    )
    ends = [c.get(u).json()["isEindstatus"] for u in urls["statustype"]]
    assert ends == [False, True]
    # ztc-009 / ztc-010: published means frozen
    problem(
        c.request("PUT", zaaktype["url"], json=zaaktype_body(cat_url, "ZT-FLOW")),
        400,
        "nonFieldErrors",
        "non-concept-object",
    )
    problem(c.request("PATCH", zaaktype["url"], json={"omschrijving": "x"}), 400, "nonFieldErrors")
    problem(c.request("DELETE", zaaktype["url"]), 400, "nonFieldErrors", "non-concept-object")
    patched = c.request("PATCH", zaaktype["url"], json={"eindeGeldigheid": "2030-12-31"})
    assert patched.status_code == 200 and patched.json()["eindeGeldigheid"] == "2030-12-31"
    problem(
        c.post(
            c.url("catalogi", "/roltypen"),
            {
                "zaaktype": zaaktype["url"],
                "omschrijving": "Extra",
                "omschrijvingGeneriek": "adviseur",
            },
        ),
        400,
        "zaaktype",
        "non-concept-zaaktype",
    )
    problem(c.request("DELETE", urls["roltype"][0]), 400, "zaaktype")


def test_catalogi_references_and_status_filter(c: Client, world: World) -> None:
    for bad, code in [
        ("https://elders.example/catalogi/api/v1/zaaktypen/1", "bad-url"),
        (world.catalogus, "invalid-resource"),
        (world.zaaktype[:-36] + "00000000-0000-4000-8000-000000000000", "bad-url"),
    ]:
        problem(
            c.post(
                c.url("catalogi", "/statustypen"),
                {"omschrijving": "x", "volgnummer": 3, "zaaktype": bad},
            ),
            400,
            "zaaktype",
            code,
        )
    problem(
        c.post(c.url("catalogi", "/catalogussen"), {**catalogus_body(), "rsin": "123456789"}),
        400,
        "rsin",
        "invalid",
    )
    concept = c.create(
        c.url("catalogi", "/zaaktypen"), zaaktype_body(world.catalogus, "ZT-CONCEPT")
    )["url"]
    listed = {
        s: [
            z["url"]
            for z in c.get(
                c.url("catalogi", "/zaaktypen"), params={"status": s} if s else {}
            ).json()["results"]
        ]
        for s in ("", "concept", "alles")
    }
    assert world.zaaktype in listed[""] and concept not in listed[""]
    assert concept in listed["concept"] and world.zaaktype not in listed["concept"]
    assert {world.zaaktype, concept} <= set(listed["alles"])
    st = c.get(c.url("catalogi", "/statustypen"), params={"zaaktype": world.zaaktype}).json()
    assert [s["url"] for s in st["results"]] == [world.statustype_start, world.statustype_end]
    problem(c.get(c.url("catalogi", "/zaaktypen"), params={"status": "weird"}), 400, "status")
    assert c.request("DELETE", concept).status_code == 200
    assert c.get(concept).status_code == 404


# -- Documenten -----------------------------------------------------------------------------------
def test_document_needs_published_type(
    c: Client, world: World, spec_paths: dict[str, Path]
) -> None:
    concept_iot = c.create(
        c.url("catalogi", "/informatieobjecttypen"),
        {
            "catalogus": world.catalogus,
            "omschrijving": "Concept",
            "vertrouwelijkheidaanduiding": "openbaar",
            "beginGeldigheid": "2024-01-01",
            "informatieobjectcategorie": "x",
        },
        status=200,
    )["url"]
    problem(
        c.post(c.url("documenten", "/enkelvoudiginformatieobjecten"), document_body(concept_iot)),
        400,
        "informatieobjecttype",
        "not-published",
    )
    problem(
        c.post(
            c.url("documenten", "/enkelvoudiginformatieobjecten"),
            {**document_body(world.iot), "bronorganisatie": "12345678"},
        ),
        400,
        "bronorganisatie",
        "invalid-length",
    )
    created = c.post(
        c.url("documenten", "/enkelvoudiginformatieobjecten"), document_body(world.iot)
    )
    assert conforms(spec_paths, "documenten", "enkelvoudiginformatieobject_create", created) == []
    doc = c.get(created.json()["url"])
    assert conforms(spec_paths, "documenten", "enkelvoudiginformatieobject_retrieve", doc) == []
    assert doc.json()["vertrouwelijkheidaanduiding"] == "openbaar"
    assert c.get(doc.json()["inhoud"]).content == b"hallo"
    listed = c.get(c.url("documenten", "/enkelvoudiginformatieobjecten"))
    assert conforms(spec_paths, "documenten", "enkelvoudiginformatieobject_list", listed) == []


# -- Zaken: create, read, validation --------------------------------------------------------------
def test_create_zaak(c: Client, world: World, spec_paths: dict[str, Path]) -> None:
    resp = c.post(c.url("zaken", "/zaken"), zaak_body(world, omschrijving="Losse stoeptegel"))
    assert conforms(spec_paths, "zaken", "zaak_create", resp) == []
    assert resp.status_code == 201 and resp.headers["Location"] == resp.json()["url"]
    assert resp.headers["Content-Crs"] == "EPSG:4326" and resp.headers["API-version"] == "1.5.1"
    zaak = resp.json()
    assert zaak["vertrouwelijkheidaanduiding"] == "zaakvertrouwelijk"  # zrc-009: from the zaaktype
    assert re.fullmatch(r"ZAAK-\d{4}-\d{10}", zaak["identificatie"])
    assert zaak["status"] is None and zaak["einddatum"] is None and zaak["rollen"] == []
    got = c.get(zaak["url"])
    assert conforms(spec_paths, "zaken", "zaak_retrieve", got) == [] and got.json() == zaak


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("bronorganisatie", "123456789", "invalid"),
        ("bronorganisatie", "12345678", "invalid-length"),
        ("verantwoordelijkeOrganisatie", "12345678a", "only-digits"),
        ("bronorganisatie", "1234567890", "max_length"),
        ("startdatum", "2024-02-30", "invalid"),
        ("verlenging", {"reden": "x"}, None),
    ],
)
def test_invalid_zaak_input(
    c: Client, world: World, field: str, value: Any, code: str | None
) -> None:
    resp = c.post(c.url("zaken", "/zaken"), zaak_body(world, **{field: value}))
    problem(resp, 400, "verlenging.duur" if field == "verlenging" else field, code)


def test_body_must_be_a_json_object(c: Client, world: World) -> None:
    url = c.url("zaken", "/zaken")
    problem(
        c.request("POST", url, content=b"{not json", headers={"Content-Type": "application/json"}),
        400,
    )
    problem(c.request("POST", url, json=[1, 2]), 400)
    problem(c.request("POST", url, content=b"a=b", headers={"Content-Type": "text/plain"}), 415)
    problem(c.request("POST", url, json={}), 400, "zaaktype", "required")


def test_zrc_001_zaaktype_must_be_a_published_zaaktype(c: Client, world: World) -> None:
    concept = c.create(c.url("catalogi", "/zaaktypen"), zaaktype_body(world.catalogus, "ZT-001"))[
        "url"
    ]
    for bad, code in [
        ("https://elders.example/zaaktypen/1", "bad-url"),
        (world.statustype_start, "invalid-resource"),
        (world.zaaktype[:-36] + "00000000-0000-4000-8000-000000000000", "bad-url"),
        (concept, "not-published"),
    ]:
        problem(
            c.post(c.url("zaken", "/zaken"), zaak_body(world, zaaktype=bad)), 400, "zaaktype", code
        )
    other = build_world(c, "ZT-OTHER", "OTHER")
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    problem(
        c.request("PATCH", zaak, json={"zaaktype": other.zaaktype}),
        400,
        "zaaktype",
        "wijzigen-niet-toegelaten",
    )


def test_zrc_002_identificatie_unique(c: Client, world: World) -> None:
    first = c.create(c.url("zaken", "/zaken"), zaak_body(world, identificatie="ZAAK-UNIEK-1"))
    problem(
        c.post(c.url("zaken", "/zaken"), zaak_body(world, identificatie="ZAAK-UNIEK-1")),
        400,
        "identificatie",
        "identificatie-niet-uniek",
    )
    other_org = c.post(
        c.url("zaken", "/zaken"),
        zaak_body(world, identificatie="ZAAK-UNIEK-1", bronorganisatie=RSIN_2),
    )
    assert other_org.status_code == 201
    put = c.request("PUT", first["url"], json=zaak_body(world, identificatie="ZAAK-ANDERS"))
    problem(put, 400, "identificatie", "wijzigen-niet-toegelaten")
    a, b = (c.create(c.url("zaken", "/zaken"), zaak_body(world))["identificatie"] for _ in range(2))
    assert a != b


def test_zrc_007_008_close_and_reopen(c: Client, world: World, spec_paths: dict[str, Path]) -> None:
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    first = c.post(
        c.url("zaken", "/statussen"),
        {
            "zaak": zaak,
            "statustype": world.statustype_start,
            "datumStatusGezet": "2024-03-01T09:00:00Z",
        },
    )
    assert conforms(spec_paths, "zaken", "status_create", first) == []
    final = {
        "zaak": zaak,
        "statustype": world.statustype_end,
        "datumStatusGezet": "2024-03-05T10:00:00Z",
    }
    problem(
        c.post(c.url("zaken", "/statussen"), final),
        400,
        "nonFieldErrors",
        "resultaat-does-not-exist",
    )
    closed = close_zaak(c, world, zaak)
    assert closed.status_code == 201, closed.text
    body = c.get(zaak).json()
    assert body["einddatum"] == "2024-03-05" and body["status"] == closed.json()["url"]
    assert body["archiefnominatie"] == "vernietigen" and body["archiefactiedatum"] == "2034-03-05"
    statuses = c.get(c.url("zaken", "/statussen"), params={"zaak": zaak})
    assert conforms(spec_paths, "zaken", "status_list", statuses) == []
    assert [s["indicatieLaatstGezetteStatus"] for s in statuses.json()["results"]] == [False, True]
    reopened = c.post(
        c.url("zaken", "/statussen"),
        {
            "zaak": zaak,
            "statustype": world.statustype_start,
            "datumStatusGezet": "2024-03-06T10:00:00Z",
        },
    )
    assert reopened.status_code == 201
    body = c.get(zaak).json()
    assert (
        body["einddatum"] is None
        and body["archiefnominatie"] is None
        and body["archiefactiedatum"] is None
    )


def test_zrc_013_hoofdzaak(c: Client, world: World) -> None:
    hoofd = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    deel = c.create(c.url("zaken", "/zaken"), zaak_body(world, hoofdzaak=hoofd))["url"]
    assert c.get(hoofd).json()["deelzaken"] == [deel]
    problem(
        c.post(c.url("zaken", "/zaken"), zaak_body(world, hoofdzaak=deel)),
        400,
        "hoofdzaak",
        "deelzaak-als-hoofdzaak",
    )
    problem(
        c.request("PATCH", hoofd, json={"hoofdzaak": hoofd}), 400, "hoofdzaak", "self-forbidden"
    )
    problem(
        c.post(
            c.url("zaken", "/zaken"), zaak_body(world, hoofdzaak="https://elders.example/zaken/1")
        ),
        400,
        "hoofdzaak",
    )
    problem(
        c.post(
            c.url("zaken", "/zaken"),
            zaak_body(
                world,
                relevanteAndereZaken=[
                    {"url": "https://elders.example/zaken/1", "aardRelatie": "vervolg"}
                ],
            ),
        ),
        400,
        "relevanteAndereZaken.0.url",
    )


def test_zrc_014_betalingsindicatie(c: Client, world: World) -> None:
    problem(
        c.post(
            c.url("zaken", "/zaken"),
            zaak_body(world, betalingsindicatie="nvt", laatsteBetaaldatum="2024-03-01T10:00:00Z"),
        ),
        400,
        "laatsteBetaaldatum",
    )
    zaak = c.create(
        c.url("zaken", "/zaken"),
        zaak_body(world, betalingsindicatie="geheel", laatsteBetaaldatum="2024-03-01T10:00:00Z"),
    )
    assert zaak["betalingsindicatieWeergave"]
    patched = c.request("PATCH", zaak["url"], json={"betalingsindicatie": "nvt"})
    assert patched.status_code == 200 and patched.json()["laatsteBetaaldatum"] is None


def test_zrc_016_020_types_must_belong_to_the_zaaktype(c: Client, world: World) -> None:
    other = build_world(c, "ZT-MISMATCH", "MISM")
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    cases = [
        (
            "/statussen",
            {"statustype": other.statustype_start, "datumStatusGezet": "2024-03-01T10:00:00Z"},
            "statustype",
        ),
        ("/resultaten", {"resultaattype": other.resultaattype}, "resultaattype"),
        (
            "/rollen",
            {
                "roltype": other.roltype,
                "betrokkeneType": "medewerker",
                "roltoelichting": "x",
                "betrokkeneIdentificatie": {"identificatie": "m1"},
            },
            "roltype",
        ),
        ("/zaakinformatieobjecten", {"informatieobject": other.document}, "informatieobject"),
    ]
    for path, body, field in cases:
        problem(
            c.post(c.url("zaken", path), {"zaak": zaak, **body}), 400, field, "zaaktype-mismatch"
        )
    problem(
        c.post(
            zaak + "/zaakeigenschappen",
            {"zaak": zaak, "eigenschap": other.eigenschap, "waarde": "x"},
        ),
        400,
        "eigenschap",
        "zaaktype-mismatch",
    )
    problem(
        c.post(
            c.url("zaken", "/resultaten"),
            {"zaak": "https://elders.example/zaken/1", "resultaattype": world.resultaattype},
        ),
        400,
        "zaak",
        "bad-url",
    )
    problem(
        c.post(
            c.url("zaken", "/zaakinformatieobjecten"), {"zaak": zaak, "informatieobject": world.iot}
        ),
        400,
        "informatieobject",
        "invalid-resource",
    )


def test_sub_resources_and_zrc_023_hard_delete(
    c: Client, world: World, spec_paths: dict[str, Path]
) -> None:
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    made = {
        "rol": c.post(
            c.url("zaken", "/rollen"),
            {
                "zaak": zaak,
                "roltype": world.roltype,
                "betrokkeneType": "natuurlijk_persoon",
                "roltoelichting": "Melder",
                "betrokkeneIdentificatie": {"inpBsn": "999990019", "geslachtsnaam": "Jansen"},
            },
        ),
        "zaakobject": c.post(
            c.url("zaken", "/zaakobjecten"),
            {
                "zaak": zaak,
                "objectType": "overige",
                "objectTypeOverige": "lantaarnpaal",
                "objectIdentificatie": {"overigeData": {"nummer": 12}},
            },
        ),
        "zaakinformatieobject": c.post(
            c.url("zaken", "/zaakinformatieobjecten"),
            {"zaak": zaak, "informatieobject": world.document},
        ),
        "zaakeigenschap": c.post(
            zaak + "/zaakeigenschappen",
            {"zaak": zaak, "eigenschap": world.eigenschap, "waarde": "rood"},
        ),
        "resultaat": c.post(
            c.url("zaken", "/resultaten"), {"zaak": zaak, "resultaattype": world.resultaattype}
        ),
        "status": c.post(
            c.url("zaken", "/statussen"),
            {
                "zaak": zaak,
                "statustype": world.statustype_start,
                "datumStatusGezet": "2024-03-01T09:00:00Z",
            },
        ),
    }
    for name, resp in made.items():
        assert conforms(spec_paths, "zaken", f"{name}_create", resp) == [], (name, resp.text)
        got = c.get(resp.json()["url"])
        assert conforms(spec_paths, "zaken", f"{name}_retrieve", got) == [], name
    body = c.get(zaak).json()
    assert body["rollen"] == [made["rol"].json()["url"]]
    assert body["zaakobjecten"] == [made["zaakobject"].json()["url"]]
    assert body["zaakinformatieobjecten"] == [made["zaakinformatieobject"].json()["url"]]
    assert body["eigenschappen"] == [made["zaakeigenschap"].json()["url"]]
    assert (
        body["resultaat"] == made["resultaat"].json()["url"]
        and body["status"] == made["status"].json()["url"]
    )
    zio = made["zaakinformatieobject"].json()
    assert zio["aardRelatieWeergave"] == "Hoort bij, omgekeerd: kent" and zio["registratiedatum"]
    problem(
        c.post(c.url("zaken", "/resultaten"), {"zaak": zaak, "resultaattype": world.resultaattype}),
        400,
        "zaak",
        "unique",
    )
    patched = c.request("PATCH", made["resultaat"].json()["url"], json={"toelichting": "ok"})
    assert conforms(spec_paths, "zaken", "resultaat_partial_update", patched) == []
    for op in ("rol_list", "zaakobject_list", "zaakinformatieobject_list", "resultaat_list"):
        path = {
            "rol_list": "/rollen",
            "zaakobject_list": "/zaakobjecten",
            "zaakinformatieobject_list": "/zaakinformatieobjecten",
            "resultaat_list": "/resultaten",
        }[op]
        assert (
            conforms(spec_paths, "zaken", op, c.get(c.url("zaken", path), params={"zaak": zaak}))
            == []
        )
    assert (
        conforms(spec_paths, "zaken", "zaakeigenschap_list", c.get(zaak + "/zaakeigenschappen"))
        == []
    )
    assert c.request("DELETE", zaak).status_code == 204
    assert c.get(zaak).status_code == 404
    for resp in made.values():
        assert c.get(resp.json()["url"]).status_code == 404
    # a filter on the deleted zaak names nothing that exists: refused, not an empty page
    problem(c.get(c.url("zaken", "/rollen"), params={"zaak": zaak}), 400, "zaak", "invalid")


def test_audittrail_documents_and_mirrored_relations(
    c: Client, world: World, spec_paths: dict[str, Path]
) -> None:
    created = c.post(
        c.url("zaken", "/zaken"), zaak_body(world), headers={"X-Audit-Toelichting": "test"}
    )
    zaak = created.json()["url"]
    c.create(
        c.url("zaken", "/rollen"),
        {
            "zaak": zaak,
            "roltype": world.roltype,
            "roltoelichting": "x",
            "betrokkeneType": "medewerker",
            "betrokkeneIdentificatie": {"identificatie": "m"},
        },
    )
    assert c.request("PUT", zaak, json=zaak_body(world, omschrijving="Volledig")).status_code == 200
    trail = c.get(zaak + "/audittrail")
    assert conforms(spec_paths, "zaken", "audittrail_list", trail) == []
    entries = trail.json()
    assert [(e["actie"], e["resource"]) for e in entries] == [
        ("create", "zaak"),
        ("create", "rol"),
        ("update", "zaak"),
    ]
    assert entries[0]["toelichting"] == "test" and entries[0]["gebruikersId"] == "tester"
    assert entries[2]["wijzigingen"]["nieuw"]["omschrijving"] == "Volledig"
    one = c.get(f"{zaak}/audittrail/{entries[0]['uuid']}")
    assert conforms(spec_paths, "zaken", "audittrail_retrieve", one) == []

    doc = c.create(c.url("documenten", "/enkelvoudiginformatieobjecten"), document_body(world.iot))
    c.create(
        c.url("zaken", "/zaakinformatieobjecten"), {"zaak": zaak, "informatieobject": doc["url"]}
    )
    oio = c.get(c.url("documenten", "/objectinformatieobjecten"), params={"object": zaak})
    assert conforms(spec_paths, "documenten", "objectinformatieobject_list", oio) == []
    assert [(o["informatieobject"], o["objectType"]) for o in oio.json()] == [(doc["url"], "zaak")]
    problem(c.request("DELETE", doc["url"]), 400, "nonFieldErrors", "pending-relations")
    problem(
        c.request("PATCH", doc["url"], json={"titel": "nieuw"}), 400, "nonFieldErrors", "unlocked"
    )
    lock = c.post(doc["url"] + "/lock").json()["lock"]
    problem(
        c.request("PATCH", doc["url"], json={"titel": "nieuw", "lock": "fout"}),
        400,
        "nonFieldErrors",
        "incorrect-lock-id",
    )
    patched = c.request("PATCH", doc["url"], json={"titel": "nieuw", "lock": lock})
    assert (
        conforms(spec_paths, "documenten", "enkelvoudiginformatieobject_partial_update", patched)
        == []
    )
    assert patched.json()["versie"] == 2 and patched.json()["locked"] is True
    assert c.post(doc["url"] + "/unlock", {"lock": lock}).status_code == 204
    found = c.post(
        c.url("documenten", "/enkelvoudiginformatieobjecten/_zoek"),
        {"uuid__in": [doc["url"].rsplit("/", 1)[1]]},
    )
    assert [d["titel"] for d in found.json()["results"]] == ["nieuw"]

    assert c.request("DELETE", zaak).status_code == 204
    assert c.get(zaak + "/audittrail").status_code == 404
    assert (
        c.get(c.url("documenten", "/objectinformatieobjecten"), params={"object": zaak}).json()
        == []
    )


# -- generic rules: pagination, query parameters, filters, CRS, ETag, headers ---------------------
def rsin_numbers(count: int, start: int = 100_000_000) -> list[str]:
    """Valid RSINs by the 11-test (weights 9..2 and -1)."""
    found, n = [], start
    while len(found) < count:
        digits = f"{n:09d}"
        if (
            sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
            - int(digits[8])
        ) % 11 == 0:
            found.append(digits)
        n += 1
    return found


def test_pagination(c: Client, world: World, spec_paths: dict[str, Path]) -> None:
    org = "000000000"
    for i in range(101):
        c.create(
            c.url("zaken", "/zaken"),
            zaak_body(world, bronorganisatie=org, startdatum=f"2023-01-{i % 28 + 1:02d}"),
        )
    url = c.url("zaken", "/zaken")
    first = c.get(url, params={"bronorganisatie": org})
    assert conforms(spec_paths, "zaken", "zaak_list", first) == []
    page1 = first.json()
    assert page1["count"] == 101 and len(page1["results"]) == 100 and page1["previous"] is None
    assert c.get(url, params={"bronorganisatie": org, "page": "1"}).json() == page1
    assert page1["next"] == f"{url}?bronorganisatie={org}&page=2"
    page2 = c.get(page1["next"]).json()
    assert len(page2["results"]) == 1 and page2["next"] is None
    assert page2["previous"] == f"{url}?bronorganisatie={org}&page=1"
    problem(c.get(url, params={"bronorganisatie": org, "page": "3"}), 404)
    for bad in ("0", "-1", "abc"):
        problem(c.get(url, params={"page": bad}), 400, "page")
    ids = {z["url"] for z in page1["results"]} | {z["url"] for z in page2["results"]}
    assert len(ids) == 101
    ordered = c.get(url, params={"bronorganisatie": org, "ordering": "-startdatum"}).json()[
        "results"
    ]
    assert ordered[0]["startdatum"] == "2023-01-28" and ordered[-1]["startdatum"] == "2023-01-01"
    listed = c.get(c.url("zaken", "/zaakinformatieobjecten"))  # not paginated in the spec: an array
    assert isinstance(listed.json(), list)


@pytest.mark.parametrize(
    ("path", "params", "name", "code"),
    [
        ("/zaken", {"foo": "1"}, "foo", "unknown-parameters"),
        ("/statussen", {"zaak__in": "x"}, "zaak__in", "unknown-parameters"),
        ("/zaken", {"startdatum__gt": "gisteren"}, "startdatum__gt", "invalid"),
        ("/zaken", {"archiefnominatie": "bewaren"}, "archiefnominatie", "invalid_choice"),
        ("/zaken", {"zaaktype": "geen url"}, "zaaktype", "invalid"),
        ("/zaken", {"einddatum__isnull": "misschien"}, "einddatum__isnull", "invalid"),
        ("/zaken", {"ordering": "kleur"}, "ordering", "invalid_choice"),
    ],
)
def test_query_parameters_are_validated(
    c: Client, path: str, params: dict[str, str], name: str, code: str
) -> None:
    problem(c.get(c.url("zaken", path), params=params), 400, name, code)


def test_unknown_parameter_on_detail_and_other_apis(c: Client, world: World) -> None:
    problem(c.get(world.zaaktype, params={"foo": "1"}), 400, "foo", "unknown-parameters")
    problem(
        c.get(c.url("documenten", "/enkelvoudiginformatieobjecten"), params={"foo": "1"}),
        400,
        "foo",
    )


def test_zaak_filters(c: Client, world: World) -> None:
    org_a, org_b = rsin_numbers(2, 300_000_000)
    a = c.create(
        c.url("zaken", "/zaken"),
        zaak_body(
            world,
            bronorganisatie=org_a,
            startdatum="2022-05-01",
            vertrouwelijkheidaanduiding="openbaar",
        ),
    )
    b = c.create(
        c.url("zaken", "/zaken"),
        zaak_body(
            world,
            bronorganisatie=org_b,
            startdatum="2022-06-01",
            vertrouwelijkheidaanduiding="geheim",
        ),
    )
    c.create(
        c.url("zaken", "/rollen"),
        {
            "zaak": b["url"],
            "roltype": world.roltype,
            "betrokkeneType": "medewerker",
            "roltoelichting": "x",
            "betrokkeneIdentificatie": {"identificatie": "mw-7"},
        },
    )
    close_zaak(c, world, a["url"])

    def urls(**params: str) -> set[str]:
        found = c.get(
            c.url("zaken", "/zaken"), params={"bronorganisatie__in": f"{org_a},{org_b}", **params}
        )
        assert found.status_code == 200, found.text
        return {z["url"] for z in found.json()["results"]}

    assert urls() == {a["url"], b["url"]}
    assert urls(bronorganisatie=org_a) == {a["url"]}
    assert urls(startdatum__gt="2022-05-15") == {b["url"]}
    assert urls(startdatum__lte="2022-05-01") == {a["url"]}
    assert urls(einddatum__isnull="true") == {b["url"]}
    assert urls(einddatum__isnull="false") == {a["url"]}
    assert urls(archiefnominatie="vernietigen") == {a["url"]}
    assert urls(maximaleVertrouwelijkheidaanduiding="intern") == {a["url"]}
    assert urls(rol__betrokkeneType="medewerker") == {b["url"]}
    assert urls(rol__betrokkeneIdentificatie__medewerker__identificatie="mw-7") == {b["url"]}
    assert urls(zaaktype=world.zaaktype) == {a["url"], b["url"]}
    assert urls(identificatie=a["identificatie"]) == {a["url"]}
    searched = c.post(c.url("zaken", "/zaken/_zoek"), {"bronorganisatie": org_b})
    assert [z["url"] for z in searched.json()["results"]] == [b["url"]]


def test_expand_embeds_what_a_zaak_links_to(
    c: Client, world: World, spec_paths: dict[str, Path]
) -> None:
    """Zaken 1.5.1 expand (zaken_expand.py): each asked-for level embedded as its own GET
    answers it, lists as arrays, an empty link as {}; a path the OAS's embedded schemas do
    not have is refused with 400 invalid_choice on expand, as Open Zaak does."""
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))
    status = c.create(c.url("zaken", "/statussen"), {
        "zaak": zaak["url"], "statustype": world.statustype_start,
        "datumStatusGezet": "2024-03-02T10:00:00Z"})
    rol = c.create(c.url("zaken", "/rollen"), {
        "zaak": zaak["url"], "roltype": world.roltype, "betrokkeneType": "medewerker",
        "roltoelichting": "x", "betrokkeneIdentificatie": {"identificatie": "mw-8"}})
    deelzaak = c.create(c.url("zaken", "/zaken"), zaak_body(world, hoofdzaak=zaak["url"]))
    zaaktype = c.get(world.zaaktype).json()
    statustype = c.get(world.statustype_start).json()
    asked = {"expand": "zaaktype,status,status.statustype"}
    resp = c.get(zaak["url"], params=asked)
    # ZaakEmbedded's status is oneOf [StatusExpanded, EmptyObject], and EmptyObject (an object
    # without properties) matches every object: the pinned file itself refuses every embedded
    # status (and hoofdzaak, resultaat); nothing else may be wrong
    problems = conforms(spec_paths, "zaken", "zaak_retrieve", resp)
    assert problems and all(p.startswith("_expand/status: ") and "is valid under each of" in p
                            for p in problems), problems
    embedded = resp.json()["_expand"]
    assert embedded == {"zaaktype": zaaktype,
                        "status": {**status, "_expand": {"statustype": statustype}}}
    listed = c.get(c.url("zaken", "/zaken"), params={**asked,
                                                     "identificatie": zaak["identificatie"]})
    assert [z["_expand"] for z in listed.json()["results"]] == [embedded]
    listed = c.get(c.url("zaken", "/zaken"), params={"expand": "zaaktype,rollen",
                                                     "identificatie": zaak["identificatie"]})
    assert conforms(spec_paths, "zaken", "zaak_list", listed) == []
    found = c.post(c.url("zaken", "/zaken/_zoek"), {"uuid__in": [zaak["uuid"]], **asked})
    assert [z["_expand"] for z in found.json()["results"]] == [embedded]

    lists = c.get(zaak["url"], params={"expand": "rollen,deelzaken,resultaat,hoofdzaak"})
    assert lists.json()["_expand"] == {"rollen": [c.get(rol["url"]).json()],
                                       "deelzaken": [c.get(deelzaak["url"]).json()],
                                       "resultaat": {}, "hoofdzaak": {}}
    # the OAS's own example form: spaces after the commas, four levels
    deep = c.get(deelzaak["url"], params={"expand": "hoofdzaak, hoofdzaak.deelzaken, "
                                          "hoofdzaak.status, hoofdzaak.status.statustype"})
    hoofd = deep.json()["_expand"]["hoofdzaak"]
    assert hoofd["url"] == zaak["url"] and set(hoofd["_expand"]) == {"deelzaken", "status"}
    assert hoofd["_expand"]["status"]["_expand"]["statustype"] == statustype
    assert c.get(zaak["url"], params={"expand": "status.statustype"}).json()["_expand"] == {}
    assert "_expand" not in c.get(zaak["url"]).json()
    for path in ("nonsense", "zaaktype.statustypen", "zaakinformatieobjecten", "status.zaak"):
        problem(c.get(zaak["url"], params={"expand": path}), 400, "expand", "invalid_choice")
        problem(c.get(c.url("zaken", "/zaken"), params={"expand": path}), 400, "expand",
                "invalid_choice")
    problem(c.post(c.url("zaken", "/zaken/_zoek"), {"expand": "nonsense"}), 400, "expand",
            "invalid_choice")


def test_crs_headers(c: Client, world: World) -> None:
    url = c.url("zaken", "/zaken")
    resp = c.http.get(url, headers={"Accept-Crs": "EPSG:4326"})
    assert problem(resp, 412)["code"] == "precondition_failed"
    problem(c.http.post(url, json=zaak_body(world), headers={"Content-Crs": "EPSG:4326"}), 412)
    problem(c.get(url, headers={"Accept-Crs": "EPSG:28992"}), 406)
    ok = c.get(url)
    assert ok.status_code == 200 and ok.headers["Content-Crs"] == "EPSG:4326"
    assert (
        c.http.get(c.url("zaken", "/statussen")).status_code == 200
    )  # CRS is only declared for /zaken


def test_etag_head_and_conditional_get(
    c: Client, world: World, spec_paths: dict[str, Path]
) -> None:
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    got = c.get(zaak)
    etag = got.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    head = c.request("HEAD", zaak)
    assert conforms(spec_paths, "zaken", "zaak_headers", head) == []
    assert head.status_code == 200 and head.content == b""
    for key in ("ETag", "API-version", "Content-Crs", "Content-Type", "Content-Length"):
        assert head.headers[key] == got.headers[key], key
    cached = c.get(zaak, headers={"If-None-Match": f'"other", {etag}'})
    assert cached.status_code == 304 and cached.content == b""
    assert cached.headers["ETag"] == etag and cached.headers["API-version"] == "1.5.1"
    assert c.get(zaak, headers={"If-None-Match": '"other"'}).status_code == 200
    c.request("PATCH", zaak, json={"omschrijving": "gewijzigd"})
    assert c.get(zaak, headers={"If-None-Match": etag}).status_code == 200
    for url in (world.zaaktype, world.statustype_start, world.document, world.catalogus):
        resp = c.get(url)
        assert (
            resp.headers["ETag"]
            and c.get(url, headers={"If-None-Match": resp.headers["ETag"]}).status_code == 304
        )


def test_api_version_everywhere(c: Client, world: World) -> None:
    for api, version in VERSIONS.items():
        for resp in (
            c.get(c.url(api, "/nothing-here")),
            c.request("DELETE", c.url(api, "/openapi.json")),
            httpx.get(c.url(api, "/openapi.json")),
        ):
            assert resp.headers["API-version"] == version, (api, resp.status_code)
    assert (
        problem(c.request("PUT", c.url("zaken", "/zaken")), 405).get("code") == "method_not_allowed"
    )
    assert c.request("HEAD", world.zaaktype).headers["API-version"] == "1.3.1"


# -- defects: each switch changes exactly the behaviour it names ----------------------------------
@pytest.fixture
def defective(
    spec_paths: dict[str, Path], request: pytest.FixtureRequest
) -> Iterator[tuple[Client, World]]:
    """A fresh server with the defect named by the test's parameter, and a built world."""
    name = request.param
    with ReferenceServer(
        spec_paths=spec_paths, client_id=CLIENT_ID, secret=SECRET, defects=frozenset({name})
    ) as srv:
        client = Client(srv)
        yield client, build_world(client)


def _defect(name: str) -> Any:
    return pytest.mark.parametrize("defective", [name], indirect=True)


@_defect("missing-required-field")
def test_defect_missing_required_field(
    defective: tuple[Client, World], spec_paths: dict[str, Path]
) -> None:
    c, world = defective
    resp = c.post(c.url("zaken", "/zaken"), zaak_body(world))
    assert "betalingsindicatieWeergave" not in resp.json()
    assert any(
        "betalingsindicatieWeergave" in p
        for p in conforms(spec_paths, "zaken", "zaak_create", resp)
    )


@_defect("create-returns-200")
def test_defect_create_returns_200(defective: tuple[Client, World]) -> None:
    c, world = defective
    resp = c.post(c.url("zaken", "/zaken"), zaak_body(world))
    assert resp.status_code == 200 and resp.headers["Location"] == resp.json()["url"]


@_defect("no-api-version")
def test_defect_no_api_version(defective: tuple[Client, World]) -> None:
    c, world = defective
    for resp in (
        c.get(world.zaaktype),
        c.get(c.url("zaken", "/nothing")),
        httpx.get(c.url("zaken", "/zaken")),
    ):
        assert "API-version" not in resp.headers


@_defect("plain-text-errors")
def test_defect_plain_text_errors(defective: tuple[Client, World]) -> None:
    c, world = defective
    for resp in (
        c.get(c.url("zaken", "/nothing")),
        c.post(c.url("zaken", "/zaken"), {}),
        httpx.get(c.url("catalogi", "/zaaktypen")),
    ):
        assert resp.status_code >= 400 and resp.headers["content-type"].startswith("text/plain")
        assert resp.text.count("\n") == 1


@_defect("pagination-count-wrong")
def test_defect_pagination_count_wrong(defective: tuple[Client, World]) -> None:
    c, world = defective
    for _ in range(3):
        c.create(c.url("zaken", "/zaken"), zaak_body(world))
    page = c.get(c.url("zaken", "/zaken")).json()
    assert len(page["results"]) == 3 and page["count"] == 4
    assert c.get(c.url("catalogi", "/zaaktypen")).json()["count"] == 2


@_defect("filter-ignored")
def test_defect_filter_ignored(defective: tuple[Client, World]) -> None:
    c, world = defective
    c.create(c.url("zaken", "/zaken"), zaak_body(world, bronorganisatie=RSIN))
    c.create(c.url("zaken", "/zaken"), zaak_body(world, bronorganisatie=RSIN_2))
    for params in ({"bronorganisatie": RSIN}, {"bronorganisatie__in": RSIN}):
        assert c.get(c.url("zaken", "/zaken"), params=params).json()["count"] == 2
    assert (
        c.get(c.url("zaken", "/zaken"), params={"startdatum__gt": "2030-01-01"}).json()["count"]
        == 0
    )


@_defect("expand-ignored")
def test_defect_expand_ignored(defective: tuple[Client, World]) -> None:
    c, world = defective
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))
    for path in ("zaaktype", "nonsense"):
        for resp in (c.get(zaak["url"], params={"expand": path}),
                     c.get(c.url("zaken", "/zaken"), params={"expand": path}),
                     c.post(c.url("zaken", "/zaken/_zoek"),
                            {"uuid__in": [zaak["uuid"]], "expand": path})):
            assert resp.status_code == 200, resp.text
            body = resp.json()
            assert all("_expand" not in z for z in body.get("results", [body]))


@_defect("unknown-query-param-accepted")
def test_defect_unknown_query_param_accepted(defective: tuple[Client, World]) -> None:
    c, world = defective
    assert c.get(c.url("zaken", "/zaken"), params={"foo": "1"}).status_code == 200
    assert c.get(world.zaaktype, params={"foo": "1"}).status_code == 200


@_defect("auth-bypass")
def test_defect_auth_bypass(defective: tuple[Client, World]) -> None:
    c, world = defective
    assert httpx.get(c.url("zaken", "/zaken"), headers=CRS).status_code == 200
    bad = make_token(secret="wrong-secret-0123456789abcdefghij")
    assert httpx.get(world.zaaktype, headers={"Authorization": f"Bearer {bad}"}).status_code == 200


@_defect("rsin-not-validated")
def test_defect_rsin_not_validated(defective: tuple[Client, World]) -> None:
    c, world = defective
    for value in ("123456789", "12ab", "abcdefghi"):
        assert (
            c.post(c.url("zaken", "/zaken"), zaak_body(world, bronorganisatie=value)).status_code
            == 201
        )
    problem(
        c.post(c.url("zaken", "/zaken"), zaak_body(world, bronorganisatie="1234567890")),
        400,
        "bronorganisatie",
        "max_length",
    )
    problem(
        c.post(c.url("catalogi", "/catalogussen"), {**catalogus_body(), "rsin": "123456789"}),
        400,
        "rsin",
    )


@_defect("close-without-einddatum")
def test_defect_close_without_einddatum(defective: tuple[Client, World]) -> None:
    c, world = defective
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    closed = close_zaak(c, world, zaak)
    assert closed.status_code == 201
    body = c.get(zaak).json()
    assert body["status"] == closed.json()["url"] and body["einddatum"] is None


@_defect("close-without-resultaat")
def test_defect_close_without_resultaat(defective: tuple[Client, World]) -> None:
    c, world = defective
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    closed = c.post(c.url("zaken", "/statussen"), {
        "zaak": zaak, "statustype": world.statustype_end,
        "datumStatusGezet": "2024-03-05T10:00:00Z"})
    assert closed.status_code == 201 and c.get(zaak).json()["einddatum"] == "2024-03-05"


def _rol(c: Client, world: World) -> str:
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    return c.create(c.url("zaken", "/rollen"), {
        "zaak": zaak, "roltype": world.roltype, "betrokkeneType": "natuurlijk_persoon",
        "roltoelichting": "Melder",
        "betrokkeneIdentificatie": {"inpBsn": "999990019", "geslachtsnaam": "Jansen"}})["url"]


@_defect("nullable-text-refused")
def test_defect_nullable_text_refused(defective: tuple[Client, World]) -> None:
    c, _ = defective
    url = c.url("catalogi", "/catalogussen")
    problem(c.post(url, {**catalogus_body(), "domein": "NUL", "versie": None}), 400, "versie",
            "null")
    assert c.post(url, {**catalogus_body(), "domein": "NULL", "versie": "1"}).status_code == 201


@_defect("rol-delete-forbidden")
def test_defect_rol_delete_forbidden(defective: tuple[Client, World]) -> None:
    c, world = defective
    rol = _rol(c, world)
    problem(c.request("DELETE", rol), 403)
    assert c.get(rol).status_code == 200


@_defect("subresource-head-404")
def test_defect_subresource_head_404(defective: tuple[Client, World]) -> None:
    c, world = defective
    rol = _rol(c, world)
    assert c.request("HEAD", rol).status_code == 404 and c.get(rol).status_code == 200
    zaak = c.get(rol).json()["zaak"]
    assert c.request("HEAD", zaak).status_code == 200  # the zaak itself is not a sub-resource


@_defect("list-404-without-page")
def test_defect_list_404_without_page(defective: tuple[Client, World]) -> None:
    c, _ = defective
    assert c.get(c.url("zaken", "/zaakobjecten")).status_code == 404
    assert c.get(c.url("zaken", "/zaakobjecten"), params={"page": 1}).status_code == 200


@_defect("not-modified-unconditional")
def test_defect_not_modified_unconditional(defective: tuple[Client, World]) -> None:
    c, world = defective
    rol = _rol(c, world)
    assert c.get(rol).status_code == 304
    etag = c.request("HEAD", rol).headers.get("etag")
    assert c.get(rol, headers={"If-None-Match": "\"other\""}).status_code == 200, etag


@_defect("delete-soft")
def test_defect_delete_soft(defective: tuple[Client, World]) -> None:
    c, world = defective
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    rol = c.create(
        c.url("zaken", "/rollen"),
        {
            "zaak": zaak,
            "roltype": world.roltype,
            "roltoelichting": "x",
            "betrokkeneType": "medewerker",
            "betrokkeneIdentificatie": {"identificatie": "m"},
        },
    )["url"]
    assert c.request("DELETE", zaak).status_code == 204
    assert c.get(zaak).status_code == 200 and c.get(rol).status_code == 200


@_defect("etag-ignored")
def test_defect_etag_ignored(defective: tuple[Client, World]) -> None:
    c, world = defective
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    got = c.get(zaak)
    assert "ETag" not in got.headers and "ETag" not in c.request("HEAD", zaak).headers
    assert c.get(zaak, headers={"If-None-Match": "*"}).status_code == 200


@_defect("crs-not-required")
def test_defect_crs_not_required(defective: tuple[Client, World]) -> None:
    c, world = defective
    assert c.http.get(c.url("zaken", "/zaken")).status_code == 200
    assert c.http.post(c.url("zaken", "/zaken"), json=zaak_body(world)).status_code == 201
    problem(c.get(c.url("zaken", "/zaken"), headers={"Accept-Crs": "EPSG:28992"}), 406)


@_defect("zaaktype-not-validated")
def test_defect_zaaktype_not_validated(defective: tuple[Client, World]) -> None:
    c, world = defective
    concept = c.create(c.url("catalogi", "/zaaktypen"), zaaktype_body(world.catalogus, "ZT-C"))[
        "url"
    ]
    for url in ("https://elders.example/zaaktypen/1", concept, world.statustype_start):
        assert c.post(c.url("zaken", "/zaken"), zaak_body(world, zaaktype=url)).status_code == 201
    problem(
        c.post(c.url("zaken", "/zaken"), zaak_body(world, zaaktype="geen url")), 400, "zaaktype"
    )


@_defect("duplicate-identificatie")
def test_defect_duplicate_identificatie(defective: tuple[Client, World]) -> None:
    c, world = defective
    for _ in range(2):
        resp = c.post(c.url("zaken", "/zaken"), zaak_body(world, identificatie="DUBBEL"))
        assert resp.status_code == 201
    assert c.get(c.url("zaken", "/zaken"), params={"identificatie": "DUBBEL"}).json()["count"] == 2


@_defect("server-error-on-old-date")
def test_defect_server_error_on_old_date(defective: tuple[Client, World]) -> None:
    c, world = defective
    assert (
        c.post(c.url("zaken", "/zaken"), zaak_body(world, startdatum="1900-01-01")).status_code
        == 201
    )
    resp = c.post(c.url("zaken", "/zaken"), zaak_body(world, startdatum="1899-12-31"))
    body = problem(resp, 500)
    assert resp.headers["API-version"] == "1.5.1" and "Traceback" not in body["detail"]
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    problem(c.request("PATCH", zaak, json={"startdatum": "1465-11-28"}), 500)


@_defect("script-in-fields")
def test_defect_script_in_fields(
    defective: tuple[Client, World], spec_paths: dict[str, Path]
) -> None:
    c, world = defective
    resp = c.post(
        c.url("zaken", "/zaken"), zaak_body(world, omschrijving="Gewoon", toelichting="Gewoon")
    )
    body = resp.json()
    assert body["omschrijving"] == body["toelichting"]
    assert len(body["omschrijving"]) == 120 and body["omschrijving"].startswith("<script>")
    assert 'onerror="document.title=' in body["omschrijving"]
    assert any(
        p.startswith("omschrijving") for p in conforms(spec_paths, "zaken", "zaak_create", resp)
    )


def test_every_defect_has_a_test() -> None:
    """The defects of the first APIs are exercised directly here; every switch (these and the
    later APIs' ones) is also proven by whole runs (test_whole_runs.py checks that the
    tables in defect_tables.py together name every switch exactly once)."""
    tested = {
        m.args[1][0]
        for f in globals().values()
        if callable(f)
        for m in getattr(f, "pytestmark", [])
        if m.name == "parametrize" and m.args[0] == "defective"
    }
    assert tested <= set(DEFECTS)
    assert len(tested) >= 26


# -- Documenten (profile drc-1.4): gebruiksrechten, objectinformatieobjecten, defects -------------
def _new_document(c: Client, world: World) -> dict[str, Any]:
    return c.create(c.url("documenten", "/enkelvoudiginformatieobjecten"), document_body(world.iot))


def _gebruiksrecht(c: Client, document: str) -> httpx.Response:
    return c.post(
        c.url("documenten", "/gebruiksrechten"),
        {
            "informatieobject": document,
            "startdatum": "2024-01-01T00:00:00Z",
            "omschrijvingVoorwaarden": "Alleen intern",
        },
    )


def test_drc_006_gebruiksrechten_drive_the_indicatie(
    c: Client, world: World, spec_paths: dict[str, Path]
) -> None:
    doc = _new_document(c, world)
    assert doc["indicatieGebruiksrecht"] is None
    problem(
        c.post(
            c.url("documenten", "/enkelvoudiginformatieobjecten"),
            {**document_body(world.iot), "indicatieGebruiksrecht": True},
        ),
        400,
        "indicatieGebruiksrecht",
        "missing-gebruiksrechten",
    )
    first = _gebruiksrecht(c, doc["url"])
    assert first.status_code == 201, first.text
    assert conforms(spec_paths, "documenten", "gebruiksrechten_create", first) == []
    second = _gebruiksrecht(c, doc["url"]).json()
    assert c.get(doc["url"]).json()["indicatieGebruiksrecht"] is True
    listed = c.get(c.url("documenten", "/gebruiksrechten"), params={"informatieobject": doc["url"]})
    assert conforms(spec_paths, "documenten", "gebruiksrechten_list", listed) == []
    assert {g["url"] for g in listed.json()} == {first.json()["url"], second["url"]}
    lock = c.post(doc["url"] + "/lock").json()["lock"]
    problem(
        c.request("PATCH", doc["url"], json={"indicatieGebruiksrecht": None, "lock": lock}),
        400,
        "indicatieGebruiksrecht",
        "existing-gebruiksrechten",
    )
    assert c.post(doc["url"] + "/unlock", {"lock": lock}).status_code == 204
    other = _new_document(c, world)["url"]
    problem(
        c.request("PATCH", second["url"], json={"informatieobject": other}),
        400,
        "informatieobject",
        "wijzigen-niet-toegelaten",
    )
    assert c.request("DELETE", first.json()["url"]).status_code == 204
    assert c.get(doc["url"]).json()["indicatieGebruiksrecht"] is True
    assert c.request("DELETE", second["url"]).status_code == 204
    assert c.get(doc["url"]).json()["indicatieGebruiksrecht"] is None
    problem(_gebruiksrecht(c, world.zaaktype), 400, "informatieobject")


def test_drc_008_document_delete_removes_its_gebruiksrechten(c: Client, world: World) -> None:
    doc = _new_document(c, world)["url"]
    recht = _gebruiksrecht(c, doc).json()["url"]
    assert c.request("DELETE", doc).status_code == 204
    assert c.get(recht).status_code == 404


def test_drc_002_003_004_objectinformatieobject_create_is_checked(c: Client, world: World) -> None:
    doc = _new_document(c, world)["url"]
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))["url"]
    oio = c.url("documenten", "/objectinformatieobjecten")
    missing = zaak.rsplit("/", 1)[0] + "/0b5d1e2a-6c7e-4f3a-9b1d-2a3c4d5e6f70"
    body = {"informatieobject": doc, "object": missing, "objectType": "zaak"}
    problem(c.post(oio, body), 400, "object", "bad-url")
    problem(c.post(oio, {**body, "object": zaak}), 400, "nonFieldErrors", "inconsistent-relation")
    c.create(c.url("zaken", "/zaakinformatieobjecten"), {"zaak": zaak, "informatieobject": doc})
    problem(c.post(oio, {**body, "object": zaak}), 400, "nonFieldErrors", "unique")
    listed = c.get(oio, params={"informatieobject": doc}).json()
    assert [o["object"] for o in listed] == [zaak]


@_defect("update-without-lock")
def test_defect_update_without_lock(defective: tuple[Client, World]) -> None:
    c, world = defective
    doc = _new_document(c, world)["url"]
    assert c.request("PATCH", doc, json={"titel": "Zonder lock"}).status_code == 200
    lock = c.post(doc + "/lock").json()["lock"]
    resp = c.request("PATCH", doc, json={"titel": "Verkeerde lock", "lock": "x" + lock})
    assert resp.status_code == 200 and resp.json()["titel"] == "Verkeerde lock"


@_defect("gebruiksrechten-indicatie-stale")
def test_defect_gebruiksrechten_indicatie_stale(defective: tuple[Client, World]) -> None:
    c, world = defective
    doc = _new_document(c, world)["url"]
    recht = _gebruiksrecht(c, doc).json()["url"]
    assert c.get(doc).json()["indicatieGebruiksrecht"] is True
    assert c.request("DELETE", recht).status_code == 204
    assert c.get(doc).json()["indicatieGebruiksrecht"] is True


@_defect("iot-concept-accepted")
def test_defect_iot_concept_accepted(defective: tuple[Client, World]) -> None:
    c, world = defective
    concept = c.create(
        c.url("catalogi", "/informatieobjecttypen"),
        {
            "catalogus": world.catalogus,
            "omschrijving": "Concept",
            "vertrouwelijkheidaanduiding": "openbaar",
            "beginGeldigheid": "2024-01-01",
            "informatieobjectcategorie": "x",
        },
        status=200,
    )["url"]
    resp = c.post(c.url("documenten", "/enkelvoudiginformatieobjecten"), document_body(concept))
    assert resp.status_code == 201, resp.text
    problem(
        c.post(
            c.url("documenten", "/enkelvoudiginformatieobjecten"),
            document_body(world.zaaktype),
        ),
        400,
        "informatieobjecttype",
    )


# -- API Design Rules behaviour (profile adr-2.1) --------------------------------------------------
ADR_SECURITY_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                        "X-Frame-Options": "DENY"}


def test_adr_security_headers_on_the_api_root(c: Client) -> None:
    resp = c.get(c.server.api_url("zaken"))
    for name, value in ADR_SECURITY_HEADERS.items():
        assert resp.headers.get(name) == value, (name, resp.headers)
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_adr_openapi_is_public_with_cors_and_trailing_slash_is_404(c: Client) -> None:
    resp = httpx.get(c.url("zaken", "/openapi.json"))
    assert resp.status_code == 200 and resp.headers["Access-Control-Allow-Origin"] == "*"
    slashed = c.get(c.url("zaken", "/zaken/"))
    assert slashed.status_code == 404, slashed.status_code


@_defect("trailing-slash-redirect")
def test_defect_trailing_slash_redirect(defective: tuple[Client, World]) -> None:
    c, _ = defective
    resp = c.get(c.url("zaken", "/zaken/"))
    assert resp.status_code == 301 and resp.headers["Location"].endswith("/zaken/api/v1/zaken")


@_defect("no-security-headers")
def test_defect_no_security_headers(defective: tuple[Client, World]) -> None:
    c, _ = defective
    resp = c.get(c.server.api_url("zaken"))
    assert not any(name in resp.headers for name in ADR_SECURITY_HEADERS)


@_defect("openapi-behind-auth")
def test_defect_openapi_behind_auth(defective: tuple[Client, World]) -> None:
    c, _ = defective
    assert httpx.get(c.url("zaken", "/openapi.json")).status_code == 403
    assert c.get(c.url("zaken", "/openapi.json")).status_code == 200


# -- Catalogi (profile ztc-1.3): brondatumArchiefprocedure, catalogus relations, defects ----------
def _resultaattype(c: Client, zaaktype: str, **extra: Any) -> httpx.Response:
    return c.post(
        c.url("catalogi", "/resultaattypen"),
        {
            "zaaktype": zaaktype,
            "omschrijving": "Resultaat",
            "besluittypen": [],
            **selectielijst_refs(zaaktype),
            **extra,
        },
    )


def _concept_zaaktype(c: Client, world: World, identificatie: str = "ZT-CONCEPT") -> str:
    return c.create(c.url("catalogi", "/zaaktypen"), zaaktype_body(world.catalogus, identificatie))[
        "url"
    ]


@pytest.mark.parametrize(
    ("proc", "field"),
    [
        ({"afleidingswijze": "eigenschap"}, "datumkenmerk"),  # ztc-004 required
        ({"afleidingswijze": "afgehandeld", "datumkenmerk": "x"}, "datumkenmerk"),  # forbidden
        ({"afleidingswijze": "termijn", "procestermijn": "P5Y", "einddatumBekend": True},
         "einddatumBekend"),  # ztc-005
        ({"afleidingswijze": "zaakobject", "datumkenmerk": "x"}, "objecttype"),  # ztc-006
        ({"afleidingswijze": "ander_datumkenmerk", "datumkenmerk": "x", "objecttype": "pand"},
         "registratie"),  # ztc-007
        ({"afleidingswijze": "termijn"}, "procestermijn"),  # ztc-008 required
        ({"afleidingswijze": "afgehandeld", "procestermijn": "P5Y"}, "procestermijn"),
    ],
)
def test_ztc_004_008_brondatum_archiefprocedure(
    c: Client, world: World, proc: dict[str, Any], field: str
) -> None:
    zaaktype = _concept_zaaktype(c, world)
    problem(
        _resultaattype(c, zaaktype, brondatumArchiefprocedure=proc),
        400,
        f"brondatumArchiefprocedure.{field}",
    )


def test_ztc_004_008_consistent_brondatum_is_accepted(c: Client, world: World) -> None:
    zaaktype = _concept_zaaktype(c, world)
    for proc in (
        {"afleidingswijze": "afgehandeld", "datumkenmerk": "", "objecttype": "", "registratie": ""},
        {"afleidingswijze": "termijn", "procestermijn": "P10Y", "einddatumBekend": False},
        {"afleidingswijze": "ander_datumkenmerk", "datumkenmerk": "overlijdensdatum",
         "objecttype": "natuurlijk_persoon", "registratie": "BRP", "einddatumBekend": True},
    ):
        resp = _resultaattype(c, zaaktype, brondatumArchiefprocedure=proc)
        assert resp.status_code == 201, resp.text


def test_ztc_013_resultaattype_iot_of_another_catalogus(c: Client, world: World) -> None:
    other = c.create(c.url("catalogi", "/catalogussen"), {**catalogus_body(), "domein": "ANDER"})
    foreign = c.create(
        c.url("catalogi", "/informatieobjecttypen"),
        {
            "catalogus": other["url"],
            "omschrijving": "Vreemd",
            "vertrouwelijkheidaanduiding": "openbaar",
            "beginGeldigheid": "2024-01-01",
            "informatieobjectcategorie": "x",
        },
        status=200,
    )["url"]
    zaaktype = _concept_zaaktype(c, world)
    problem(
        _resultaattype(c, zaaktype, informatieobjecttypen=[foreign]),
        400,
        "informatieobjecttypen.0",
        "relations-incorrect-catalogus",
    )
    assert _resultaattype(c, zaaktype, informatieobjecttypen=[world.iot]).status_code == 201


def test_publish_body_is_optional_but_must_be_an_object(c: Client, world: World) -> None:
    zaaktype = _concept_zaaktype(c, world)
    iot = c.create(
        c.url("catalogi", "/informatieobjecttypen"),
        {
            "catalogus": world.catalogus,
            "omschrijving": "Publiceren",
            "vertrouwelijkheidaanduiding": "openbaar",
            "beginGeldigheid": "2024-01-01",
            "informatieobjectcategorie": "x",
        },
        status=200,
    )["url"]
    problem(c.post(iot + "/publish", False), 400, "nonFieldErrors")
    assert c.request("POST", iot + "/publish", content=b"x").status_code == 415
    assert c.post(iot + "/publish").status_code == 200
    # an incomplete zaaktype is refused on its preconditions, whatever the body
    problem(c.post(zaaktype + "/publish", {}), 400, "statustypen")


@_defect("published-zaaktype-editable")
def test_defect_published_zaaktype_editable(defective: tuple[Client, World]) -> None:
    c, world = defective
    resp = c.request("PATCH", world.zaaktype, json={"omschrijving": "Gewijzigd"})
    assert resp.status_code == 200 and resp.json()["concept"] is False
    assert c.request("DELETE", world.zaaktype).status_code in (200, 204)
    # published informatieobjecttypen stay protected
    problem(c.request("DELETE", world.iot), 400, "nonFieldErrors")


@_defect("child-type-on-published-zaaktype")
def test_defect_child_type_on_published_zaaktype(defective: tuple[Client, World]) -> None:
    c, world = defective
    extra = {"zaaktype": world.zaaktype, "omschrijving": "Extra",
             "omschrijvingGeneriek": "adviseur"}
    assert c.post(c.url("catalogi", "/roltypen"), extra).status_code == 201
    # changing an existing child type is still refused
    problem(c.request("PATCH", world.roltype, json={"omschrijving": "X"}), 400, "zaaktype")


@_defect("overlapping-validity")
def test_defect_overlapping_validity(defective: tuple[Client, World]) -> None:
    c, world = defective
    zt = c.create(c.url("catalogi", "/zaaktypen"), zaaktype_body(world.catalogus, "ZT-1"))["url"]
    for n in (1, 2):
        body = {"omschrijving": f"S{n}", "volgnummer": n, "zaaktype": zt}
        c.create(c.url("catalogi", "/statustypen"), body)
    assert _resultaattype(c, zt).status_code == 201
    c.create(
        c.url("catalogi", "/roltypen"),
        {"zaaktype": zt, "omschrijving": "Melder", "omschrijvingGeneriek": "initiator"},
    )
    resp = c.post(zt + "/publish")  # overlaps the published ZT-1 of the world: accepted anyway
    assert resp.status_code == 200 and resp.json()["concept"] is False


def test_chunked_upload_in_bestandsdelen(
    c: Client, world: World, spec_paths: dict[str, Path]
) -> None:
    content = bytes(range(256)) * 10  # 2560 bytes: three parts of at most 1024
    body = {k: v for k, v in document_body(world.iot).items() if k != "inhoud"}
    created = c.post(
        c.url("documenten", "/enkelvoudiginformatieobjecten"),
        {**body, "bestandsomvang": len(content)},
    )
    assert conforms(spec_paths, "documenten", "enkelvoudiginformatieobject_create", created) == []
    doc = created.json()
    assert doc["locked"] is True and doc["lock"] and doc["inhoud"] is None
    parts = doc["bestandsdelen"]
    assert [p["omvang"] for p in parts] == [1024, 1024, 512]
    problem(c.post(doc["url"] + "/unlock", {"lock": doc["lock"]}), 400, "nonFieldErrors",
            "incomplete-upload")
    wrong = c.request("PUT", parts[0]["url"], data={"lock": "x"}, files={"inhoud": b"x" * 1024})
    problem(wrong, 400, "nonFieldErrors", "incorrect-lock-id")
    short = c.request("PUT", parts[0]["url"], data={"lock": doc["lock"]}, files={"inhoud": b"x"})
    problem(short, 400, "inhoud", "file-size")
    assert c.request("PUT", parts[0]["url"], json={"lock": doc["lock"]}).status_code == 415
    offset = 0
    for part in parts:
        chunk = content[offset : offset + part["omvang"]]
        offset += part["omvang"]
        resp = c.request(
            "PUT", part["url"], data={"lock": doc["lock"]}, files={"inhoud": ("deel", chunk)}
        )
        assert conforms(spec_paths, "documenten", "bestandsdeel_update", resp) == []
        assert resp.json()["voltooid"] is True
    assert c.post(doc["url"] + "/unlock", {"lock": doc["lock"]}).status_code == 204
    after = c.get(doc["url"]).json()
    assert after["locked"] is False and after["bestandsdelen"] == []
    assert after["bestandsomvang"] == len(content)
    assert c.get(after["inhoud"]).content == content
