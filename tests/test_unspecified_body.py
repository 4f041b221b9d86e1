"""Positive bodies where the pinned Catalogi file leaves the body unspecified."""

from __future__ import annotations

import pytest
import yaml

from conformance.engine.unspecified_body import drop_unfit_fields, is_unspecified


@pytest.fixture(scope="module")
def catalogi(spec_dir):
    return yaml.safe_load((spec_dir / "catalogi-1.3.1.yaml").read_text(encoding="utf-8"))


def _operation(spec, operation_id):
    return next(op for item in spec["paths"].values() for op in item.values()
                if isinstance(op, dict) and op.get("operationId") == operation_id)


def test_the_unspecified_bodies_of_the_pinned_file_are_recognised(catalogi):
    assert is_unspecified(_operation(catalogi, "zaaktype_partial_update"))
    assert is_unspecified(_operation(catalogi, "informatieobjecttype_update"))
    assert not is_unspecified(_operation(catalogi, "zaaktype_update"))
    assert not is_unspecified(_operation(catalogi, "zaaktype_list"))  # no body at all


def test_only_the_resources_fields_that_do_not_fit_are_dropped(catalogi):
    body = {"toelichting": -5797,  # Round-4 seed 8: a number where the zaaktype has text
            "beginGeldigheid": "no date", "trefwoorden": ["a", 2],
            "referentieproces": {"naam": 3},
            "omschrijving": "fits", "eindeGeldigheid": None, "verlengingMogelijk": True,
            "not-a-field": 1}  # a key the supplier ignores: left as generated
    dropped = drop_unfit_fields(body, catalogi, "zaaktype")
    assert sorted(dropped) == ["beginGeldigheid", "referentieproces", "toelichting",
                               "trefwoorden"]
    assert body == {"omschrijving": "fits", "eindeGeldigheid": None,
                    "verlengingMogelijk": True, "not-a-field": 1}


def test_a_resource_without_a_specified_create_takes_its_retrieve_answer(spec_dir):
    # Catalogi 1.3.2 leaves informatieobjecttype_create unspecified as well
    spec = yaml.safe_load((spec_dir / "catalogi-1.3.2.yaml").read_text(encoding="utf-8"))
    assert is_unspecified(_operation(spec, "informatieobjecttype_create"))
    body = {"omschrijving": 12, "vertrouwelijkheidaanduiding": "openbaar"}
    assert drop_unfit_fields(body, spec, "informatieobjecttype") == ["omschrijving"]
