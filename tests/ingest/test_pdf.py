"""PDF reader: the seed laid out as ruled tables in PDFs made here with
reportlab (CID font STSong-Light, not embedded), read back from coordinates (PDFium) and compared
with the goldens; forms across pages; scanned, encrypted and damaged PDFs
each give a typed error naming the file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("pypdfium2")
pytest.importorskip("reportlab")

from jixiao.ingest import (  # noqa: E402
    CorruptFileError, EncryptedFileError, NeedsOCRError, ReadError, iter_inputs, read_forms,
)

from .render_pdf import to_pdf  # noqa: E402


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory, seed_models):
    return to_pdf(seed_models, tmp_path_factory.mktemp("pdf") / "seed.pdf")


@pytest.fixture(scope="module")
def pdf_forms(seed_pdf):
    return list(read_forms(seed_pdf))


@pytest.mark.parametrize("i", range(16))
def test_pdf_matches_golden(pdf_forms, goldens, golden_check, i):
    golden_check(pdf_forms[i].to_json_dict(), goldens[i])


def test_pdf_reads_without_warnings_with_page_locations(pdf_forms):
    assert len(pdf_forms) == 16
    for f in pdf_forms:
        assert f.warnings == [], f.warnings
        assert f.complete is True and f.source.format == "pdf"
    assert [f.source.index for f in pdf_forms] == list(range(16))
    loc = pdf_forms[0].location_of("funds.executed")
    assert loc.page == 1 and loc.cell == "p1!R4C5"
    # several forms share a page: the second form starts on the first page's second table
    assert pdf_forms[1].location_of("project_name").page == 1


def test_pdf_forms_split_across_pages(tmp_path, seed_models, goldens, golden_check):
    from jixiao.ingest.pdfium import Document

    p = to_pdf(seed_models, tmp_path / "short-pages.pdf", page_size=(595, 300))
    with Document(p) as pdf:
        assert pdf.n_pages > 30
    forms = list(read_forms(p))
    assert len(forms) == 16
    spread = 0
    for got, want in zip(forms, goldens):
        golden_check(got.to_json_dict(), want)
        assert got.warnings == []
        pages = {got.location_of(f"indicators[{j}].name").page for j in range(len(got.indicators))}
        pages.add(got.location_of("project_name").page)
        spread += len(pages) > 1
    assert spread >= 10  # most forms run over two or three pages


def test_pdf_under_a_text_name_is_read_as_pdf(tmp_path, seed_models, goldens, golden_check):
    p = to_pdf(seed_models[:1], tmp_path / "export.txt")
    forms = list(read_forms(p))
    assert len(forms) == 1 and forms[0].source.format == "pdf"
    golden_check(forms[0].to_json_dict(), goldens[0])


def _scan(path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(50, 50, 400, 600, stroke=1, fill=1)  # an "image" of a page: no characters
    c.showPage()
    c.rect(60, 60, 300, 300, stroke=1, fill=0)
    c.save()
    return path


def _encrypted(path, seed_models):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(72, 720, "locked")
    c.save()
    return path


def _raises(path, cls) -> ReadError:
    with pytest.raises(cls) as exc:
        list(read_forms(path))
    err = exc.value
    assert err.path == str(path) and str(path) in str(err)
    assert err.to_dict()["file"] == str(path)
    return err


def test_image_only_pdf_needs_ocr(tmp_path):
    err = _raises(_scan(tmp_path / "scan.pdf"), NeedsOCRError)
    assert err.kind == "needs_ocr" and "OCR" in err.reason


def test_scanned_pages_among_text_pages_are_reported(tmp_path, seed_models, goldens, golden_check):
    p = to_pdf(seed_models[:2], tmp_path / "mixed.pdf", scanned_first_page=True)
    forms = [f.to_json_dict() for f in read_forms(p)]
    assert len(forms) == 2
    for f, g in zip(forms, goldens[:2]):
        golden_check(f, g)
        assert f["warnings"][0]["code"] == "JX020" and "第 1 页没有文字层" in f["warnings"][0]["message"]


def test_encrypted_pdf_is_refused(tmp_path, seed_models):
    err = _raises(_encrypted(tmp_path / "locked.pdf", seed_models), EncryptedFileError)
    assert err.kind == "encrypted" and "密码" in err.reason


def test_truncated_pdf_is_corrupt(tmp_path, seed_pdf):
    p = tmp_path / "broken.pdf"
    p.write_bytes(seed_pdf.read_bytes()[:2000])
    err = _raises(p, CorruptFileError)
    assert err.kind == "corrupt"


def test_pdf_without_a_form(tmp_path):
    from reportlab.pdfgen import canvas

    p = tmp_path / "letter.pdf"
    c = canvas.Canvas(str(p))
    c.drawString(72, 720, "Dear reader")
    c.save()
    err = _raises(p, ReadError)
    assert err.kind == "no_form"


def test_parse_folder_with_good_and_bad_pdfs(tmp_path, seed_models, seed_pdf):
    d = tmp_path / "batch"
    d.mkdir()
    to_pdf(seed_models[:2], d / "good.pdf")
    to_pdf(seed_models[2:3], d / "split.pdf", page_size=(595, 300))
    _scan(d / "scan.pdf")
    _encrypted(d / "locked.pdf", seed_models)
    (d / "broken.pdf").write_bytes(seed_pdf.read_bytes()[:1500])
    assert sorted(p.name for p in iter_inputs([d])) == ["broken.pdf", "good.pdf", "locked.pdf", "scan.pdf",
                                                        "split.pdf"]
    proc = subprocess.run([sys.executable, "-m", "jixiao.cli", "parse", str(d), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    forms = json.loads(proc.stdout)
    assert sorted(f["project_name"] for f in forms) == sorted(m.project_name for m in seed_models[:3])
    for bad in ("scan.pdf", "locked.pdf", "broken.pdf"):
        assert bad in proc.stderr
