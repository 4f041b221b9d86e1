"""What each defect switch of the reference supplier must break, per profile.

defect -> (requirements that must fail, requirements that may also fail as a direct
consequence of the same defect). Any other MUST requirement failing is a false alarm.
Together the tables name every switch (test_whole_runs checks it), so no switch exists that
no whole run proves; a switch that breaks rules of two profiles may be in a table of each.
The reference consumer (nrc-ontvangen-1.0) has its own switches and tables (CONSUMER_TABLES).
"""

from __future__ import annotations

Table = dict[str, tuple[set[str], set[str]]]

# -- zrc-1.5 (Zaken, with the API Design Rules of adr-2.1 it includes) ---------------------------
ZAKEN: Table = {
    "missing-required-field": ({"ZRC-OAS-schema"}, set()),
    "create-returns-200": ({"ZRC-OAS-status"}, set()),
    "no-api-version": ({"ZGW-api-version", "ADR-version-header"}, set()),
    # one deviation counts once: the error-format rules own it; a rule that reads the error
    # body to judge its own behaviour is undecided when it cannot, never failed for it
    "plain-text-errors": ({"ZGW-problem-json", "ADR-problem-details"}, set()),
    "pagination-count-wrong": ({"ZGW-pagination"}, set()),
    "filter-ignored": ({"ZGW-filters"}, set()),
    "unknown-query-param-accepted": ({"ZGW-unknown-query-param"}, set()),
    "expand-ignored": ({"ZRC-expand"}, set()),
    "auth-bypass": ({"ZGW-jwt-auth", "ZRC-OAS-auth"}, {"ZRC-OAS-required-headers",
                                                      "ZGW-problem-json",
                                                      # every caller acts as the full client,
                                                      # so no scope is enforced either
                                                      "zrc-006", "zrc-007-scope",
                                                      "zrc-008-scope"}),
    "rsin-not-validated": ({"ZGW-rsin"}, set()),
    "close-without-einddatum": ({"zrc-007"}, set()),
    "close-without-resultaat": ({"zrc-007"}, set()),
    "archive-date-from-einddatum": ({"zrc-021", "zrc-021-besluit"}, set()),
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
    # an operation that never works (issue 12, points 2 and 4): valid data never accepted,
    # and no spec-gap rule forgives more than its case (a 404 on a list only for a page past
    # the last, a 304 only to an If-None-Match)
    # (the lifecycle test deletes a rol too)
    "rol-delete-forbidden": ({"ZRC-OAS-positive"}, {"ZRC-OAS-deletion"}),
    "subresource-head-404": ({"ZRC-OAS-positive"}, set()),
    # a 404 the list does not document; zrc-023 reads the list after a delete
    "list-404-without-page": ({"ZRC-OAS-positive"}, {"ZRC-OAS-status", "zrc-023"}),
    # a 304 the read does not document; the lifecycle test reads a rol it made
    "not-modified-unconditional": ({"ZRC-OAS-positive"}, {"ZRC-OAS-status",
                                                          "ZRC-OAS-availability"}),
    # what Open Zaak 1.30 does (docs/real-suppliers.md), each counted against the rule it breaks
    "errors-as-json": ({"ZGW-problem-json", "ADR-problem-details"}, set()),
    "openapi-version-suffix": ({"ADR-semver"}, set()),
    "empty-string-for-null-uri": ({"ZRC-OAS-schema"}, set()),
}

# Issue 12's review (a defect certified CONFORMANT) and what now proves each point wrong:
#  1 a target without a required part: incomplete, the part named (test_whole_runs: a clean
#    run without besluiten; test_scopes; test_profile_vwl)
#  2 an operation that never works: rol-delete-forbidden, subresource-head-404,
#    list-404-without-page (above)
#  3 a changed profile: verify and the page say so (test_signing, test_certificate)
#  4 spec gaps no wider than their case: list-404-without-page, not-modified-unconditional
#  5 a crashed check is undecided, never passed: test_contract_collector
#  6 behaviour rules as wide as the rule: zaaktype-not-validated and duplicate-identificatie
#    on PUT/PATCH, close-without-resultaat, delete-soft (deelzaken, ZIOs); drc-002's code:
#    test_suite_helpers
#  7 every operation tested or excluded with its reason: test_profile_scope

