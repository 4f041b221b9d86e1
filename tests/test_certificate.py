"""The certificate page, its translations, the JUnit file and the badge."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_samples import (
    NASTY,
    conformant_results,
    hostile_results,
    incomplete_results,
    make_results,
    not_conformant_results,
)

from conformance.certify import build_certificate, generate_keypair, sign_certificate
from conformance.report import i18n
from conformance.report.badge import render_badge
from conformance.report.certificate import TEMPLATES, page_title, render_certificate
from conformance.report.junit import render_junit

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> tuple[Path, Path]:
    return generate_keypair(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def signed_failing(keys) -> dict:
    doc = build_certificate(not_conformant_results(), issuer="VNG Certificering & Co", now=NOW)
    return sign_certificate(doc, keys[0])


class _Collector(HTMLParser):
    """Every start tag and the text outside the inert JSON data element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._in_data = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_data = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_data = False

    def handle_data(self, data):
        if not self._in_data:
            self.text.append(data)


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


# --- i18n --------------------------------------------------------------------------------

def test_languages_have_identical_keys():
    assert set(i18n.MESSAGES) == {"nl", "en"}
    assert set(i18n.MESSAGES["nl"]) == set(i18n.MESSAGES["en"])


def test_placeholders_match_between_languages():
    fields = re.compile(r"\{(\w+)\}")
    for key, text in i18n.MESSAGES["nl"].items():
        assert set(fields.findall(text)) == set(fields.findall(i18n.MESSAGES["en"][key])), key


def test_every_key_used_by_the_template_exists():
    template = (TEMPLATES / "certificate.html.j2").read_text(encoding="utf-8")
    used = set(re.findall(r"""\bt\(\s*["'](\w+)["']""", template))
    assert used, "the template should use t()"
    assert used <= set(i18n.MESSAGES["nl"])


def test_unknown_language_is_a_value_error():
    with pytest.raises(ValueError, match="unknown language"):
        i18n.t("de", "verdict_conformant")
    with pytest.raises(ValueError):
        render_certificate(conformant_results(), lang="fr")


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("maker", [conformant_results, not_conformant_results, incomplete_results])
def test_pages_are_complete_in_both_languages(lang, maker, keys):
    results = maker()
    for document in (results, sign_certificate(build_certificate(results, issuer="X", now=NOW),
                                               keys[0])):
        html = render_certificate(document, lang=lang)
        text = " ".join(_parse(html).text)
        assert not re.search(r"\{\w+\}", text), "an unfilled placeholder is on the page"
        assert not re.search(r"\b(?:fact|col|section|outcome|verdict|waiver)_\w+", text)
        words = i18n.t(lang, f"verdict_{results['verdict']}")
        assert words in text
        other = "en" if lang == "nl" else "nl"
        assert i18n.t(other, "section_requirements") not in text
        assert f'<html lang="{lang}">' in html


def test_verdict_words_per_language():
    assert "NIET CONFORM" in render_certificate(not_conformant_results())
    assert "NOT CONFORMANT" in render_certificate(not_conformant_results(), lang="en")
    assert "ONVOLLEDIG – geen oordeel mogelijk" in render_certificate(incomplete_results())
    assert ">✔ CONFORM<" in render_certificate(conformant_results())


# --- the page ----------------------------------------------------------------------------

def test_signed_page_shows_what_a_buyer_needs(signed_failing):
    html = render_certificate(signed_failing)
    text = " ".join(_parse(html).text)
    sig, cert = signed_failing["signature"], signed_failing["certificate"]
    assert "VNG Certificering &amp; Co" in html  # escaped issuer
    assert sig["key_fingerprint"] in text
    assert "20 november 2027" in text  # valid until
    assert "20 november 2026, 14:03 UTC" in text  # date of the run
    assert "Zaakwijzer 4.2.0" in text
    assert "https://zaken.acme.example/zaken/api/v1/" in text  # tested endpoints
    assert cert["profile_sha256"] in text and cert["spec_sha256"]["zaken"] in text
    assert "Zaken API 1.5.1" in text
    assert "50% (1 van 2 beoordeelde eisen gehaald)" in text  # SHOULD score
    assert "Niet getest: no automated check yet" in text
    assert "conformance run --profile zrc-1.5 --seed 424242 --budget standard" in text
    assert "ONGETEKEND" not in text
    # required class first, and both classes present with their levels
    assert text.index("Klasse basis") < text.index("Klasse uitgebreid")
    assert "ZOU MOETEN" in text and "MAG" in text
    # links to the normative text
    assert 'href="https://vng-realisatie.github.io/gemma-zaken/standaard/zaken/#zrc-007"' in html


