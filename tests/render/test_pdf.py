"""PDF through headless Chromium: round trip through the PDF reader, fonts, text layer."""

from __future__ import annotations

import subprocess

import pytest

from jixiao.ingest import read_forms
from jixiao.render.browser import ChromiumMissingError, find_chromium, html_to_pdf
from jixiao.render.pdf import fix_text_layer, radical_table

from support import require_binary


@pytest.mark.parametrize("i", range(16))
def test_round_trip_matches_golden(i, seed_pdfs, goldens, golden_check):
    back = list(read_forms(seed_pdfs[i]))
    assert len(back) == 1
    golden_check(back[0].to_json_dict(), goldens[i])


def test_text_layer_has_the_names_and_no_missing_glyphs(seed_pdfs, forms):
    import pdfplumber

    radicals = {chr(c) for c in radical_table()}
    for path, form in zip(seed_pdfs, forms):
        with pdfplumber.open(str(path)) as pdf:
            text = "".join(page.extract_text() or "" for page in pdf.pages)
            fonts = {c["fontname"] for page in pdf.pages for c in page.chars}
        flat = text.replace("\n", "").replace(" ", "")
        for name in (form.project_name, form.department, form.implementing_unit, "项目支出绩效自评表"):
            assert name.replace(" ", "") in flat, name
        assert "\u25a1" not in text and "\ufffd" not in text  # □, replacement character
        assert not radicals & set(text), "Kangxi radicals in the text layer"
        assert fonts and all("NotoSansCJK" in f for f in fonts), fonts


def test_fonts_embedded_per_pdffonts(seed_pdfs):
    pdffonts = require_binary("pdffonts")
    out = subprocess.run([pdffonts, str(seed_pdfs[0])], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(" yes " in r for r in rows)  # every font embedded


def test_pdftotext_reads_the_title(seed_pdfs, forms):
    pdftotext = require_binary("pdftotext")
    out = subprocess.run([pdftotext, "-layout", str(seed_pdfs[1]), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert "财政项目支出绩效自评表" in out and "（2024年度）" in out


def test_one_off_html_to_pdf_and_landscape(tmp_path):
    require_binary("chromium")
    import pdfplumber

    portrait = html_to_pdf("<p>七宝镇</p>", tmp_path / "a.pdf")
    landscape = html_to_pdf("<p>七宝镇</p>", tmp_path / "b.pdf", landscape=True)
    with pdfplumber.open(str(portrait)) as a, pdfplumber.open(str(landscape)) as b:
        assert a.pages[0].width < a.pages[0].height
        assert b.pages[0].width > b.pages[0].height


def test_fix_text_layer_is_idempotent(seed_pdfs):
    assert fix_text_layer(seed_pdfs[0]) == 0


def test_missing_chromium_is_a_typed_chinese_error(monkeypatch, tmp_path):
    monkeypatch.setenv("JIXIAO_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(ChromiumMissingError, match="Chromium"):
        find_chromium()
    with pytest.raises(ChromiumMissingError, match="不存在"):
        html_to_pdf("<p>x</p>", tmp_path / "x.pdf")