# Defects switched on together in one run, to keep the suite within its time: each group's
# defects break disjoint requirements by unrelated mechanisms (a response field, a header, a
# filter, a status code ...), so each requirement still fails only for its own defect, and a
# switch that stopped working shows as its requirement passing. Every switch's misbehaviour
# is also asserted on its own in test_reference_supplier.py. A defect that touches many rules
# (the error format, authentication) shares a run only with defects whose rules it cannot
# reach, as the comment of each group says.
ZAKEN_GROUPS: list[tuple[str, ...]] = [
    # plain-text errors leave the rules that read error bodies undecided; none of the others'
    # rules here reads one (a schema field, an ETag, a 200 for an unknown parameter, closing,
    # what a read with expand embeds)
    ("missing-required-field", "etag-ignored", "unknown-query-param-accepted",
     "close-without-einddatum", "plain-text-errors", "rol-delete-forbidden", "expand-ignored"),
    # every token accepted: none of these rules depends on who asks
    ("create-returns-200", "rsin-not-validated", "trailing-slash-redirect",
     "empty-string-for-null-uri", "auth-bypass", "subresource-head-404"),
    # a 500 only for a startdatum before 1900, which no behaviour rule's zaak has; errors as
    # application/json still say which field was refused (zrc-002 is judged on its 201)
    ("no-api-version", "filter-ignored", "duplicate-identificatie", "server-error-on-old-date",
     "errors-as-json"),
    ("pagination-count-wrong", "zaaktype-not-validated", "no-security-headers",
     "openapi-version-suffix", "archive-date-from-einddatum", "list-404-without-page"),
    ("delete-soft", "script-in-fields", "crs-not-required", "openapi-behind-auth",
     "close-without-resultaat", "not-modified-unconditional"),
]

# -- ztc-1.3 (Catalogi) ---------------------------------------------------------------------------
CATALOGI: Table = {
    "published-zaaktype-editable": ({"ztc-009"}, set()),
    "child-type-on-published-zaaktype": ({"ztc-010"}, set()),
    "overlapping-validity": ({"ztc-016"}, set()),
    # Open Zaak 1.30: the informatieobjecttype's URL only, where the pinned file says omschrijving
    "ziot-informatieobjecttype-url": ({"ZTC-OAS-positive"}, set()),
    # Open Zaak 1.30: null refused for text the pinned file makes nullable (catalogus versie)
    "nullable-text-refused": ({"ZTC-OAS-positive"}, set()),
    # Open Zaak 1.30: the resultaattype filters the pinned file names in snake_case unknown
    "resultaattype-filters-camel-case": ({"ZTC-OAS-positive"}, set()),
    # Open Zaak 1.30: 204/201 where the pinned file documents 200 (two deletes, one create)
    "catalogi-status-codes": ({"ZTC-OAS-status"}, set()),
}

# Grouped like ZAKEN_GROUPS: an edit of a published zaaktype, a ZIOT's form and success
# statuses, child types of a published zaaktype and the validity of a new version, are
# unrelated mechanisms.
CATALOGI_GROUPS: list[tuple[str, ...]] = [
    ("published-zaaktype-editable", "ziot-informatieobjecttype-url", "catalogi-status-codes"),
    ("child-type-on-published-zaaktype", "overlapping-validity", "nullable-text-refused"),
    # its own run: the other Open Zaak variants fail the same valid-data rule
    ("resultaattype-filters-camel-case",),
]

# -- drc-1.4 (Documenten) -------------------------------------------------------------------------
DOCUMENTEN: Table = {
    "update-without-lock": ({"drc-009"}, set()),
    "gebruiksrechten-indicatie-stale": ({"drc-006"}, set()),
    "iot-concept-accepted": ({"drc-001"}, set()),
}

# one run: a lock, a derived indicatie and a type's concept state are unrelated mechanisms
DOCUMENTEN_GROUPS: list[tuple[str, ...]] = [
    ("update-without-lock", "gebruiksrechten-indicatie-stale", "iot-concept-accepted"),
]

# -- notifications a source API publishes: run on drc-1.4 (the cheaper source profile; zrc-1.5
# and brc-1.1 have the same checks) --------------------------------------------------------------
NOTIFICATIONS: Table = {
    # no message at all: the kenmerken check sees nothing to read either
    "notifications-not-sent": ({"DRC-notificaties"}, {"DRC-notificaties-kenmerken"}),
    "notifications-missing-kenmerken": ({"DRC-notificaties-kenmerken"}, set()),
}

# the Catalogi API's own kanalen (zaaktypen ...), on ztc-1.3: the same switch, another profile
CATALOGI_NOTIFICATIONS: Table = {
    "notifications-not-sent": ({"ZTC-notificaties"}, set()),
}

