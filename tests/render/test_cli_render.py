"""``jixiao render``: the command a unit runs, as a real subprocess."""

from __future__ import annotations

import subprocess
import sys

import openpyxl

from jixiao.ingest import read_forms


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_render_sample_to_xlsx_one_sheet_per_form(tmp_path):
    r = run("render", "--sample", "--to", "xlsx", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "qibao-2024-自评表.xlsx"
    assert "已写入" in r.stdout and out.exists()
    wb = openpyxl.load_workbook(out)
    assert len(wb.sheetnames) == 16
    assert wb.sheetnames[7].startswith("08 区扣交通信号系统")
    assert wb.worksheets[0].protection.sheet  # a form to keep filling in: protected, inputs unlocked


def test_render_html_reads_back_and_never_overwrites_its_input(tmp_path, goldens, golden_check):
    r = run("render", "--sample", "--to", "html", "-o", "out", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    html = tmp_path / "out" / "qibao-2024-自评表.html"
    forms = [f.to_json_dict() for f in read_forms(html)]
    assert len(forms) == 16
    for got, want in zip(forms, goldens):
        golden_check(got, want)
    # Rendering that HTML to HTML in its own folder would write over it: refused, the file kept.
    before = html.read_bytes()
    r = run("render", str(html), "--to", "html", "-o", str(html), cwd=tmp_path)
    assert "跳过" in r.stderr and html.read_bytes() == before


def test_render_unreadable_input_exits_2_and_renders_the_rest(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    good = tmp_path / "good.txt"
    from jixiao.cli import sample_path

    good.write_text(sample_path().read_text(encoding="utf-8"), encoding="utf-8")
    r = run("render", str(bad), str(good), "--to", "html", "-o", "out", cwd=tmp_path)
    assert r.returncode == 2
    assert "bad.xlsx" in r.stderr
    assert (tmp_path / "out" / "good-自评表.html").exists()
