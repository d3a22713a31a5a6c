"""``jixiao report`` and ``jixiao review --report``, run as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys

import openpyxl
from support import require_binary


def run(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env=env)


def test_report_sample_html_and_xlsx(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    r = run("report", "--sample", "-o", "out", "--to", "html", "--to", "xlsx", "--open", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    html = tmp_path / "out" / "审核报告.html"
    xlsx = tmp_path / "out" / "审核报告.xlsx"
    assert html.exists() and xlsx.exists() and not (tmp_path / "out" / "审核报告.pdf").exists()
    assert "加权执行率" in html.read_text(encoding="utf-8") and "93.22%" in html.read_text(encoding="utf-8")
    assert openpyxl.load_workbook(xlsx).sheetnames[0] == "报告摘要"
    assert "没有可用的图形界面" in r.stderr  # --open without a display says so instead of failing


def test_review_with_report_writes_all_three_and_keeps_its_exit_status(tmp_path):
    require_binary("chromium")
    r = run("review", "--sample", "--report", "rep", cwd=tmp_path)
    assert r.returncode == 1  # the sample has two errors (JX702): the linter status is unchanged
    assert "JX702" in r.stdout
    for name in ("审核报告.html", "审核报告.xlsx", "审核报告.pdf"):
        assert (tmp_path / "rep" / name).stat().st_size > 10_000, name
    # A second run over the report folder itself does not read the report back as input.
    r2 = run("review", "rep", "--sample", "--report", "rep", "--fail-on", "never", cwd=tmp_path)
    assert r2.returncode == 0, r2.stderr