# -- brc-1.1 (Besluiten) --------------------------------------------------------------------------
BESLUITEN: Table = {
    "besluittype-not-in-zaaktype": ({"brc-007"}, set()),
    "besluit-zaak-not-mirrored": ({"brc-006"}, set()),
}

# -- ac-1.0 (Autorisaties) ------------------------------------------------------------------------
AUTORISATIES: Table = {
    "client-id-reuse-accepted": ({"ac-001"}, set()),
}

# -- nrc-1.0 (Notificaties) -----------------------------------------------------------------------
NOTIFICATIES: Table = {
    "nrc-filters-ignored": ({"NRC-routing-filters"}, set()),
}

# -- vwl-0.9 (Verwerkingenlogging: Bewerking and Inzage API) ------------------------------------
VERWERKINGEN: Table = {
    "vwl-tijdstip-to-utc": ({"vwl-005"}, set()),
    "vwl-confidential-create-unchecked": ({"vwl-020"}, set()),
    "vwl-opgeheven-create-accepted": ({"vwl-021"}, set()),
    "vwl-create-drops-afnemer": ({"vwl-022"}, set()),
    "vwl-registration-time-from-client": ({"vwl-023"}, set()),
    "vwl-list-scope-unchecked": ({"vwl-024"}, set()),
    "vwl-list-end-date-inclusive": ({"vwl-025"}, set()),
    "vwl-list-objects-unfiltered": ({"vwl-026"}, set()),
    # a read:normal client asking vertrouwelijkheid=normaal then sees confidential actions too
    "vwl-list-vertrouwelijkheid-ignored": ({"vwl-027"}, {"vwl-024"}),
    "vwl-reads-show-old-versions": ({"vwl-028"}, set()),
    "vwl-put-partial-accepted": ({"vwl-029"}, set()),
    "vwl-patch-first-action-only": ({"vwl-030"}, set()),
    # a second DELETE answers 204: the contract pass's use-after-free check may see it too
    "vwl-delete-twice-accepted": ({"vwl-031"}, {"VWL-OAS-deletion"}),
    "vwl-delete-scope-unchecked": ({"vwl-031-scope"}, set()),
    "vwl-inzage-period-ignored": ({"vwl-033"}, set()),
    "vwl-inzage-other-persons": ({"vwl-034"}, set()),
    "vwl-inzage-shows-systeem": ({"vwl-035"}, set()),
    "vwl-inzage-shows-vervallen": ({"vwl-036"}, set()),
    "vwl-inzage-shows-confidential": ({"vwl-037"}, set()),
    "vwl-inzage-normal-sees-opgeheven": ({"vwl-037-scope"}, set()),
    "vwl-inzage-not-logged": ({"vwl-038"}, set()),
    # generic switches of the reference supplier, seen through this profile's own rules
    "no-api-version": ({"vwl-042", "ADR-version-header"}, set()),
    "auth-bypass": ({"vwl-040", "VWL-OAS-auth"},
                    # every caller acts as the main client, so no scope is enforced either
                    {"vwl-020", "vwl-024", "vwl-029-scope", "vwl-030-scope", "vwl-031-scope",
                     "vwl-037-scope"}),
}

# Grouped like ZAKEN_GROUPS: each run's defects break disjoint rules by unrelated mechanisms
# (one switch per API operation at most), so a switch that stopped working shows as its
# requirement passing; each switch is also shown on its own in test_reference_vwl.py.
VERWERKINGEN_GROUPS: list[tuple[str, ...]] = [
    ("vwl-tijdstip-to-utc", "vwl-confidential-create-unchecked", "vwl-list-end-date-inclusive",
     "vwl-inzage-period-ignored"),
    ("vwl-registration-time-from-client", "vwl-list-scope-unchecked",
     "vwl-patch-first-action-only", "vwl-inzage-other-persons"),
    ("vwl-create-drops-afnemer", "vwl-list-objects-unfiltered", "vwl-delete-scope-unchecked",
     "vwl-inzage-shows-systeem"),
    ("vwl-opgeheven-create-accepted", "vwl-reads-show-old-versions", "vwl-delete-twice-accepted",
     "vwl-inzage-shows-vervallen"),
    ("vwl-list-vertrouwelijkheid-ignored", "vwl-put-partial-accepted",
     "vwl-inzage-shows-confidential", "no-api-version"),
    ("vwl-inzage-normal-sees-opgeheven", "vwl-inzage-not-logged"),
    ("auth-bypass",),
]

