"""Positive bodies never carry blank required text (the official OAS files have no minLength,
and DRF-based suppliers such as Open Zaak refuse it): the shapes come from the pinned files."""

from __future__ import annotations

import random
from typing import Any

import yaml
from conftest import SPEC_DIR

from conformance.engine.blank_text import _fill, body_shape


def _operation(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for item in spec["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return op
    raise KeyError(operation_id)


def _spec(name: str) -> dict[str, Any]:
    return yaml.safe_load((SPEC_DIR / name).read_text(encoding="utf-8"))


def test_required_text_of_a_create_is_filled_and_the_rest_left_alone() -> None:
    spec = _spec("catalogi-1.3.1.yaml")
    shape = body_shape(spec, _operation(spec, "zaaktype_create"))
    body = {"omschrijving": "", "doel": "  ", "toelichting": "", "identificatie": "ZT",
            "doorlooptijd": "", "vertrouwelijkheidaanduiding": "",
            "referentieproces": {"naam": "", "link": ""},
            "gerelateerdeZaaktypen": [{"zaaktype": "", "aardRelatie": "", "toelichting": ""}]}
    filled = _fill(body, shape, random.Random(1))
    assert filled == 4  # ZaakTypenRelatieCreate types its zaaktype as plain text
    assert body["omschrijving"].strip() and body["doel"].strip()
    assert body["referentieproces"]["naam"].strip() and body["referentieproces"]["link"] == ""
    assert len(body["omschrijving"]) <= 80
    # optional text, formats (duration, uri), enums and kept values: as generated
    assert body["toelichting"] == "" and body["doorlooptijd"] == ""
    assert body["identificatie"] == "ZT"
    assert body["vertrouwelijkheidaanduiding"] == ""
    relation = body["gerelateerdeZaaktypen"][0]
    assert relation["zaaktype"].strip() and relation["aardRelatie"] == ""
    assert relation["toelichting"] == ""


def test_a_partial_update_follows_the_full_schemas_required_text() -> None:
    spec = _spec("catalogi-1.3.1.yaml")
    shape = body_shape(spec, _operation(spec, "statustype_partial_update"))
    body = {"omschrijving": " ", "toelichting": ""}
    assert _fill(body, shape, random.Random(2)) == 1
    assert body["omschrijving"].strip() and body["toelichting"] == ""


def test_max_length_is_kept_and_nothing_required_means_no_shape() -> None:
    spec = _spec("zaken-1.5.1.yaml")
    shape = body_shape(spec, _operation(spec, "status_create"))
    assert shape is None or "statustoelichting" not in shape.get("props", {})
    catalogi = _spec("catalogi-1.3.1.yaml")
    shape = body_shape(catalogi, _operation(catalogi, "zaaktype_create"))
    body = {"handelingInitiator": ""}
    _fill(body, shape, random.Random(3))
    assert 1 <= len(body["handelingInitiator"]) <= 20


def test_blank_entries_of_a_list_of_text_are_filled() -> None:
    """Documenten: trefwoorden ["", "x"] is refused by DRF (blank), as Open Zaak did."""
    spec = _spec("documenten-1.4.2.yaml")
    shape = body_shape(spec, _operation(spec, "enkelvoudiginformatieobject_update"))
    body = {"trefwoorden": ["", "bouw", " "], "titel": ""}
    assert _fill(body, shape, random.Random(4)) == 3
    assert body["trefwoorden"][1] == "bouw" and all(t.strip() for t in body["trefwoorden"])