def test_evidence_is_folded_and_truncated(signed_failing):
    html = render_certificate(signed_failing)
    details = re.findall(r"<details class=\"evidence\">(.*?)</details>", html, re.S)
    assert len(details) == 2  # zrc-007 and zrc-020
    first = details[0]
    assert "<details class=\"evidence\" open" not in html
    assert "curl -X POST" in first and "HTTP 201" in first and "Authorization: [REDACTED]" in first
    assert "ingekort" in first  # the 9 KB body is cut on the page
    assert len(first) < 20_000


def test_unsigned_results_are_clearly_unsigned():
    html = render_certificate(conformant_results())
    text = " ".join(_parse(html).text)
    assert "ONGETEKEND" in text and "geen geldigheidsperiode" in text
    assert "Geldig tot en met" in text  # the row is there, and says there is no period
    assert not re.search(r"Geldig tot en met\s+\d", text)
    en = " ".join(_parse(render_certificate(conformant_results(), lang="en")).text)
    assert "UNSIGNED" in en


def test_supplier_strings_are_escaped_everywhere():
    html = render_certificate(hostile_results(), lang="en")
    collector = _parse(html)
    tags = [tag for tag, _ in collector.tags]
    assert "img" not in tags
    scripts = [attrs for tag, attrs in collector.tags if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "certificate-data"}]
    assert not any(k.startswith("on") for _, attrs in collector.tags for k in attrs)
    assert "<script>document.title" not in html and "<img src=x" not in html
    # the text survives, visibly and literally
    assert "<script>document.title='pwned'</script>" in " ".join(collector.text)


def test_embedded_json_cannot_break_out_and_round_trips(signed_failing):
    html = render_certificate(signed_failing)
    start = html.index('id="certificate-data">') + len('id="certificate-data">')
    data = html[start:html.index("</script>", start)]
    assert "<" not in data and ">" not in data and "&" not in data
    assert json.loads(data) == signed_failing
    assert html.count("</script>") == 1


def test_page_is_self_contained():
    html = render_certificate(not_conformant_results())
    assert ("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "img-src data:\"") in html
    for tag, attrs in _parse(html).tags:
        assert tag not in ("link", "iframe", "object", "embed", "img", "base", "form")
        assert "src" not in attrs
    assert "@import" not in html and "url(" not in html
    assert "@page { size: A4; margin: 15mm; }" in html and "@media print" in html


def test_source_links_only_for_http_urls():
    results = make_results()
    results["requirements"][0]["source"] = "javascript:alert(1)"
    html = render_certificate(results)
    assert 'href="javascript' not in html
    assert "javascript:alert(1)" in html  # still disclosed, as text


def test_waived_requirement_and_waiver_entries_are_printed():
    results = make_results(failing=True)
    req = next(r for r in results["requirements"] if r["id"] == "zrc-007")
    req["outcome"] = "waived"
    req["waiver"] = {"reason": "Fix in 4.3 & later", "approved_by": "Gemeente Ééndorp",
                     "expires": "2027-03-31", "source": "waivers.yaml:2"}
    results["waivers"] = [
        {"requirement": "zrc-007", "status": "applied", **req["waiver"]},
        {"requirement": "zrc-001", "status": "stale", "reason": "old", "approved_by": "B",
         "expires": "2027-01-01", "source": "waivers.yaml:6"},
        {"requirement": "zrc-020", "status": "expired", "reason": "older", "approved_by": "C",
         "expires": "2026-01-01", "source": "waivers.yaml:10"},
    ]
    text = " ".join(_parse(render_certificate(results)).text)
    assert "Fix in 4.3 & later" in text and "Gemeente Ééndorp" in text
    assert "31 maart 2027" in text and "waivers.yaml:2" in text
    assert "Toegepast" in text and "Overbodig" in text and "Verlopen" in text
    assert "≈ Ontheffing" in text


