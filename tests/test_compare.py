"""`conformance compare`: a tender matrix of verified certificates (HTML, CSV, workbook).

The certificates are sample results signed with a generated key; one is tampered with
by a single byte. The CSV and the workbook are read back and every cell compared with the
outcome in the certificate it came from; the page is opened in Debian's Chromium.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pages import chromium, open_page
from report_samples import make_results, signed_certificate

from conformance.certify import build_certificate, generate_keypair, sign_certificate
from conformance.cli import main
from conformance.report.i18n import t as report_t

NAMES = ("Acme", "Globex", "Initech", "Tampered")
HOSTILE = '=HYPERLINK("http://evil.example/x","klik")'


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> tuple[Path, Path]:
    return generate_keypair(tmp_path_factory.mktemp("compare-keys"))


def _with_waiver(key: Path) -> dict:
    """A conformant certificate whose only failed MUST (zrc-007) carries a waiver."""
    results = make_results(failing=True, supplier_name="Globex", product="Globex Zaken",
                           version="2.1")
    req = next(r for r in results["requirements"] if r["id"] == "zrc-007")
    req["outcome"] = "waived"
    req["waiver"] = {"reason": "fix in release 2.2", "approved_by": "Gemeente Voorbeeld",
                     "expires": "2027-03-01"}
    results["summary"]["must"]["failed"] -= 1
    results["summary"]["must"]["waived"] += 1
    results["verdict"], results["verdict_reason"] = "conformant", "waived"
    return sign_certificate(build_certificate(results, issuer="VNG Certificering",
                                              valid_days=3650), key)


@pytest.fixture(scope="module")
def bids(keys, tmp_path_factory):
    """2 conformant, 1 not conformant, 1 conformant one with one byte changed afterwards."""
    folder = tmp_path_factory.mktemp("bids")
    documents = {
        "Acme": signed_certificate(keys[0], supplier_name="Acme", product="Acme Zaken"),
        "Globex": _with_waiver(keys[0]),
        "Initech": signed_certificate(keys[0], failing=True, supplier_name="Initech",
                                      product="Initech Zaken"),
        "Tampered": signed_certificate(keys[0], supplier_name=HOSTILE, product="Umbrella"),
    }
    paths = {}
    for name, document in documents.items():
        paths[name] = folder / f"{name.lower()}.json"
        paths[name].write_text(json.dumps(document, indent=2, ensure_ascii=False), "utf-8")
    raw = bytearray(paths["Tampered"].read_bytes())
    at = raw.index(b'"version": "4.2.0"') + len(b'"version": "4.')
    raw[at] ^= 0x01  # 4.2.0 -> 4.3.0: one byte, still valid JSON
    paths["Tampered"].write_bytes(bytes(raw))
    return documents, paths


@pytest.fixture(scope="module")
def compared(bids, keys, tmp_path_factory):
    documents, paths = bids
    out = tmp_path_factory.mktemp("compare") / "out"
    code = main(["compare", *(str(paths[n]) for n in NAMES), "--trust", str(keys[1]),
                 "--out", str(out)])
    return code, out


def _expected(documents: dict) -> dict[str, list[str]]:
    """Per requirement id, the Dutch outcome words of each certificate (in NAMES order);
    the tampered one says 'niet geverifieerd' everywhere."""
    by_id: dict[str, list[str]] = {}
    for name in NAMES[:3]:
        for req in documents[name]["results"]["requirements"]:
            shown = "not_tested" if req.get("not_tested") else req["outcome"]  # as the page
            by_id.setdefault(req["id"], []).append(report_t("nl", f"outcome_{shown}"))
    return {rid: words + ["niet geverifieerd"] for rid, words in by_id.items()}


def _check_table(rows: list[list[str]], documents: dict) -> None:
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Eis", "Niveau", "Omschrijving", "Verschilt"]
    assert header[4] == "Acme – Acme Zaken 4.2.0 – uitkomst"
    assert header[10].endswith("Umbrella 4.3.0 – uitkomst")  # the tampered claim, marked
    expected = _expected(documents)
    assert [r[0] for r in body] == ["zrc-001", "zrc-007", "ZRC-OAS-schema", "zrc-012",
                                    "zrc-020", "ADR-version-header", "ADR-problem-json",
                                    "zrc-021"]  # MUST first, then SHOULD, then MAY
    assert [r[1] for r in body] == ["MOET"] * 5 + ["ZOU MOETEN"] * 2 + ["MAG"]
    for row in body:
        outcomes = row[4::2]
        assert outcomes == expected[row[0]], row[0]
        differs = len(set(expected[row[0]][:3])) > 1
        assert row[3] == ("ja" if differs else "nee"), row[0]
    notes = {row[0]: row[5::2] for row in body}
    assert notes["zrc-007"][1].startswith("Ontheffing: fix in release 2.2 (goedgekeurd door "
                                          "Gemeente Voorbeeld")
    assert notes["zrc-012"][0] == "Niet getest: no automated check yet; reviewed manually"
    assert notes["zrc-007"][3] == ""  # nothing of the tampered certificate is shown


def test_exit_code_and_files(compared):
    code, out = compared
    assert code == 1  # written, but one certificate did not verify
    assert {p.name for p in out.iterdir()} == {"compare.html", "compare.csv", "compare.xlsx"}


def test_csv_cells_equal_the_certificates(compared, bids):
    documents, _ = bids
    _, out = compared
    text = (out / "compare.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    # a supplier string that would be a formula in a spreadsheet is quoted as text
    assert rows[0][10].startswith("'=HYPERLINK(")
    rows[0][10] = rows[0][10][1:]
    _check_table(rows, documents)


def test_workbook_cells_equal_the_certificates(compared, bids):
    documents, _ = bids
    _, out = compared
    book = load_workbook(out / "compare.xlsx")
    assert book.sheetnames == ["Vergelijking", "Leveranciers"]
    sheet = book["Vergelijking"]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    _check_table(rows, documents)
    assert all(cell.data_type == "s" for cell in sheet[1])  # text, never a formula
    facts = [[v or "" for v in row] for row in book["Leveranciers"].iter_rows(values_only=True)]
    assert facts[0][:6] == ["Leverancier", "Product", "Versie", "Eindoordeel",
                            "Geldig tot en met", "Handtekening"]
    by_supplier = {row[0]: row for row in facts[1:5]}
    assert by_supplier["Acme"][3] == "✔ CONFORM" and by_supplier["Acme"][5] == "echt en geldig"
    assert by_supplier["Initech"][3] == "✘ NIET CONFORM"
    assert by_supplier["Globex"][3] == "✔ CONFORM"
    tampered = by_supplier[HOSTILE]
    assert tampered[3] == "—"  # excluded: no verdict shown
    assert tampered[5].startswith("NIET geverifieerd (handtekening, digests)")


def test_page_in_chromium(compared, bids):
    documents, _ = bids
    _, out = compared
    page_path = out / "compare.html"
    html = page_path.read_text("utf-8")
    assert ("default-src 'none'; style-src 'unsafe-inline'; img-src data:" in html
            and "<script" not in html)
    with chromium() as browser:
        opened = open_page(browser, page_path)
        page = opened.page
        assert opened.console == []
        assert opened.requests == [page_path.as_uri()]  # nothing beyond the page itself
        assert page.locator("html").get_attribute("lang") == "nl"
        headers = page.locator("thead th.supplier-col")
        assert headers.all_inner_texts() == ["Acme", "Globex", "Initech", HOSTILE]
        assert [headers.nth(i).get_attribute("data-verified") for i in range(4)] == [
            "yes", "yes", "yes", "no"]
        rejected = page.locator("#rejected")
        assert rejected.is_visible() and "tampered.json" in rejected.inner_text()
        assert "handtekening" in rejected.inner_text()
        expected = _expected(documents)
        rows = page.locator("tbody tr.req")
        assert rows.count() == len(expected)
        for i in range(rows.count()):
            row = rows.nth(i)
            rid = row.get_attribute("data-requirement")
            cells = row.locator("td")
            words = [report_t("nl", f"outcome_{c}") if c != "unverified" else
                     "niet geverifieerd" for c in
                     (cells.nth(j).get_attribute("data-outcome") for j in range(4))]
            assert words == expected[rid], rid
            differs = "differs" in (row.get_attribute("class") or "")
            assert differs == (len(set(expected[rid][:3])) > 1), rid
        highlight = page.locator("tr.differs > th").first.evaluate(
            "e => getComputedStyle(e).backgroundColor")
        assert highlight == "rgb(255, 245, 157)"
        assert page.locator("#profiles-notice").count() == 0  # one profile, one version
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        assert pdf.startswith(b"%PDF-")
        from pypdf import PdfReader

        first = PdfReader(io.BytesIO(pdf)).pages[0]
        assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (
            842, 595)  # A4 landscape
        assert opened.console == []


def test_different_profile_versions_are_compared_per_shared_requirement(keys, tmp_path):
    newer = make_results(supplier_name="Hooli", product="Hooli Zaken")
    newer["profile"]["version"] = "2026.2"
    newer["requirements"] = [r for r in newer["requirements"] if r["id"] != "zrc-021"]
    extra = copy.deepcopy(newer["requirements"][0])
    extra["id"] = "zrc-030"
    newer["requirements"].append(extra)
    paths = []
    for i, document in enumerate((
            signed_certificate(keys[0], supplier_name="Acme", product="Acme Zaken"),
            sign_certificate(build_certificate(newer, issuer="VNG", valid_days=3650), keys[0]))):
        paths.append(tmp_path / f"c{i}.json")
        paths[-1].write_text(json.dumps(document), "utf-8")
    out = tmp_path / "out"
    assert main(["compare", *map(str, paths), "--trust", str(keys[1]), "--out", str(out),
                 "--lang", "en"]) == 0
    html = (out / "compare.html").read_text("utf-8")
    notice = html.index('id="profiles-notice"')
    assert notice < html.index('id="matrix"')  # said at the top
    assert ("tested against different profiles or profile versions (zrc-1.5 2026.1, zrc-1.5 "
            "2026.2). Only the 7 requirements that occur in every certificate are compared."
            in html)
    assert "Not compared for Acme – Acme Zaken 4.2.0: zrc-021." in html
    assert "Not compared for Hooli – Hooli Zaken 4.2.0: zrc-030." in html
    rows = list(csv.reader(io.StringIO((out / "compare.csv").read_text("utf-8"))))
    assert rows[0][0] == "Requirement"
    assert {r[0] for r in rows[1:]} == {"zrc-001", "zrc-007", "ZRC-OAS-schema", "zrc-012",
                                        "zrc-020", "ADR-version-header", "ADR-problem-json"}


def test_unreadable_and_expired_certificates_are_marked_and_bad_input_exits_2(
        keys, tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(signed_certificate(keys[0], supplier_name="Acme")), "utf-8")
    expired = tmp_path / "expired.json"
    expired.write_text(json.dumps(signed_certificate(keys[0], supplier_name="Old",
                                                     valid_days=1)), "utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    odd = tmp_path / "odd.json"  # a certificate-shaped document with nothing where expected
    odd.write_text(json.dumps({"certificate": "x", "results": {"target": [], "profile": "p",
                                                               "requirements": "none"}}))
    twice = tmp_path / "twice.json"
    twice.write_text(good.read_text("utf-8"), "utf-8")
    out = tmp_path / "out"
    assert main(["compare", str(good), str(expired), str(broken), str(odd), str(twice),
                 "--trust", str(keys[1]), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "FAIL" in printed and "expired on" in printed and "broken.json" in printed
    assert "the same certificate" in printed and "odd.json" in printed
    rows = list(csv.reader(io.StringIO((out / "compare.csv").read_text("utf-8"))))
    for column in (6, 8, 10, 12):  # expired, unreadable, odd, handed in twice: not counted
        assert {r[column] for r in rows[1:]} == {"niet geverifieerd"}, column
    assert {r[4] for r in rows[1:]} != {"niet geverifieerd"}
    assert main(["compare", str(good), "--trust", str(keys[0]), "--out", str(out)]) == 2
    assert "this is a private key" in capsys.readouterr().err
    assert main(["compare", str(good), "--trust", str(keys[1]), "--out", str(good)]) == 2
    assert "cannot write the comparison" in capsys.readouterr().err


@pytest.mark.parametrize("module", ["conformance.procurement.words",
                                    "conformance.register.words"])
def test_both_languages_have_the_same_words(module):
    import importlib
    import re

    messages = importlib.import_module(module).MESSAGES
    assert set(messages) == {"nl", "en"} and set(messages["nl"]) == set(messages["en"])
    fields = re.compile(r"\{(\w+)\}")
    for key, text in messages["nl"].items():
        assert set(fields.findall(text)) == set(fields.findall(messages["en"][key])), key
    folder = Path(importlib.import_module(module).__file__).parent / "templates"
    used = {k for p in folder.glob("*.j2")
            for k in re.findall(r"""\bt\(\s*["'](\w+)["']""", p.read_text("utf-8"))}
    assert used and used <= set(messages["nl"])
