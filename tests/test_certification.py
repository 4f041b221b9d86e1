"""Whole certification runs against the embedded reference supplier.

The clean supplier must be certified conformant; every defect switch must make the
run not conformant, failing the requirement(s) that defect breaks and no other
MUST requirement (the table below), so the harness neither misses a deviation
nor cries wolf. Defects that break disjoint requirements share a run (GROUPS).
"""

from __future__ import annotations

import pytest
from runs import CORE_APIS, SEED, assert_clean, assert_defect, certify

from conformance.reference import defects

# defect -> (requirements that must fail, requirements that may also fail as a direct
# consequence of the same defect). Anything else failing is a false alarm.
DEFECT_TABLE: dict[str, tuple[set[str], set[str]]] = {
    "missing-required-field": ({"ZRC-OAS-schema"}, set()),
    "create-returns-200": ({"ZRC-OAS-status"}, set()),
    "no-api-version": ({"ZGW-api-version", "ADR-version-header"}, set()),
    "plain-text-errors": (
        {"ZGW-problem-json", "ZRC-OAS-content-type", "ADR-problem-details"},
        # every rule whose check reads the error body (invalidParams) also sees the defect
        {"ZGW-unknown-query-param", "ZGW-rsin", "ZGW-pagination", "ZGW-jwt-auth", "ZGW-crs",
         "zrc-001", "zrc-002", "zrc-013", "zrc-014", "zrc-016", "zrc-017", "zrc-018",
         "zrc-019", "zrc-020", "ZRC-OAS-schema", "zrc-003", "zrc-004", "zrc-011", "zrc-012",
         "zrc-015", "zrc-022"},
    ),
    "pagination-count-wrong": ({"ZGW-pagination"}, set()),
    "filter-ignored": ({"ZGW-filters"}, set()),
    "unknown-query-param-accepted": ({"ZGW-unknown-query-param"}, set()),
    "auth-bypass": ({"ZGW-jwt-auth", "ZRC-OAS-auth"}, {"ZRC-OAS-required-headers",
                                                      "ZGW-problem-json",
                                                      # every caller acts as the full client,
                                                      # so no scope is enforced either
                                                      "zrc-006", "zrc-007-scope",
                                                      "zrc-008-scope"}),
    "rsin-not-validated": ({"ZGW-rsin"}, set()),
    "close-without-einddatum": ({"zrc-007"}, set()),
    "archive-date-from-einddatum": ({"zrc-021"}, set()),
    "delete-soft": ({"zrc-023"}, {"ZRC-OAS-deletion"}),
    "etag-ignored": ({"ZGW-etag"}, set()),
    "crs-not-required": ({"ZGW-crs"}, {"ZRC-OAS-required-headers", "ZRC-OAS-negative"}),
    "zaaktype-not-validated": ({"zrc-001"}, set()),
    "duplicate-identificatie": ({"zrc-002"}, set()),
    "server-error-on-old-date": ({"ZRC-OAS-server-error"},
                                         {"ZRC-OAS-positive", "ZRC-OAS-status"}),
    "script-in-fields": ({"ZRC-OAS-schema"}, set()),
    # API Design Rules (adr-2.1, included by zrc-1.5)
    "trailing-slash-redirect": ({"ADR-no-trailing-slash"}, set()),
    "no-security-headers": ({"ADR-transport-security-headers"}, set()),
    "openapi-behind-auth": ({"ADR-publish-openapi", "ZGW-openapi-discovery"}, set()),
}




def test_defect_table_covers_every_switch():
    """Every defect switch is proven by a whole run: here, or in its own profile's tests."""
    from test_notifications import DEFECT_TABLE as NOTIFICATIONS
    from test_profile_ac import DEFECT_TABLE as AUTORISATIES
    from test_profile_brc import DEFECT_TABLE as BESLUITEN
    from test_profile_drc import DEFECT_TABLE as DOCUMENTEN
    from test_profile_nrc import DEFECT_TABLE as NOTIFICATIES
    from test_profile_ztc import DEFECT_TABLE as CATALOGI
    from test_scopes import DEFECT_TABLE as SCOPES

    tables = [set(DEFECT_TABLE), set(CATALOGI), set(DOCUMENTEN), set(NOTIFICATIES),
              set(NOTIFICATIONS), set(BESLUITEN), set(AUTORISATIES), set(SCOPES)]
    assert set().union(*tables) == set(defects())
    assert sum(len(t) for t in tables) == len(defects())  # no switch counted twice
    assert len(DEFECT_TABLE) >= 12


@pytest.mark.slow
def test_clean_reference_supplier_is_conformant(resolver, tmp_path):
    result = certify("zrc-1.5", resolver, tmp_path)
    assert_clean(result)
    assert result.run["seed"] == SEED and result.run["budget"] == "quick"


# Defects switched on together in one run, to keep the suite within its time: each group's
# defects break disjoint requirements by unrelated mechanisms (a response field, a header, a
# filter, a status code ...), so each requirement still fails only for its own defect, and a
# switch that stopped working shows as its requirement passing. Every switch's misbehaviour
# is also asserted on its own in test_reference_supplier.py. Defects that touch many rules
# (error format, authentication, closing, server errors) and the newer ones run alone.
GROUPS: list[tuple[str, ...]] = [
    ("missing-required-field", "etag-ignored", "unknown-query-param-accepted"),
    ("create-returns-200", "rsin-not-validated", "trailing-slash-redirect"),
    ("no-api-version", "filter-ignored", "duplicate-identificatie"),
    ("pagination-count-wrong", "zaaktype-not-validated", "no-security-headers"),
    ("delete-soft", "script-in-fields"),
    ("crs-not-required", "openapi-behind-auth"),
    ("plain-text-errors",),
    ("auth-bypass",),
    ("close-without-einddatum",),
    ("server-error-on-old-date",),
    ("archive-date-from-einddatum",),
]


def test_groups_cover_the_table_once_with_disjoint_requirements():
    grouped = [d for group in GROUPS for d in group]
    assert sorted(grouped) == sorted(DEFECT_TABLE)
    for group in GROUPS:
        touched = [DEFECT_TABLE[d][0] | DEFECT_TABLE[d][1] for d in group]
        assert sum(len(t) for t in touched) == len(set().union(*touched)), group


@pytest.mark.slow
@pytest.mark.parametrize("group", GROUPS, ids="+".join)
def test_each_defect_fails_exactly_its_requirements(resolver, tmp_path, group):
    must_fail = set().union(*(DEFECT_TABLE[d][0] for d in group))
    may_fail = set().union(*(DEFECT_TABLE[d][1] for d in group))
    # the clean run above has every API; a defect run needs only those its rules live in
    assert_defect(certify("zrc-1.5", resolver, tmp_path, *group, apis=CORE_APIS),
                  "+".join(group), must_fail, may_fail)
