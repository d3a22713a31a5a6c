"""`jixiao review`: outputs read back, select/ignore, severities, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from jixiao.checks import REGISTRY, load_families


def run(*args):
    return subprocess.run([sys.executable, "-m", "jixiao.cli", "review", *args], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def sample_json():
    r = run("--sample", "--format", "json", "--fail-on", "never")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_json_shape(sample_json):
    assert set(sample_json) >= {"summary", "forms", "findings"}
    s = sample_json["summary"]
    assert s["forms"] == 16 and s["rulebook"] == "shanghai"
    assert s["weighted_rate"] == 93.22 and s["grades"] == {"优": 16}
    assert s["executed"] == 2397.95 and s["adjusted_budget"] == 2572.37
    assert s["total_reported_mean"] == s["total_recomputed_mean"] == 99.1
    assert sum(s["findings_by_severity"].values()) == len(sample_json["findings"]) == s["findings"]
    for f in sample_json["findings"]:
        assert set(f) >= {"code", "severity", "category", "project_name", "file", "field", "location", "message",
                          "evidence"}
        assert f["code"] in REGISTRY or load_families() or f["code"] in REGISTRY
    jx301 = [f for f in sample_json["findings"] if f["code"] == "JX301"]
    assert {f["project_name"] for f in jx301} >= {"区扣交通信号系统更新、抢修维护等经费", "残保金"}
    f = next(f for f in jx301 if f["project_name"] == "残保金")
    assert f["message"] == "执行率56.06%，低于90%，但偏差原因分析为空"
    assert f["location"]["line"] == 1639 and f["location"]["file"].endswith("qibao-2024.txt")
    assert len(sample_json["forms"]) == 16 and sample_json["forms"][11]["project_name"] == "残保金"


def test_csv_matches_json(sample_json):
    r = run("--sample", "--format", "csv", "--fail-on", "never")
    rows = list(csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    assert len(rows) == len(sample_json["findings"])
    assert [(x["code"], x["project_name"], x["field"]) for x in rows] == [
        (f["code"], f["project_name"], f["field"]) for f in sample_json["findings"]]
    assert json.loads(rows[0]["evidence"]) == sample_json["findings"][0]["evidence"]


def test_xlsx_sheets_read_back(tmp_path, sample_json):
    out = tmp_path / "review.xlsx"
    r = run("--sample", "--output", str(out), "--fail-on", "never", "--format", "json")
    assert r.returncode == 0, r.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["摘要", "自评表", "指标", "问题"]
    summary = {row[0]: row[1] for row in wb["摘要"].iter_rows(min_row=2, values_only=True)}
    assert summary["自评表数"] == 16 and summary["加权执行率（%）"] == 93.22
    forms = list(wb["自评表"].iter_rows(min_row=2, values_only=True))
    assert len(forms) == 16 and forms[7][1] == "区扣交通信号系统更新、抢修维护等经费"
    inds = list(wb["指标"].iter_rows(min_row=2, values_only=True))
    assert len(inds) == 183
    finds = list(wb["问题"].iter_rows(min_row=2, values_only=True))
    assert len(finds) == len(sample_json["findings"])
    assert finds[0][0] == sample_json["findings"][0]["code"] and finds[0][1] in ("错误", "警告", "提示")


def test_select_and_ignore():
    r = run("--sample", "--select", "JX301", "--format", "json", "--fail-on", "never")
    codes = {f["code"] for f in json.loads(r.stdout)["findings"]}
    assert codes == {"JX301"}
    r = run("--sample", "--select", "JX3", "--ignore", "JX301,JX306", "--format", "json", "--fail-on", "never")
    codes = {f["code"] for f in json.loads(r.stdout)["findings"]}
    assert codes and not codes & {"JX301", "JX306"} and all(c.startswith("JX3") for c in codes)


def test_exit_codes(tmp_path):
    assert run("--sample", "--select", "JX301", "--fail-on", "error").returncode == 0  # warnings only
    assert run("--sample", "--select", "JX301", "--fail-on", "warning").returncode == 1
    assert run("--sample", "--select", "JX301", "--fail-on", "never").returncode == 0
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    r = run(str(bad), "--select", "JX301")
    assert r.returncode == 2 and "为空" in r.stderr


def test_unknown_code_is_a_config_error():
    r = run("--sample", "--select", "JX999")
    assert r.returncode == 1 and "JX999" in r.stderr


def test_config_file_changes_a_setting_and_severity(tmp_path):
    cfg = tmp_path / "review.toml"
    cfg.write_text('[checks]\nselect = ["JX301"]\n[checks.severity]\nJX301 = "error"\n'
                   '[checks.settings.JX301]\nrate_below = 80\nsource = "本局 2025 年复核口径"\n', encoding="utf-8")
    r = run("--sample", "--config", str(cfg), "--format", "json")
    assert r.returncode == 1  # now an error
    found = json.loads(r.stdout)["findings"]
    assert {f["project_name"] for f in found} == {"区扣交通信号系统更新、抢修维护等经费", "残保金", "七宝镇党建引领片区微脑系统"}
    assert {f["severity"] for f in found} == {"error"}
    cfg.write_text("[checks.settings.JX301]\nrate_limit = 80\n", encoding="utf-8")
    r = run("--sample", "--config", str(cfg))
    assert r.returncode == 1 and "rate_limit" in r.stderr


def test_text_report_has_summary_and_forms():
    r = run("--sample", "--fail-on", "never")
    assert r.returncode == 0
    assert "加权执行率 93.22%" in r.stdout and "优 16" in r.stdout
    assert "执行率56.06%，低于90%，但偏差原因分析为空" in r.stdout


def test_catalogue_is_up_to_date():
    from pathlib import Path

    from jixiao.checks.catalogue import render_markdown
    doc = Path(__file__).parent.parent / "docs" / "checks.md"
    assert doc.read_text(encoding="utf-8") == render_markdown(), "run: jixiao checks --markdown > docs/checks.md"


def test_output_workbook_is_not_read_back_as_input(tmp_path, seed_blocks):
    (tmp_path / "form.txt").write_text(seed_blocks[0], encoding="utf-8")
    out = tmp_path / "review.xlsx"
    for _ in range(2):  # the second run finds review.xlsx in the input folder
        r = run(str(tmp_path), "--output", str(out), "--fail-on", "never", "--format", "json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["summary"]["forms"] == 1
