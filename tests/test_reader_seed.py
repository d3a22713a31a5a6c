"""The text reader against the hand-checked goldens of the 16 seed forms."""

from __future__ import annotations

import pytest

from jixiao.ingest import read_forms

STABLE_KEYS = {"project_name", "department", "implementing_unit", "year", "funds_unit", "funds", "goal",
               "indicators", "total", "grade", "source", "warnings"}


@pytest.fixture(scope="module")
def seed_forms(seed_path):
    return [f.to_json_dict() for f in read_forms(seed_path)]


def test_sixteen_forms(seed_forms):
    assert len(seed_forms) == 16


def test_stable_keys(seed_forms):
    for f in seed_forms:
        assert STABLE_KEYS <= f.keys()
        assert set(f["funds"]) >= {"initial_budget", "adjusted_budget", "executed", "weight", "rate", "score", "rows"}
        for ind in f["indicators"]:
            assert set(ind) >= {"level1", "level2", "name", "target", "actual", "weight", "score", "deviation"}


@pytest.mark.parametrize("i", range(16))
def test_matches_golden(seed_forms, goldens, golden_check, i):
    golden_check(seed_forms[i], goldens[i])


def test_no_warnings_and_complete(seed_forms):
    for f in seed_forms:
        assert f["warnings"] == []
        assert f["complete"] is True


def test_numbers_are_json_numbers(seed_forms):
    f = seed_forms[7]
    assert f["funds"]["rate"] == 64.84
    assert isinstance(f["funds"]["executed"], float)
    assert seed_forms[12]["funds"]["initial_budget"] == 2060.0


def test_locations(seed_forms, seed_text, seed_path):
    lines = seed_text.split("\n")
    f = seed_forms[13]  # 非机动车安全整治: a deviation note and a page-break row
    loc = f["locations"]
    # Every indicator has a row location.
    for j in range(len(f["indicators"])):
        assert f"indicators[{j}]" in loc
    # The deviation note of 尾款支付率 spans the lines printed after the row.
    j = next(k for k, ind in enumerate(f["indicators"]) if ind["name"] == "尾款支付率")
    dl = loc[f"indicators[{j}].deviation"]
    assert lines[dl["line"] - 1].startswith("社区充换电柜")
    assert lines[dl["end_line"] - 1].startswith("差异。")
    # The page-break row is located on its printed line.
    j = next(k for k, ind in enumerate(f["indicators"]) if ind["name"] == "有责投诉发生数")
    assert lines[loc[f"indicators[{j}]"]["line"] - 1].startswith("效益 社会 有责投诉发生数")
    # Funds and header fields point at their lines.
    form = list(read_forms(seed_path))[13]
    assert "年度资金总额" in lines[form.location_of("funds.executed").line - 1]
    assert lines[loc["project_name"]["line"] - 1].startswith("项目名称")
    assert f["source"]["line"] < loc["project_name"]["line"] <= f["source"]["end_line"]


def test_parsed_values(seed_forms):
    ind = seed_forms[2]["indicators"][1]  # 监控视频维护覆盖数, wrapped unit
    assert ind["target_parsed"] == {"raw": "=175.00(点位)", "kind": "number", "comparison": "=", "number": 175.0,
                                    "unit": "点位", "word": None}
    q = seed_forms[0]["indicators"][4]
    assert q["target_parsed"]["kind"] == "text" and q["target_parsed"]["word"] == "及时"
    assert q["actual_parsed"]["word"] == "达成指标"


def test_location_of_walks_up_to_the_row(seed_path, seed_text):
    lines = seed_text.split("\n")
    f = list(read_forms(seed_path))[2]  # 监控视频维护覆盖数: values wrapped over lines
    j = next(k for k, i in enumerate(f.indicators) if i.name == "监控视频维护覆盖数")
    t = f.location_of(f"indicators[{j}].target")
    a = f.location_of(f"indicators[{j}].actual")
    assert (lines[t.line - 1], lines[t.end_line - 1]) == ("=175.00(点", "位)")
    assert lines[a.line - 1] == "175.00(点" and a.line > t.end_line
    s = f.location_of(f"indicators[{j}].score")  # on the closing line = the row's location
    assert s == f.location_of(f"indicators[{j}]")
    assert lines[s.end_line - 1] == "10.00 10.00"
    assert f.location_of("funds.rows[0].executed").line == f.location_of("funds.rows[0]").end_line
    assert f.location_of("nothing.here") is None
