"""An empty partial update: the OAS makes the body optional but Content-Type required."""

from __future__ import annotations

from test_reference_supplier import c, problem, server, spec_paths, world, zaak_body  # noqa: F401


def test_empty_patch_body_is_no_change_but_content_type_is_required(c, world):  # noqa: F811
    """The OAS does not require a PATCH body, so none is a no-change update (as Django REST
    framework answers); a body that is there must say it is JSON."""
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))
    for headers in ({"Content-Type": "application/json"}, {}):
        ok = c.request("PATCH", zaak["url"], content=b"", headers=headers)
        assert ok.status_code == 200, ok.text
        assert ok.json()["omschrijving"] == zaak["omschrijving"]
    problem(c.request("PATCH", zaak["url"], content=b'{"omschrijving": "x"}'), 415)
