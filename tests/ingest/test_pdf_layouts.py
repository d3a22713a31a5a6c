"""PDF reader on PDFs laid out as published ones are: no outer border, a
header row repeated on every page, /Rotate 90 and landscape pages, page
numbers at the foot, and a Word table exported by LibreOffice (rows split
across pages, merged cells whose text is cut by the break). Every form must
read back identical to its golden."""

from __future__ import annotations

import shutil
import subprocess

import pytest

pytest.importorskip("reportlab")

from jixiao.ingest import read_forms  # noqa: E402

from .render_office import to_docx  # noqa: E402
from .render_pdf import to_pdf  # noqa: E402

LAYOUTS = {
    # Word's "repeat as header row": the first rows again on every page the form continues on
    "repeated-header": dict(repeat_header=1, page_size=(595, 300)),
    "repeated-2-rows": dict(repeat_header=2, page_size=(595, 300)),
    # /Rotate 90 with the content drawn turned, read in the upright view
    "rotate-90": dict(rotate=90, page_size=(842, 595)),
    "landscape": dict(page_size=(842, 595)),
    # rotated, short pages, repeated header and a page number under each page's part
    "rotated-split-numbered": dict(rotate=90, page_size=(842, 300), repeat_header=1, page_numbers=True),
    "page-numbers": dict(page_numbers=True, page_size=(595, 300)),
    # lines between cells only: the table's extent comes from its inner rules
    "no-outer-border": dict(borders="inner", page_size=(595, 1400)),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_reads_as_golden(tmp_path, seed_models, goldens, golden_check, layout):
    p = to_pdf(seed_models, tmp_path / f"{layout}.pdf", **LAYOUTS[layout])
    forms = list(read_forms(p))
    assert len(forms) == 16
    for got, want in zip(forms, goldens):
        golden_check(got.to_json_dict(), want)
        assert got.warnings == []


def test_rotated_page_locations_are_in_the_upright_view(tmp_path, seed_models):
    p = to_pdf(seed_models[:1], tmp_path / "rot.pdf", rotate=90, page_size=(842, 595))
    form = next(iter(read_forms(p)))
    loc = form.location_of("project_name")
    assert loc.page == 1 and loc.cell.startswith("p1!R")


def test_repeated_header_is_not_a_new_form(tmp_path, seed_models):
    # the repeated first row shows 项目名称: it must not start a form of its own
    p = to_pdf(seed_models[:3], tmp_path / "rep.pdf", repeat_header=1, page_size=(595, 260))
    forms = list(read_forms(p))
    assert [f.project_name for f in forms] == [m.project_name for m in seed_models[:3]]
    pages = {forms[0].location_of(f"indicators[{j}].name").page for j in range(len(forms[0].indicators))}
    assert len(pages) > 1


def _soffice(need_binary) -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        need_binary("soffice", "libreoffice")  # skips, or fails under JIXIAO_REQUIRE_ALL=1
    return path


def test_libreoffice_export_of_a_word_table(tmp_path, seed_models, goldens, golden_check, need_binary):
    """The closest thing to a published PDF: the seed as Word tables with
    borders (style Table Grid), exported by LibreOffice. Its rows break across
    pages (a level-1 label cut as 效益指 / 标, an indicator name as 促进单 /
    位工作提质增效), fonts are embedded subsets."""
    soffice = _soffice(need_binary)
    import docx

    src = to_docx(seed_models, tmp_path / "seed.docx")
    doc = docx.Document(str(src))
    for t in doc.tables:
        t.style = doc.styles["Table Grid"]
    doc.save(str(src))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=240)
    forms = list(read_forms(tmp_path / "seed.pdf"))
    assert len(forms) == 16
    same = 0
    for got, want in zip(forms, goldens):
        try:
            golden_check(got.to_json_dict(), want)
            same += 1
        except AssertionError:
            pass
    # Known gaps (see docs/architecture.md): a space LibreOffice prints as a
    # narrow gap (和 demo) is lost, and a goal row split across pages with both
    # halves continuing is not always rejoined. Raise this as they are fixed.
    assert same >= 10, same  # 10–11 of 16 today