def test_page_title_is_predictable(signed_failing):
    assert page_title(signed_failing) == (
        f"Conformiteitscertificaat Zaakwijzer 4.2.0 – {NASTY}")
    assert page_title(conformant_results(), "en").startswith("Test report (unsigned)")


def test_rendering_is_deterministic(signed_failing):
    assert render_certificate(signed_failing) == render_certificate(json.loads(
        json.dumps(signed_failing)))


# --- JUnit -------------------------------------------------------------------------------

def test_junit_has_one_case_per_requirement_and_counts_right():
    results = hostile_results()
    results["requirements"][0]["outcome"] = "error"
    results["requirements"][0]["message"] = "target unreachable \x00\x1b"
    root = ET.fromstring(render_junit(results).encode("utf-8"))
    cases = root.findall(".//testcase")
    assert len(cases) == len(results["requirements"])
    by_outcome = {o: [r for r in results["requirements"] if r["outcome"] == o]
                  for o in ("failed", "error", "skipped", "waived")}
    assert int(root.get("tests")) == len(cases)
    assert int(root.get("failures")) == len(by_outcome["failed"]) == len(root.findall(".//failure"))
    assert int(root.get("errors")) == 1 == len(root.findall(".//error"))
    assert int(root.get("skipped")) == len(by_outcome["skipped"]) + len(by_outcome["waived"])
    names = {c.get("name") for c in cases}
    assert "zrc-007 Reject a zaak without zaaktype" in names
    assert {c.get("classname") for c in cases} == {"zrc-1.5.basis", "zrc-1.5.uitgebreid"}
    failure = root.find(".//testcase[@name='zrc-007 Reject a zaak without zaaktype']/failure")
    assert "<script>document.title='pwned'</script>" in failure.text  # escaped, survives
    assert "curl -X POST" in failure.text
    skipped = root.find(".//testcase[@name='zrc-012 Derive archiving nomination']/skipped")
    assert skipped.get("message").startswith("not tested:")


def test_junit_waived_is_skipped_with_reason():
    results = make_results(failing=True)
    req = next(r for r in results["requirements"] if r["id"] == "zrc-007")
    req["outcome"], req["waiver"] = "waived", {"reason": "R", "approved_by": "A",
                                                "expires": "2027-01-01"}
    root = ET.fromstring(render_junit(results))
    skipped = root.find(".//testcase[@name='zrc-007 Reject a zaak without zaaktype']/skipped")
    assert skipped.get("message") == "waived: R (approved by A, expires 2027-01-01)"


# --- badge -------------------------------------------------------------------------------

