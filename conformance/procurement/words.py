"""The words of the tender matrix (page, CSV, workbook): Dutch first, English second.

Outcome, verdict, level, waiver and not-tested words are the certificate's own
(``conformance.report.i18n``): the matrix says exactly what the certificates say.
"""

from __future__ import annotations

from ..report.i18n import check_lang

NL: dict[str, str] = {
    "title": "Vergelijking van conformiteitscertificaten",
    "subtitle": "{count} certificaten vergeleken op {date}",
    "intro": "Per eis de uitkomst uit elk certificaat, zoals ondertekend. Alleen certificaten "
             "waarvan de handtekening, de sleutel, de geldigheid en de digests kloppen, tellen "
             "mee. Eerst de MOET-eisen, dan de ZOU MOETEN-eisen met hun score.",
    "mixed_profiles": "Let op: de certificaten zijn getoetst aan verschillende profielen of "
                      "profielversies ({profiles}). Alleen de {count} eisen die in alle "
                      "certificaten voorkomen worden vergeleken.",
    "left_out": "Niet vergeleken voor {supplier}: {ids}.",
    "rejected_notice": "Deze certificaten konden niet worden geverifieerd en tellen niet mee "
                       "in de vergelijking:",
    "rejected_item": "{supplier} ({file}): {reason}",
    "differs_legend": "Gemarkeerde rijen: de uitkomst verschilt tussen de leveranciers.",
    "col_requirement": "Eis",
    "col_level": "Niveau",
    "col_title": "Omschrijving",
    "col_differs": "Verschilt",
    "col_outcome": "{label} – uitkomst",
    "col_note": "{label} – toelichting",
    "fact_supplier": "Leverancier",
    "fact_product": "Product",
    "fact_version": "Versie",
    "fact_verdict": "Eindoordeel",
    "fact_valid_until": "Geldig tot en met",
    "fact_signature": "Handtekening",
    "fact_must": "MOET-eisen",
    "fact_should": "Score ZOU MOETEN",
    "fact_profile": "Profiel",
    "fact_certificate": "Certificaatnummer",
    "fact_file": "Bestand",
    "signature_ok": "echt en geldig",
    "signature_failed": "NIET geverifieerd ({checks})",
    "check_signature": "handtekening",
    "check_trusted_key": "vertrouwde sleutel",
    "check_validity_period": "geldigheid",
    "check_digests": "digests",
    "check_profile": "profiel gewijzigd",
    "check_unreadable": "onleesbaar",
    "check_other": "dubbel of onbekend formaat",
    "unverified": "niet geverifieerd",
    "absent": "komt niet voor",
    "group_must": "MOET-eisen",
    "group_should": "ZOU MOETEN-eisen",
    "group_may": "MAG-eisen",
    "yes": "ja",
    "no": "nee",
    "sheet_matrix": "Vergelijking",
    "sheet_suppliers": "Leveranciers",
    "notices": "Opmerkingen",
    "footer": "Gemaakt door gemma-conformance (conformance compare). Elk certificaat is "
              "gecontroleerd zoals conformance verify dat doet; de uitkomsten komen ongewijzigd "
              "uit de ondertekende certificaten.",
}

EN: dict[str, str] = {
    "title": "Comparison of conformance certificates",
    "subtitle": "{count} certificates compared on {date}",
    "intro": "Per requirement the outcome from each certificate, as signed. Only certificates "
             "whose signature, key, validity and digests check out count. MUST requirements "
             "first, then SHOULD requirements with their score.",
    "mixed_profiles": "Note: the certificates were tested against different profiles or "
                      "profile versions ({profiles}). Only the {count} requirements that occur "
                      "in every certificate are compared.",
    "left_out": "Not compared for {supplier}: {ids}.",
    "rejected_notice": "These certificates could not be verified and do not count in the "
                       "comparison:",
    "rejected_item": "{supplier} ({file}): {reason}",
    "differs_legend": "Highlighted rows: the outcome differs between suppliers.",
    "col_requirement": "Requirement",
    "col_level": "Level",
    "col_title": "Description",
    "col_differs": "Differs",
    "col_outcome": "{label} – outcome",
    "col_note": "{label} – note",
    "fact_supplier": "Supplier",
    "fact_product": "Product",
    "fact_version": "Version",
    "fact_verdict": "Verdict",
    "fact_valid_until": "Valid until",
    "fact_signature": "Signature",
    "fact_must": "MUST requirements",
    "fact_should": "SHOULD score",
    "fact_profile": "Profile",
    "fact_certificate": "Certificate number",
    "fact_file": "File",
    "signature_ok": "genuine and valid",
    "signature_failed": "NOT verified ({checks})",
    "check_signature": "signature",
    "check_trusted_key": "trusted key",
    "check_validity_period": "validity",
    "check_digests": "digests",
    "check_profile": "profile changed",
    "check_unreadable": "unreadable",
    "check_other": "duplicate or unknown format",
    "unverified": "not verified",
    "absent": "does not occur",
    "group_must": "MUST requirements",
    "group_should": "SHOULD requirements",
    "group_may": "MAY requirements",
    "yes": "yes",
    "no": "no",
    "sheet_matrix": "Comparison",
    "sheet_suppliers": "Suppliers",
    "notices": "Notes",
    "footer": "Made by gemma-conformance (conformance compare). Each certificate was checked "
              "as conformance verify does; the outcomes are taken unchanged from the signed "
              "certificates.",
}

MESSAGES: dict[str, dict[str, str]] = {"nl": NL, "en": EN}


def t(lang: str, key: str, **kw: object) -> str:
    return MESSAGES[check_lang(lang)][key].format(**kw)
