"""The words on the certificate, badge and report: Dutch first, English second.

Messages are plain text with ``str.format`` placeholders; the template escapes the
result, so a supplier string passed as a placeholder value can never become markup.
Both languages must have exactly the same keys (a test enforces it), so a page is never
half translated.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .i18n_web import EN_WEB, NL_WEB

LANGUAGES = ("nl", "en")

_MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
              "september", "oktober", "november", "december")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")

NL: dict[str, str] = {
    "page_title_signed": "Conformiteitscertificaat {product} {version} – {supplier}",
    "page_title_unsigned": "Testrapport (ongetekend) {product} {version} – {supplier}",
    "heading_signed": "Conformiteitscertificaat",
    "heading_unsigned": "Conformiteitstestrapport",
    "unsigned_banner": "ONGETEKEND – dit is geen certificaat",
    "unsigned_explain": "Dit rapport is niet digitaal ondertekend. De echtheid kan niet worden "
                        "gecontroleerd en er geldt geen geldigheidsperiode.",
    "unsigned_issuer": "— (ongetekend)",
    "no_validity": "geen geldigheidsperiode (ongetekend)",
    "no_key": "geen (ongetekend)",
    "verdict_label": "Eindoordeel",
    "verdict_conformant": "CONFORM",
    "verdict_not_conformant": "NIET CONFORM",
    "verdict_incomplete": "ONVOLLEDIG – geen oordeel mogelijk",
    "explain_conformant": "Alle {count} MOET-eisen van de verplichte conformiteitsklassen "
                          "zijn gehaald.",
    "explain_waived": "Voor {count} daarvan geldt een goedgekeurde ontheffing (zie Ontheffingen).",
    "explain_not_conformant": "{count} MOET-eis(en) van de verplichte conformiteitsklassen "
                              "niet gehaald: {ids}.",
    "explain_incomplete": "Over {count} MOET-eis(en) van de verplichte conformiteitsklassen kon "
                          "geen oordeel worden gegeven: {ids}.",
    "explain_incomplete_empty": "Het profiel bevat geen geteste MOET-eis in een verplichte klasse.",
    "fact_issuer": "Uitgegeven door",
    "fact_supplier": "Leverancier",
    "fact_product": "Product en versie",
    "fact_environment": "Geteste omgeving",
    "fact_tls": "TLS",
    "tls_insecure": "Het TLS-certificaat van de leverancier is NIET gecontroleerd (--insecure)",
    "fact_personal_data": "Persoonsgegevens",
    "bsn_unmasked": "BSN's in het bewijs zijn NIET gemaskeerd (--no-bsn-masking of "
                    "mask_bsn: false); behandel de bestanden als persoonsgegevens",
    "fact_profile": "Getoetst aan profiel",
    "fact_standards": "Standaarden",
    "fact_run_date": "Datum van de test",
    "fact_valid_until": "Geldig tot en met",
    "fact_must": "MOET-eisen",
    "fact_should_score": "Score ZOU MOETEN-eisen",
    "fact_waivers": "Ontheffingen",
    "fact_key": "Vingerafdruk ondertekeningssleutel",
    "fact_component": "GEMMA-referentiecomponent",
    "fact_profile_digest": "Profiel-digest",
    "fact_provenance": "Herkomst profiel",
    "provenance_builtin": "het gepubliceerde profiel {id} versie {version} van deze tool",
    "provenance_changed": "AANGEPAST – zelfde id en versie als het gepubliceerde profiel {id} "
                          "{version}, maar een andere inhoud: niet het gepubliceerde profiel",
    "provenance_other_version": "profiel {id} versie {version}; deze tool publiceert een andere "
                                "versie van {id}, vergelijk de digest met die uitgave",
    "provenance_custom": "eigen profiel {id} versie {version}: geen profiel dat deze tool "
                         "publiceert",
    "section_missing": "Ontbrekende onderdelen",
    "missing_explain": "De geteste omgeving laat onderdelen weg die de component volgens het "
                       "profiel moet bieden. De eisen die deze onderdelen nodig hebben zijn niet "
                       "uitgevoerd; het eindoordeel is daarom nooit CONFORM.",
    "section_coverage": "Dekking per operatie",
    "coverage_explain": "Per operatie van de geteste standaard: hoeveel verzoeken de "
                        "contracttoets stuurde, hoeveel daarvan geldige gegevens bevatten die de "
                        "leverancier kon beoordelen, hoeveel de leverancier daarvan accepteerde "
                        "(2xx), hoeveel geldige verzoeken een serverfout (5xx) kregen (die zeggen "
                        "niets over de gegevens en tellen dus niet als beoordeeld) en welke "
                        "controles van toepassing waren. Een operatie die het "
                        "profiel buiten de toets laat, staat er met de reden (Engelstalig, uit "
                        "het profiel).",
    "col_operation": "Operatie",
    "col_requests": "Verzoeken",
    "col_valid": "Geldig, beoordeeld",
    "col_accepted": "Geaccepteerd (2xx)",
    "col_crashed": "Serverfout (5xx)",
    "col_checks": "Toegepaste controles",
    "coverage_excluded": "niet getoetst: {reason}",
    "fact_issued_at": "Ondertekend op",
    "fact_certificate_id": "Certificaatnummer",
    "fact_validity": "Geldigheid",
    "fact_algorithm": "Algoritme",
    "fact_results_digest": "Digest van de resultaten",
    "version": "versie",
    "none": "geen",
    "must_summary": "{passed} van {total} gehaald",
    "must_waived": "{count} met ontheffing",
    "should_score": "{percent}% ({passed} van {decided} beoordeelde eisen gehaald)",
    "should_none": "geen ZOU MOETEN-eisen beoordeeld",
    "waiver_count": "{count} (zie Ontheffingen)",
    "environment_test": "testomgeving",
    "environment_acceptance": "acceptatieomgeving",
    "environment_production": "productieomgeving",
    "section_requirements": "Eisen per conformiteitsklasse",
    "class_heading": "Klasse {name}: {title}",
    "class_required": "verplicht voor het certificaat",
    "class_optional": "optioneel (extra)",
    "col_id": "Eis",
    "col_level": "Niveau",
    "col_title": "Omschrijving",
    "col_outcome": "Uitkomst",
    "col_source": "Normtekst",
    "col_status": "Status",
    "col_reason": "Reden",
    "col_approved_by": "Goedgekeurd door",
    "col_expires": "Verloopt op",
    "col_waiver_source": "Bron",
    "col_kind": "Soort",
    "col_message": "Bevinding",
    "col_where": "Waar",
    "col_count": "Aantal",
    "col_api": "API",
    "col_base_url": "Basis-URL",
    "col_standard": "Standaard",
    "col_spec": "OpenAPI-specificatie en digest",
    "level_must": "MOET",
    "level_should": "ZOU MOETEN",
    "level_may": "MAG",
    "outcome_passed": "Voldoet",
    "outcome_failed": "Voldoet niet",
    "outcome_error": "Geen oordeel (fout)",
    "outcome_skipped": "Niet van toepassing",
    "outcome_waived": "Ontheffing",
    "outcome_not_tested": "Niet getest",
    "not_tested_reason": "Niet getest: {reason}",
    "inherited_reason": "Overgenomen uit de standaard – telt niet mee in het oordeel: {reason}",
    "section_part": "{title}",
    "part_explain": "Deze regels (profiel {id}) gelden voor elke overheids-API en worden apart "
                    "gerapporteerd. Regels die de standaard zelf niet volgt, zijn gemarkeerd als "
                    "'overgenomen uit de standaard': de uitkomst staat erbij, maar telt niet mee "
                    "tegen de leverancier.",
    "part_inherited": "{count} regel(s) overgenomen uit de standaard.",
    "spec_from_target": "(de eigen OpenAPI-beschrijving van de leverancier, gelezen tijdens de "
                        "test)",
    "fact_included_profile": "Opgenomen profiel",
    "waiver_inline": "Ontheffing: {reason} (goedgekeurd door {approved_by}, geldig tot en met "
                     "{expires})",
    "source_link": "normtekst",
    "evidence_summary": "Bewijs voor {id} tonen ({count})",
    "evidence_check": "Controle",
    "evidence_operation": "operatie",
    "evidence_message": "Melding",
    "evidence_request": "Verzoek",
    "evidence_response": "Antwoord",
    "evidence_curl": "Reproduceren met curl",
    "evidence_steps": "Stappen om te reproduceren",
    "evidence_more": "Nog {count} bewijsstuk(ken) in results.json.",
    "truncated": "… (ingekort, {count} tekens weggelaten; volledig in results.json)",
    "truncated_by_harness": "(antwoord door de testtool ingekort)",
    "section_waivers": "Ontheffingen",
    "no_waivers": "Er zijn geen ontheffingen gebruikt.",
    "waiver_applied": "Toegepast",
    "waiver_expired": "Verlopen – genegeerd",
    "waiver_stale": "Overbodig – eis wordt gehaald",
    "waiver_unknown_requirement": "Onbekende eis – genegeerd",
    "waiver_not_applied": "Niet toegepast – eis niet afgekeurd",
    "section_findings": "Bevindingen (ter informatie)",
    "findings_explain": "Bevindingen horen bij geen enkele eis en tellen niet mee in het oordeel.",
    "no_findings": "Geen bevindingen.",
    "section_endpoints": "Geteste endpoints",
    "section_profile": "Profiel en standaarden",
    "section_run": "Testrun",
    "run_id": "Run-id",
    "run_seed": "Seed",
    "run_budget": "Budget",
    "run_tool": "Testtool",
    "run_schemathesis": "Schemathesis",
    "run_python": "Python",
    "run_started": "Gestart",
    "run_finished": "Afgerond",
    "run_duration": "Duur",
    "run_requests": "HTTP-verzoeken",
    "replay_explain": "Deze test herhalen met dezelfde invoer (zelfde seed en budget):",
    "section_signature": "Ondertekening en echtheid",
    "validity_range": "van {start} tot en met {end}",
    "verify_explain": "Controleer de echtheid offline met de publieke sleutel van de uitgever; "
                      "de vingerafdruk hierboven moet overeenkomen:",
    "footer": "Gemaakt door gemma-conformance. De ondertekende gegevens staan ingebed in deze "
              "pagina en in certificate.json.",
    "badge_conformant": "conform",
    "badge_not_conformant": "niet conform",
    "badge_incomplete": "onvolledig",
    **{f"month_{i}": m for i, m in enumerate(_MONTHS_NL, start=1)},
    **NL_WEB,
}

EN: dict[str, str] = {
    "page_title_signed": "Certificate of conformance {product} {version} – {supplier}",
    "page_title_unsigned": "Test report (unsigned) {product} {version} – {supplier}",
    "heading_signed": "Certificate of conformance",
    "heading_unsigned": "Conformance test report",
    "unsigned_banner": "UNSIGNED – this is not a certificate",
    "unsigned_explain": "This report is not digitally signed. Its authenticity cannot be "
                        "verified and no validity period applies.",
    "unsigned_issuer": "— (unsigned)",
    "no_validity": "no validity period (unsigned)",
    "no_key": "none (unsigned)",
    "verdict_label": "Verdict",
    "verdict_conformant": "CONFORMANT",
    "verdict_not_conformant": "NOT CONFORMANT",
    "verdict_incomplete": "INCOMPLETE – no verdict possible",
    "explain_conformant": "All {count} MUST requirements of the required conformance classes "
                          "were met.",
    "explain_waived": "{count} of them are covered by an approved waiver (see Waivers).",
    "explain_not_conformant": "{count} MUST requirement(s) of the required conformance classes "
                              "not met: {ids}.",
    "explain_incomplete": "{count} MUST requirement(s) of the required conformance classes "
                          "could not be decided: {ids}.",
    "explain_incomplete_empty": "The profile has no tested MUST requirement in a required class.",
    "fact_issuer": "Issued by",
    "fact_supplier": "Supplier",
    "fact_product": "Product and version",
    "fact_environment": "Environment tested",
    "fact_tls": "TLS",
    "tls_insecure": "The supplier's TLS certificate was NOT verified (--insecure)",
    "fact_personal_data": "Personal data",
    "bsn_unmasked": "BSNs in the evidence are NOT masked (--no-bsn-masking or mask_bsn: "
                    "false); handle the files as personal data",
    "fact_profile": "Tested against profile",
    "fact_standards": "Standards",
    "fact_run_date": "Date of the test",
    "fact_valid_until": "Valid until (inclusive)",
    "fact_must": "MUST requirements",
    "fact_should_score": "SHOULD score",
    "fact_waivers": "Waivers",
    "fact_key": "Signing key fingerprint",
    "fact_component": "GEMMA reference component",
    "fact_profile_digest": "Profile digest",
    "fact_provenance": "Profile provenance",
    "provenance_builtin": "the published built-in profile {id} version {version} of this tool",
    "provenance_changed": "CHANGED – same id and version as the published profile {id} "
                          "{version}, but other content: not the published profile",
    "provenance_other_version": "profile {id} version {version}; this tool publishes another "
                                "version of {id}, compare the digest with that release",
    "provenance_custom": "custom profile {id} version {version}: not a profile this tool "
                         "publishes",
    "section_missing": "Missing parts",
    "missing_explain": "The tested environment leaves out parts the component must offer under "
                       "the profile. The requirements that need them were not exercised; the "
                       "verdict is therefore never CONFORMANT.",
    "section_coverage": "Coverage per operation",
    "coverage_explain": "Per operation of the tested standard: how many requests the contract "
                        "pass sent, how many of them carried valid data the supplier could "
                        "judge, how many of those the supplier accepted (2xx), how many valid "
                        "requests got a server error (5xx; they say nothing about the data, so "
                        "they are not counted as judged) and which checks applied. An "
                        "operation the profile leaves out is listed with the reason (in "
                        "English, from the profile).",
    "col_operation": "Operation",
    "col_requests": "Requests",
    "col_valid": "Valid, judged",
    "col_accepted": "Accepted (2xx)",
    "col_crashed": "Server error (5xx)",
    "col_checks": "Checks applied",
    "coverage_excluded": "not tested: {reason}",
    "fact_issued_at": "Signed at",
    "fact_certificate_id": "Certificate number",
    "fact_validity": "Validity",
    "fact_algorithm": "Algorithm",
    "fact_results_digest": "Results digest",
    "version": "version",
    "none": "none",
    "must_summary": "{passed} of {total} met",
    "must_waived": "{count} waived",
    "should_score": "{percent}% ({passed} of {decided} decided requirements met)",
    "should_none": "no SHOULD requirements decided",
    "waiver_count": "{count} (see Waivers)",
    "environment_test": "test environment",
    "environment_acceptance": "acceptance environment",
    "environment_production": "production environment",
    "section_requirements": "Requirements per conformance class",
    "class_heading": "Class {name}: {title}",
    "class_required": "required for the certificate",
    "class_optional": "optional (extra)",
    "col_id": "Requirement",
    "col_level": "Level",
    "col_title": "Description",
    "col_outcome": "Outcome",
    "col_source": "Normative text",
    "col_status": "Status",
    "col_reason": "Reason",
    "col_approved_by": "Approved by",
    "col_expires": "Expires",
    "col_waiver_source": "Source",
    "col_kind": "Kind",
    "col_message": "Finding",
    "col_where": "Where",
    "col_count": "Count",
    "col_api": "API",
    "col_base_url": "Base URL",
    "col_standard": "Standard",
    "col_spec": "OpenAPI specification and digest",
    "level_must": "MUST",
    "level_should": "SHOULD",
    "level_may": "MAY",
    "outcome_passed": "Passed",
    "outcome_failed": "Failed",
    "outcome_error": "Undecided (error)",
    "outcome_skipped": "Not applicable",
    "outcome_waived": "Waived",
    "outcome_not_tested": "Not tested",
    "not_tested_reason": "Not tested: {reason}",
    "inherited_reason": "Inherited from the standard – not counted in the verdict: {reason}",
    "section_part": "{title}",
    "part_explain": "These rules (profile {id}) hold for every government API and are reported "
                    "separately. Rules the standard itself does not follow are marked "
                    "'inherited from the standard': their outcome is shown but never counted "
                    "against the supplier.",
    "part_inherited": "{count} rule(s) inherited from the standard.",
    "spec_from_target": "(the supplier's own OpenAPI description, read during the test)",
    "fact_included_profile": "Included profile",
    "waiver_inline": "Waiver: {reason} (approved by {approved_by}, valid until {expires})",
    "source_link": "normative text",
    "evidence_summary": "Show evidence for {id} ({count})",
    "evidence_check": "Check",
    "evidence_operation": "operation",
    "evidence_message": "Message",
    "evidence_request": "Request",
    "evidence_response": "Response",
    "evidence_curl": "Reproduce with curl",
    "evidence_steps": "Steps to reproduce",
    "evidence_more": "{count} more evidence item(s) in results.json.",
    "truncated": "… (truncated, {count} characters left out; complete in results.json)",
    "truncated_by_harness": "(response truncated by the harness)",
    "section_waivers": "Waivers",
    "no_waivers": "No waivers were used.",
    "waiver_applied": "Applied",
    "waiver_expired": "Expired – ignored",
    "waiver_stale": "Stale – requirement is met",
    "waiver_unknown_requirement": "Unknown requirement – ignored",
    "waiver_not_applied": "Not applied – requirement did not fail",
    "section_findings": "Findings (informational)",
    "findings_explain": "Findings belong to no requirement and do not count towards the verdict.",
    "no_findings": "No findings.",
    "section_endpoints": "Tested endpoints",
    "section_profile": "Profile and standards",
    "section_run": "Test run",
    "run_id": "Run id",
    "run_seed": "Seed",
    "run_budget": "Budget",
    "run_tool": "Test tool",
    "run_schemathesis": "Schemathesis",
    "run_python": "Python",
    "run_started": "Started",
    "run_finished": "Finished",
    "run_duration": "Duration",
    "run_requests": "HTTP requests",
    "replay_explain": "Repeat this test with the same input (same seed and budget):",
    "section_signature": "Signature and authenticity",
    "validity_range": "from {start} until {end} (inclusive)",
    "verify_explain": "Verify authenticity offline with the issuer's public key; the "
                      "fingerprint above must match:",
    "footer": "Made by gemma-conformance. The signed data is embedded in this page and in "
              "certificate.json.",
    "badge_conformant": "conformant",
    "badge_not_conformant": "not conformant",
    "badge_incomplete": "incomplete",
    **{f"month_{i}": m for i, m in enumerate(_MONTHS_EN, start=1)},
    **EN_WEB,
}

MESSAGES: dict[str, dict[str, str]] = {"nl": NL, "en": EN}


def check_lang(lang: str) -> str:
    if lang not in MESSAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of: {', '.join(LANGUAGES)}")
    return lang


def t(lang: str, key: str, **kw: object) -> str:
    """Message ``key`` in ``lang`` with placeholders filled; a missing key is a bug (KeyError)."""
    return MESSAGES[check_lang(lang)][key].format(**kw)


def localized(value: Any, lang: str) -> str:
    """A ``{nl, en}`` text in ``lang`` (the other language as fallback), or plain text."""
    if isinstance(value, dict):
        other = "en" if lang == "nl" else "nl"
        return str(value.get(lang) or value.get(other) or "")
    return "" if value is None else str(value)


def long_date(value: Any, lang: str) -> str:
    """``2027-11-20`` (or a date-time) as ``20 november 2027``; anything else unchanged."""
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{d.day} {t(lang, f'month_{d.month}')} {d.year}"
