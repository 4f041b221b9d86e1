"""An empty partial update: the OAS makes the body optional but Content-Type required."""

from __future__ import annotations

from test_reference_supplier import (  # noqa: F401
    c,
    document_body,
    problem,
    server,
    spec_paths,
    world,
    zaak_body,
)


def test_empty_patch_body_is_no_change_but_content_type_is_required(c, world):  # noqa: F811
    """The OAS does not require a PATCH body, so none is a no-change update (as Django REST
    framework answers); a body that is there must say it is JSON."""
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))
    for headers in ({"Content-Type": "application/json"}, {}):
        ok = c.request("PATCH", zaak["url"], content=b"", headers=headers)
        assert ok.status_code == 200, ok.text
        assert ok.json()["omschrijving"] == zaak["omschrijving"]
    problem(c.request("PATCH", zaak["url"], content=b'{"omschrijving": "x"}'), 415)


def test_whitespace_is_not_an_empty_body(c, world):  # noqa: F811
    """Only a body of no bytes is no body: whitespace is a JSON parse error (400), also on an
    action whose body is optional (unlock), as Django REST framework's JSON parser answers."""
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))
    json_type = {"Content-Type": "application/json"}
    problem(c.request("PATCH", zaak["url"], content=b"\r\n", headers=json_type), 400)
    doc = c.create(c.url("documenten", "/enkelvoudiginformatieobjecten"),
                   document_body(world.iot))
    c.post(doc["url"] + "/lock")
    problem(c.request("POST", doc["url"] + "/unlock", content=b"\r\n", headers=json_type), 400)
    problem(c.request("POST", doc["url"] + "/lock", content=b" ", headers=json_type), 400)
