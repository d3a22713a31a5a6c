"""Excel and Word readers: the seed laid out as the official table in real
.xlsx/.docx files (made here with openpyxl / python-docx), read back and
compared with the goldens; and the bad Office files each give a typed error."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from jixiao.ingest import (
    CorruptFileError, FormatMismatchError, NoFormFoundError, ReadError, UnsupportedFormatError, ZipBombError,
    iter_inputs, read_forms,
)
from jixiao.ingest.xlsx import number_text

from .render import to_html
from .render_office import to_docx, to_xls, to_xlsx


@pytest.fixture(scope="module")
def seed_xlsx(tmp_path_factory, seed_models):
    return to_xlsx(seed_models, tmp_path_factory.mktemp("xlsx") / "seed.xlsx")


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory, seed_models):
    return to_docx(seed_models, tmp_path_factory.mktemp("docx") / "seed.docx")


@pytest.fixture(scope="module")
def xlsx_forms(seed_xlsx):
    return [f.to_json_dict() for f in read_forms(seed_xlsx)]


@pytest.fixture(scope="module")
def docx_forms(seed_docx):
    return [f.to_json_dict() for f in read_forms(seed_docx)]


@pytest.mark.parametrize("i", range(16))
def test_xlsx_matches_golden(xlsx_forms, goldens, golden_check, i):
    golden_check(xlsx_forms[i], goldens[i])


@pytest.mark.parametrize("i", range(16))
def test_docx_matches_golden(docx_forms, goldens, golden_check, i):
    golden_check(docx_forms[i], goldens[i])


def test_office_tables_read_without_warnings(xlsx_forms, docx_forms):
    assert len(xlsx_forms) == len(docx_forms) == 16
    for f in xlsx_forms + docx_forms:
        assert f["warnings"] == [], f["warnings"]
        assert f["complete"] is True
    assert {f["source"]["format"] for f in xlsx_forms} == {"xlsx"}
    assert {f["source"]["format"] for f in docx_forms} == {"docx"}
    assert [f["source"]["index"] for f in xlsx_forms] == list(range(16))


def test_xls_matches_goldens(tmp_path, seed_models, goldens, golden_check):
    pytest.importorskip("xlwt")
    p = to_xls(seed_models, tmp_path / "seed.xls")
    forms = list(read_forms(p))
    assert len(forms) == 16
    for got, want in zip(forms, goldens):
        golden_check(got.to_json_dict(), want)
        assert got.warnings == [] and got.source.format == "xls"
    assert forms[13].location_of("funds.executed").model_dump(exclude_none=True) == {"sheet": "表14", "cell": "E6"}


def test_xlsx_one_sheet_many_forms(tmp_path, seed_models, goldens, golden_check):
    p = to_xlsx(seed_models[:3], tmp_path / "stacked.xlsx", one_sheet=True)
    forms = [f.to_json_dict() for f in read_forms(p)]
    assert len(forms) == 3
    for got, want in zip(forms, goldens[:3]):
        golden_check(got, want)


def test_xlsx_locations_are_sheet_cells(seed_xlsx):
    f = list(read_forms(seed_xlsx))[13]
    # the official layout: 5 header rows, funds 1+3, goal 2, indicator header 1
    assert f.location_of("project_name").model_dump(exclude_none=True) == {"sheet": "表14", "cell": "B3"}
    assert f.location_of("funds.executed").cell == "E6"
    assert f.location_of("funds.rate").cell == "G6"
    assert f.location_of("goal.actual").cell == "E11"
    j = next(k for k, ind in enumerate(f.indicators) if ind.name == "尾款支付率")
    loc = f.location_of(f"indicators[{j}].deviation")
    assert loc.sheet == "表14" and loc.cell.startswith("H")


def test_docx_locations_are_table_cells(seed_docx):
    f = list(read_forms(seed_docx))[13]
    assert f.location_of("project_name").cell == "table14!R3C2"
    assert f.location_of("funds.executed").cell == "table14!R6C5"
    assert f.location_of("goal.actual").cell == "table14!R11C5"


def test_number_text_keeps_exact_values():
    assert number_text(676.4) == "676.4"
    assert number_text(0.1 + 0.2) == "0.3"
    assert number_text(12) == "12"
    assert number_text(0.93, percent=True) == "93%"
    assert number_text(1, percent=True) == "100%"
    assert number_text(1e16) == "10000000000000000"


def test_xlsx_percent_cell_reads_as_printed(seed_xlsx):
    f = list(read_forms(seed_xlsx))[0]
    assert f.funds.rate is not None and f.funds.rate > 1  # 0.6484 in the cell, 64.84 on the form


# --- bad files ----------------------------------------------------------------


def _raises(path, kind):
    with pytest.raises(kind) as e:
        list(read_forms(path))
    assert str(path) in str(e.value)
    assert isinstance(e.value, ReadError)
    return e.value


def test_corrupt_zip(tmp_path, seed_xlsx):
    p = tmp_path / "broken.xlsx"
    p.write_bytes(seed_xlsx.read_bytes()[:2000])
    err = _raises(p, CorruptFileError)
    assert err.kind == "corrupt" and "损坏" in err.reason


def test_corrupt_docx_part(tmp_path):
    p = tmp_path / "parts.docx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "not xml")
    _raises(p, CorruptFileError)


def _zip_bomb(path, size=200 * 1024 * 1024):
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as m:
            for _ in range(size // len(chunk)):
                m.write(chunk)
    return path


def test_zip_bomb(tmp_path):
    p = _zip_bomb(tmp_path / "bomb.xlsx")
    assert p.stat().st_size < 2 * 1024 * 1024
    err = _raises(p, ZipBombError)
    assert err.kind == "zip_bomb" and "压缩炸弹" in err.reason


def test_zip_bomb_by_ratio(tmp_path, monkeypatch):
    import jixiao.ingest.office as office

    monkeypatch.setattr(office, "MAX_UNZIPPED_BYTES", 10**12)
    p = _zip_bomb(tmp_path / "bomb.docx", size=20 * 1024 * 1024)
    with zipfile.ZipFile(p, "a") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    err = _raises(p, ZipBombError)
    assert "压缩比" in err.reason


def test_xlsx_that_is_text(tmp_path):
    p = tmp_path / "notes.xlsx"
    p.write_text("项目名称：某项目\n这不是工作簿\n", encoding="utf-8")
    err = _raises(p, FormatMismatchError)
    assert "纯文本" in err.reason and ".xlsx" in err.reason


def test_xlsx_that_is_docx_or_html(tmp_path, seed_models, seed_docx):
    p = tmp_path / "really-word.xlsx"
    p.write_bytes(seed_docx.read_bytes())
    assert "Word" in _raises(p, FormatMismatchError).reason
    h = tmp_path / "page.docx"
    h.write_text(to_html(seed_models[:1]), encoding="utf-8")
    assert "网页" in _raises(h, FormatMismatchError).reason


def test_xls_that_is_html_or_xlsx_is_read(tmp_path, seed_models, seed_xlsx):
    h = tmp_path / "export.xls"
    h.write_text(to_html(seed_models[:2]), encoding="utf-8")
    assert [f.project_name for f in read_forms(h)] == [m.project_name for m in seed_models[:2]]
    x = tmp_path / "renamed.xls"
    x.write_bytes(seed_xlsx.read_bytes())
    assert len(list(read_forms(x))) == 16


def test_xls_that_is_text(tmp_path):
    p = tmp_path / "fake.xls"
    p.write_text("not a workbook", encoding="utf-8")
    _raises(p, FormatMismatchError)


def test_xls_damaged_ole(tmp_path):
    p = tmp_path / "damaged.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    _raises(p, CorruptFileError)


def test_docx_without_table(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("项目支出绩效自评报告（正文，没有表格）")
    p = tmp_path / "prose.docx"
    d.save(str(p))
    err = _raises(p, NoFormFoundError)
    assert "没有表格" in err.reason


def test_workbook_without_form(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "随便一张表"
    p = tmp_path / "other.xlsx"
    wb.save(p)
    _raises(p, NoFormFoundError)


def test_doc_without_libreoffice(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    p = tmp_path / "old.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    err = _raises(p, UnsupportedFormatError)
    assert "LibreOffice" in err.reason and ".doc" in err.reason


def test_office_suffixes_are_collected(tmp_path):
    for name in ("a.xlsx", "b.xls", "c.docx", "d.doc", "e.xlsm", "f.pdf"):
        (tmp_path / name).write_bytes(b"x")
    assert sorted(p.name for p in iter_inputs([tmp_path])) == ["a.xlsx", "b.xls", "c.docx", "d.doc", "e.xlsm",
                                                               "f.pdf"]


def test_parse_folder_mixing_good_and_bad(tmp_path, seed_models):
    d = tmp_path / "batch"
    d.mkdir()
    to_xlsx(seed_models[:2], d / "good.xlsx")
    to_docx(seed_models[2:3], d / "good.docx")
    (d / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (d / "text.xlsx").write_text("不是工作簿", encoding="utf-8")
    _zip_bomb(d / "bomb.docx")
    import docx

    doc = docx.Document()
    doc.add_paragraph("正文")
    doc.save(str(d / "prose.docx"))
    proc = subprocess.run([sys.executable, "-m", "jixiao.cli", "parse", str(d), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    forms = json.loads(proc.stdout)
    assert sorted(f["project_name"] for f in forms) == sorted(m.project_name for m in seed_models[:3])
    for bad in ("broken.xlsx", "text.xlsx", "bomb.docx", "prose.docx"):
        assert bad in proc.stderr