@pytest.mark.parametrize(("maker", "colour", "words"), [
    (conformant_results, "#2e7d32", "conform"),
    (not_conformant_results, "#c62828", "niet conform"),
    (incomplete_results, "#757575", "onvolledig"),
])
def test_badge_is_static_valid_svg(maker, colour, words):
    results = maker()
    svg = render_badge(results)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert re.findall(r"https?://[^\"' ]+", svg) == ["http://www.w3.org/2000/svg"]
    assert "<script" not in svg and "href" not in svg and "url(" not in svg
    assert colour in svg
    texts = [el.text for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["zrc-1.5", words]


def test_badge_escapes_profile_id_and_speaks_english():
    results = conformant_results()
    results["profile"]["id"] = "<script>x</script>&"
    svg = render_badge(results, lang="en")
    ET.fromstring(svg)
    assert "<script>" not in svg and "conformant" in svg


def test_junit_reports_inherited_rules_as_skipped():
    import xml.etree.ElementTree as ET

    from report_samples import not_conformant_results

    from conformance.report.junit import render_junit

    results = not_conformant_results()
    failed = next(r for r in results["requirements"] if r["outcome"] == "failed")
    failed["inherited"] = "ZGW query keys are not camelCase"
    root = ET.fromstring(render_junit(results))
    case = next(c for c in root.iter("testcase") if c.get("name").startswith(failed["id"] + " "))
    assert case.find("failure") is None
    assert "inherited from the standard" in case.find("skipped").get("message")


@pytest.mark.parametrize(("lang", "missing_heading", "excluded", "provenance"), [
    ("nl", "Ontbrekende onderdelen", "niet getoetst: Vervallen in de Zaken API 1.5 zelf",
     "het gepubliceerde profiel"),
    ("en", "Missing parts", "not tested: Deprecated in the Zaken API 1.5 itself",
     "the published built-in profile"),
])
def test_missing_parts_first_then_coverage_and_provenance(lang, missing_heading, excluded,
                                                          provenance):
    """What the target left out comes right after the verdict, before anything else; the
    contract pass's reach per operation (excluded operations with their reason) and the
    profile's provenance are on the page, in both languages."""
    results = not_conformant_results()
    results["missing_parts"] = [{"part": "API notificaties",
                                 "reason": "ZRC-notificaties needs the Notificaties API"}]
    results["coverage"] = [
        {"api": "zaken", "operation": "zaak_create", "requests": 40, "positive": 12,
         "judged": 11, "accepted": 9, "crashed": 1, "statuses": {"201": 9, "500": 1},
         "checks": ["not_a_server_error"]},
        {"api": "zaken", "operation": "klantcontact_list",
         "excluded": {"nl": "Vervallen in de Zaken API 1.5 zelf",
                      "en": "Deprecated in the Zaken API 1.5 itself"}},
    ]
    html = render_certificate(results, lang=lang)
    verdict_at, missing_at = html.index('id="verdict"'), html.index(missing_heading)
    assert verdict_at < missing_at < html.index('id="requirements"')
    assert "API notificaties" in html[missing_at:html.index('id="requirements"')]
    coverage = html[html.index('id="coverage"'):]
    assert re.search(r"zaak_create</td><td>40</td><td>11</td><td>9</td><td>1</td>", coverage)
    assert ("Serverfout (5xx)" if lang == "nl" else "Server error (5xx)") in coverage
    assert excluded in coverage
    assert provenance in html


def test_a_changed_profile_is_marked_on_the_page():
    results = not_conformant_results()
    results["profile"]["provenance"] = "changed"
    html = render_certificate(results, lang="nl")
    assert 'class="profile-changed"><strong>AANGEPAST' in html


def test_a_finding_the_harness_can_say_in_dutch_is_dutch_on_the_dutch_page():
    """What a procurement officer reads is Dutch first: a spec gap's reason, given in both
    languages, shows in the page's own language; one in English only stays English."""
    results = conformant_results()
    results["findings"].append({
        "kind": "spec_gap", "message": "the OAS lists only 200 for HEAD",
        "text": {"nl": "de OAS noemt bij HEAD alleen 200",
                 "en": "the OAS lists only 200 for HEAD"},
        "operation": "zaak_headers", "check": "status_code_conformance", "count": 1})
    nl = " ".join(_parse(render_certificate(results)).text)
    en = " ".join(_parse(render_certificate(results, lang="en")).text)
    assert "de OAS noemt bij HEAD alleen 200" in nl and "lists only 200 for HEAD" not in nl
    assert "the OAS lists only 200 for HEAD" in en
    assert "Undocumented status 418" in nl  # the sample's English-only finding


def test_every_built_in_spec_gap_and_triage_reason_has_dutch():
    from conformance.engine import partial_update, triage
    from conformance.profiles import builtin_profile_ids, load_profile

    for profile_id in builtin_profile_ids():
        for gap in load_profile(profile_id).contract.get("spec_gaps", []):
            assert isinstance(gap["reason"], dict) and gap["reason"]["nl"], profile_id
    for text in (partial_update.REASON, triage.NO_CONTENT, triage.SENT_ANYWAY,
                 triage.READ_ONLY, triage.RANDOM_AS_JSON, triage.WRONG_CONTENT,
                 triage.POSITIVE_CASE, triage.VALID_AFTER_ALL, triage.EMPTY_FILTER,
                 triage.CRS_ON_DELETE):
        assert text["nl"] and text["en"] and text["nl"] != text["en"]
