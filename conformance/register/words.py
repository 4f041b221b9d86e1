"""The words of the register site: Dutch first, English second (same keys in both).

Outcome, verdict and month words come from the certificate's own labels
(``conformance.report.i18n``), so a register page and a certificate never disagree.
"""

from __future__ import annotations

from ..report.i18n import check_lang

NL: dict[str, str] = {
    "title": "Register van conformiteitscertificaten",
    "intro": "Dit register vermeldt de conformiteitscertificaten die de uitgever heeft "
             "gepubliceerd, per GEMMA-referentiecomponent en product, met hun status. Elke "
             "wijziging staat in een ondertekend, aaneengeschakeld logboek (log.jsonl) dat "
             "iedereen kan controleren.",
    "status_rule": "Geldig: gepubliceerd, niet geschorst of ingetrokken en nog niet verlopen. "
                   "Geschorst: tijdelijk niet geldig (bijvoorbeeld omdat de nachtelijke "
                   "controle herhaald faalde). Ingetrokken: definitief niet geldig. Verlopen: "
                   "de geldigheidsperiode is voorbij.",
    "generated": "Gepubliceerd op {date}; de status geldt op die datum.",
    "register_key": "Sleutel van het register",
    "entries": "Logboek: {count} regels, laatste hash {hash}",
    "component": "Referentiecomponent {name}",
    "no_component": "(geen referentiecomponent opgegeven)",
    "no_certificates": "Er staan nog geen certificaten in het register.",
    "col_product": "Product",
    "col_version": "Versie",
    "col_profile": "Profiel",
    "col_status": "Status",
    "col_valid_until": "Geldig tot en met",
    "col_certificate": "Certificaat",
    "col_date": "Datum",
    "col_event": "Gebeurtenis",
    "col_reason": "Reden",
    "col_source": "Door",
    "status_valid": "geldig",
    "status_suspended": "geschorst",
    "status_revoked": "ingetrokken",
    "status_expired": "verlopen",
    "event_add": "opgenomen in het register",
    "event_suspend": "geschorst",
    "event_unsuspend": "schorsing opgeheven",
    "event_revoke": "ingetrokken",
    "source_manual": "beheerder van het register",
    "source_nightly": "nachtelijke controle",
    "entry_title": "Certificaat {id}",
    "back": "Terug naar het register",
    "fact_supplier": "Leverancier",
    "fact_product": "Product en versie",
    "fact_component": "GEMMA-referentiecomponent",
    "fact_profile": "Profiel",
    "fact_standards": "Standaarden",
    "fact_verdict": "Eindoordeel",
    "fact_status": "Status",
    "fact_reason": "Reden",
    "fact_issuer": "Uitgegeven door",
    "fact_valid": "Geldig",
    "fact_valid_range": "van {start} tot en met {end}",
    "fact_signer": "Ondertekend met sleutel",
    "fact_digest": "SHA-256 van het certificaat",
    "history": "Geschiedenis",
    "documents": "Het certificaat",
    "open_certificate": "Het volledige certificaat bekijken",
    "open_json": "certificate.json (ondertekende gegevens)",
    "verify_explain": "Controleer het certificaat en zijn status in dit register offline "
                      "met de publieke sleutel van de uitgever:",
    "footer": "Gemaakt door gemma-conformance. Voor software: register.json (JSON Schema: "
              "register.schema.json), log.jsonl en head.json.",
    "nightly_suspend": "Nachtelijke controle {nightly}: {window} nachten op rij geen "
                       "conformiteit voor profiel {profile}; niet gehaald: {failed}",
    "nightly_unsuspend": "Nachtelijke controle {nightly}: weer conform voor profiel {profile}",
}

EN: dict[str, str] = {
    "title": "Register of conformance certificates",
    "intro": "This register lists the conformance certificates the issuer has published, per "
             "GEMMA reference component and product, with their status. Every change is in "
             "a signed, hash-chained log (log.jsonl) anyone can verify.",
    "status_rule": "Valid: published, not suspended or revoked and not expired. Suspended: "
                   "temporarily not valid (for instance because the nightly checks failed "
                   "repeatedly). Revoked: permanently not valid. Expired: the validity period "
                   "is over.",
    "generated": "Published on {date}; the status holds on that date.",
    "register_key": "Register key",
    "entries": "Log: {count} entries, last hash {hash}",
    "component": "Reference component {name}",
    "no_component": "(no reference component given)",
    "no_certificates": "The register holds no certificates yet.",
    "col_product": "Product",
    "col_version": "Version",
    "col_profile": "Profile",
    "col_status": "Status",
    "col_valid_until": "Valid until",
    "col_certificate": "Certificate",
    "col_date": "Date",
    "col_event": "Event",
    "col_reason": "Reason",
    "col_source": "By",
    "status_valid": "valid",
    "status_suspended": "suspended",
    "status_revoked": "revoked",
    "status_expired": "expired",
    "event_add": "added to the register",
    "event_suspend": "suspended",
    "event_unsuspend": "suspension lifted",
    "event_revoke": "revoked",
    "source_manual": "register keeper",
    "source_nightly": "nightly checks",
    "entry_title": "Certificate {id}",
    "back": "Back to the register",
    "fact_supplier": "Supplier",
    "fact_product": "Product and version",
    "fact_component": "GEMMA reference component",
    "fact_profile": "Profile",
    "fact_standards": "Standards",
    "fact_verdict": "Verdict",
    "fact_status": "Status",
    "fact_reason": "Reason",
    "fact_issuer": "Issued by",
    "fact_valid": "Valid",
    "fact_valid_range": "from {start} until {end} (inclusive)",
    "fact_signer": "Signed with key",
    "fact_digest": "SHA-256 of the certificate",
    "history": "History",
    "documents": "The certificate",
    "open_certificate": "View the complete certificate",
    "open_json": "certificate.json (signed data)",
    "verify_explain": "Verify the certificate and its status in this register offline with "
                      "the issuer's public key:",
    "footer": "Made by gemma-conformance. For software: register.json (JSON Schema: "
              "register.schema.json), log.jsonl and head.json.",
    "nightly_suspend": "Nightly checks {nightly}: {window} nights in a row without "
                       "conformance for profile {profile}; not met: {failed}",
    "nightly_unsuspend": "Nightly checks {nightly}: conformant again for profile {profile}",
}

MESSAGES: dict[str, dict[str, str]] = {"nl": NL, "en": EN}


def t(lang: str, key: str, **kw: object) -> str:
    return MESSAGES[check_lang(lang)][key].format(**kw)

