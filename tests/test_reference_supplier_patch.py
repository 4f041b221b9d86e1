"""An empty partial update: the OAS makes the body optional but Content-Type required."""

from __future__ import annotations

from test_reference_supplier import c, problem, server, spec_paths, world, zaak_body  # noqa: F401


def test_empty_patch_body_is_no_change_but_content_type_is_required(c, world):  # noqa: F811
    zaak = c.create(c.url("zaken", "/zaken"), zaak_body(world))
    ok = c.request("PATCH", zaak["url"], content=b"", headers={"Content-Type": "application/json"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["omschrijving"] == zaak["omschrijving"]
    problem(c.request("PATCH", zaak["url"], content=b""), 415)