# -- nrc-ontvangen-1.0 (the reference consumer's switches, not the supplier's) -------------------
NRC_ONTVANGEN: Table = {
    # only a missing value is refused: every wrong value is also a near miss
    "any-authorization": ({"nrc-c-004"}, {"nrc-c-005"}),
    "missing-authorization-accepted": ({"nrc-c-003"}, set()),
    "authorization-prefix-match": ({"nrc-c-005"}, set()),
    "no-format-validation": ({"nrc-c-006"}, set()),
    "answers-200": ({"nrc-c-002"}, set()),
    "plain-text-errors": ({"nrc-c-012"}, set()),
    "rejects-unknown-kenmerken": ({"nrc-c-007"}, {"nrc-c-001"}),  # generated kenmerken too
    "rejects-unknown-kanaal": ({"nrc-c-008"}, set()),
    "duplicate-conflict": ({"nrc-c-009"}, {"nrc-c-001"}),  # generated cases may repeat
    # generated valid bodies carry extra fields, so valid data is refused as well
    "server-error-on-unknown-field": ({"NRC-C-OAS-server-error"}, {"nrc-c-001"}),
}
#: switches that break a SHOULD rule only: the verdict stays conformant, the score drops
NRC_ONTVANGEN_SHOULD: Table = {
    "missing-authorization-401": ({"nrc-c-003-403"}, set()),
    "no-api-version": ({"nrc-c-002-api-version"}, set()),
    "slow-answer": ({"nrc-c-010"}, set()),
}

# -- the scope rules of zrc-1.5, ztc-1.3 and drc-1.4 (run by test_scopes on those rules alone) ----
SCOPES: Table = {
    "zaaktype-scope-ignored": ({"zrc-006"}, set()),
    "zaak-data-unfiltered": ({"zrc-006"}, set()),
}

#: the reference consumer's switches, each in one of these
CONSUMER_TABLES: dict[str, Table] = {"nrc-ontvangen": NRC_ONTVANGEN,
                                     "nrc-ontvangen-should": NRC_ONTVANGEN_SHOULD}

ALL_TABLES: dict[str, Table] = {
    "zaken": ZAKEN, "catalogi": CATALOGI, "documenten": DOCUMENTEN,
    "notifications": NOTIFICATIONS, "catalogi-notifications": CATALOGI_NOTIFICATIONS,
    "besluiten": BESLUITEN, "autorisaties": AUTORISATIES, "notificaties": NOTIFICATIES,
    "verwerkingen": VERWERKINGEN, "scopes": SCOPES,
}


# -- digitoegankelijk-wcag21aa (the reference web application, fixtures/web_app) ----------------
# Not in ALL_TABLES: these are the web application's switches, not the reference supplier's
# (test_whole_runs checks that WEB names every one of them).
WEB: Table = {
    "image-without-alt": ({"wcag-1.1.1"}, set()),
    "broken-list": ({"wcag-1.3.1"}, set()),
    "invalid-autocomplete": ({"wcag-1.3.5"}, set()),
    "link-not-distinguishable": ({"wcag-1.4.1"}, set()),
    "low-contrast": ({"wcag-1.4.3"}, set()),
    "zoom-disabled": ({"wcag-1.4.4"}, set()),
    "important-line-height": ({"wcag-1.4.12"}, set()),
    "scroll-region-not-focusable": ({"wcag-2.1.1"}, set()),
    "page-refresh": ({"wcag-2.2.1"}, set()),
    "no-page-title": ({"wcag-2.4.2"}, set()),
    "no-page-language": ({"wcag-3.1.1"}, set()),
    "invalid-lang-part": ({"wcag-3.1.2"}, set()),
    "field-without-label": ({"wcag-4.1.2"}, set()),
}

# What axe-core 4.12 only flags for review (reviewOnFail): the criterion stops being passed and
# is disclosed as needing a human audit, with findings; it never fails and never passes.
WEB_REVIEW: dict[str, set[str]] = {
    "long-autoplay-audio": {"wcag-1.4.2"},
    "duplicate-ids": {"wcag-4.1.2"},
}

# Switched on together: disjoint criteria by unrelated elements (never two colour defects, or
# the page language and a part's language, in one run), so a switch that stopped working shows
# as its criterion passing (or, for a review switch, passed instead of needing review).
WEB_GROUPS: list[tuple[str, ...]] = [
    ("image-without-alt", "broken-list", "invalid-autocomplete", "zoom-disabled",
     "page-refresh", "long-autoplay-audio"),
    ("link-not-distinguishable", "important-line-height", "scroll-region-not-focusable",
     "no-page-title", "invalid-lang-part", "duplicate-ids"),
    ("low-contrast", "no-page-language", "field-without-label"),
]
