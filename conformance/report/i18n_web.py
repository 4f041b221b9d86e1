"""The certificate's words for web runs (the accessibility profile): Dutch first, English.

Merged into :mod:`conformance.report.i18n`, whose test keeps both languages' keys equal.
"""

from __future__ import annotations

NL_WEB: dict[str, str] = {
    "section_automated": "Wat deze automatische test wel en niet laat zien",
    "automated_can": "De pagina's zijn in een echte browser (Chromium) bij elke schermbreedte "
                     "getoetst met axe-core {axe}. Axe-core vindt een deel van de fouten tegen "
                     "WCAG 2.1 met zekerheid: een criterium dat hier 'voldoet niet' heeft, is "
                     "op de genoemde pagina aantoonbaar niet gehaald.",
    "automated_cannot": "'Voldoet' betekent alleen dat axe-core op de geteste pagina's en "
                        "schermbreedtes geen fout vond; het bewijst niet dat het criterium is "
                        "gehaald. Voor {human} van de {total} criteria kan een automatische "
                        "test geen oordeel geven: die vragen een menselijke toets. Een "
                        "toegankelijkheidsverklaring met status A of B vraagt een volledig "
                        "onderzoek volgens WCAG-EM van alle 50 criteria; deze test vervangt dat "
                        "niet.",
    "automated_counts": "Aantal criteria",
    "count_passed": "Automatisch gehaald (geen fout gevonden)",
    "count_failed": "Niet gehaald (fout gevonden)",
    "count_error": "Geen oordeel: pagina kon niet worden getoetst",
    "count_human": "Menselijke toets nodig",
    "count_no_rule": "waarvan zonder automatische regel",
    "count_not_exercised": "waarvan niets op de pagina's om te controleren",
    "count_needs_review": "waarvan elementen die een mens moet beoordelen",
    "section_pages": "Geteste pagina's",
    "col_page": "Pagina",
    "col_url": "URL",
    "pages_viewports": "Schermbreedtes: {viewports}.",
    "pages_login": "Ingelogd via {url} (velden {fields}); de inloggegevens staan in geen enkel "
                   "bestand.",
    "run_browser": "Browser",
    "run_axe": "Toetsingsregels",
    "engine_line": "getoetst met {name} {version} (sha256 {sha256})",
    "element_page": "Pagina",
    "element_viewport": "schermbreedte",
    "element_selector": "Element",
    "element_impact": "ernst",
    "element_count": "{count} element(en) op deze pagina bij deze breedte",
    "element_screenshot": "Schermafdruk met het element rood omlijnd",
}

EN_WEB: dict[str, str] = {
    "section_automated": "What this automated test can and cannot show",
    "automated_can": "The pages were tested in a real browser (Chromium) at each viewport "
                     "with axe-core {axe}. Axe-core finds part of the failures against WCAG 2.1 "
                     "with certainty: a criterion marked 'Failed' here demonstrably fails on "
                     "the page named.",
    "automated_cannot": "'Passed' only means that axe-core found no failure on the tested pages "
                        "and viewports; it does not prove the criterion is met. For {human} of "
                        "the {total} criteria an automated test cannot decide: they need a "
                        "human audit. An accessibility statement with status A or B needs a "
                        "full evaluation of all 50 criteria following WCAG-EM; this test does "
                        "not replace it.",
    "automated_counts": "Number of criteria",
    "count_passed": "Met automatically (no failure found)",
    "count_failed": "Not met (failure found)",
    "count_error": "Undecided: a page could not be tested",
    "count_human": "Needs a human audit",
    "count_no_rule": "of which without an automated rule",
    "count_not_exercised": "of which nothing on the pages to check",
    "count_needs_review": "of which elements a person must judge",
    "section_pages": "Tested pages",
    "col_page": "Page",
    "col_url": "URL",
    "pages_viewports": "Viewports: {viewports}.",
    "pages_login": "Logged in through {url} (fields {fields}); the credentials are in no file.",
    "run_browser": "Browser",
    "run_axe": "Test rules",
    "engine_line": "checked with {name} {version} (sha256 {sha256})",
    "element_page": "Page",
    "element_viewport": "viewport",
    "element_selector": "Element",
    "element_impact": "impact",
    "element_count": "{count} element(s) on this page at this viewport",
    "element_screenshot": "Screenshot with the element outlined in red",
}
