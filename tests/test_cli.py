"""The command line, run as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from jixiao import __version__


def run(*args, input=None):
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], capture_output=True, text=True,
                          input=input, timeout=120)


def test_version():
    r = run("--version")
    assert r.returncode == 0 and __version__ in r.stdout


def test_parse_sample_json():
    r = run("parse", "--sample", "--format", "json")
    assert r.returncode == 0, r.stderr
    forms = json.loads(r.stdout)
    assert len(forms) == 16
    assert forms[7]["funds"]["rate"] == 64.84 and forms[7]["project_name"] == "区扣交通信号系统更新、抢修维护等经费"


def test_parse_text_summary():
    r = run("parse", "--sample")
    assert r.returncode == 0
    assert "政府雇员经费" in r.stdout and "共读取 16 张自评表" in r.stdout
    assert "偏差原因分析：第三方安全管理服务" in r.stdout  # wrapped to the terminal width


def test_score_json_shanghai_zero_differences():
    r = run("score", "--sample", "--rulebook", "shanghai", "--format", "json")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert len(res) == 16
    for item in res:
        assert {"project_name", "reported", "recomputed", "differences"} <= item.keys()
        for side in ("reported", "recomputed"):
            assert {"rate", "budget_score", "indicator_scores", "total", "grade"} <= item[side].keys()
        assert item["differences"] == []


def test_score_text_lists_differences_under_national():
    r = run("score", "--sample")
    assert r.returncode == 0
    assert "差异 funds.rate：执行率：填报 94.81，复算 94.82" in r.stdout
    assert "8 张与填报值有差异" in r.stdout


def test_unknown_rulebook_is_a_usage_error():
    r = run("score", "--sample", "--rulebook", "atlantis")
    assert r.returncode == 1 and "评分规则" in r.stderr


def test_schema_is_json_schema():
    r = run("schema")
    schema = json.loads(r.stdout)
    assert schema["title"] == "Form"
    props = schema["properties"]
    for key in ("project_name", "funds", "goal", "indicators", "total", "grade", "source", "warnings"):
        assert key in props
    assert props["total"]["anyOf"][0]["type"] == "number"


def test_batch_goes_on_past_bad_files(tmp_path, seed_blocks):
    good = tmp_path / "a" / "good.txt"
    good.parent.mkdir()
    good.write_text(seed_blocks[0], encoding="utf-8")
    (tmp_path / "a" / "empty.txt").write_bytes(b"")
    (tmp_path / "a" / "binary.txt").write_bytes(bytes(range(256)) * 10)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(seed_blocks[1].encode("gbk"))
    r = run("parse", str(tmp_path / "a"), str(gbk), str(tmp_path / "missing.txt"), "--format", "json")
    assert r.returncode == 2
    forms = json.loads(r.stdout)
    assert [f["project_name"] for f in forms] == ["政府雇员经费", "购买七宝镇 IP电话安装服务"]
    assert "empty.txt" in r.stderr and "为空" in r.stderr
    assert "binary.txt" in r.stderr and "missing.txt" in r.stderr
    assert "3 个文件无法读取" in r.stderr


def test_no_input_is_an_error():
    r = run("parse")
    assert r.returncode == 1 and "没有输入文件" in r.stderr


@pytest.mark.parametrize("cmd", ["parse", "score"])
def test_truncated_form_warns_in_both_outputs(tmp_path, seed_blocks, cmd):
    block = seed_blocks[4]
    p = tmp_path / "cut.txt"
    p.write_text(block[: block.index("有效投诉处置率")], encoding="utf-8")
    r = run(cmd, str(p))
    assert r.returncode == 0
    if cmd == "parse":
        assert "未能完整读取" in r.stdout and "JX004" in r.stdout
    j = json.loads(run("parse", str(p), "--format", "json").stdout)
    assert j[0]["complete"] is False


def test_a_reader_bug_skips_the_file_not_the_batch(tmp_path, seed_blocks, monkeypatch, capsys):
    import jixiao.cli as cli

    good, bad = tmp_path / "a.txt", tmp_path / "b.txt"
    good.write_text(seed_blocks[0], encoding="utf-8")
    bad.write_text(seed_blocks[1], encoding="utf-8")
    real = cli.read_forms

    def flaky(path, **kw):
        if path.name == "b.txt":
            raise RuntimeError("boom")
        return real(path, **kw)

    monkeypatch.setattr(cli, "read_forms", flaky)
    batch = cli._Batch([tmp_path], sample=False)
    forms = list(batch.forms())
    assert [f.project_name for f in forms] == ["政府雇员经费"]
    assert len(batch.failed) == 1 and "RuntimeError" in str(batch.failed[0]) and "b.txt" in str(batch.failed[0])
