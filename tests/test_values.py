"""The value grammar of 年度指标值 / 实际完成值 cells."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.model import ParsedValue, parse_number, parse_value


@pytest.mark.parametrize(
    "raw, comparison, number, unit",
    [
        ("≥95(%)", "≥", "95", "%"),
        ("=175.00(点位)", "=", "175.00", "点位"),
        ("≤2.00(小时)", "≤", "2.00", "小时"),
        ("2,060.00", None, "2060.00", ""),
        ("=30.00(人)", "=", "30.00", "人"),
        (">=90%", "≥", "90", "%"),
        ("≥50个", "≥", "50", "个"),
        ("≤90万元", "≤", "90", "万元"),
        ("=0.00(起)", "=", "0.00", "起"),
        ("100.00(%)", None, "100.00", "%"),
        ("＞＝９０％", "≥", "90", "%"),  # full-width spelling
        ("≧85%", "≥", "85", "%"),  # Yunnan look-alike
        ("﹦100（%）", "=", "100", "%"),  # small equals sign, full-width parens
        ("<5(次)", "<", "5", "次"),
        ("> 3 个", ">", "3", "个"),
        ("95%以上", "≥", "95", "%"),  # the comparison written after the unit
        ("2个工作日以内", "≤", "2", "个工作日"),
        ("≥90%以上", "≥", "90", "%"),
        ("10%以下", "≤", "10", "%"),
        ("3天内", "≤", "3", "天"),
    ],
)
def test_quantitative(raw, comparison, number, unit):
    v = ParsedValue.model_validate(parse_value(raw))
    assert v.kind == "number"
    assert v.comparison == comparison
    assert v.number == Decimal(number)
    assert v.unit == unit
    assert v.raw == raw


@pytest.mark.parametrize("raw", ["及时", "达成指标", "有效保障", "建立健全", "安全稳定", "符合相关规定", "部分达成"])
def test_qualitative(raw):
    v = ParsedValue.model_validate(parse_value(raw))
    assert v.kind == "text"
    assert v.word == raw
    assert v.number is None and v.comparison is None


@pytest.mark.parametrize("raw", ["", " ", "/", "-", "无"])
def test_empty(raw):
    assert parse_value(raw)["kind"] == "empty"


def test_wrapped_unit_left_open_keeps_its_text():
    # A unit whose wrap was not rejoined still keeps what was printed.
    v = parse_value("=175.00(点")
    assert v["number"] == Decimal("175.00") and v["unit"] == "点"


def test_parse_number():
    assert parse_number("2,060.00") == Decimal("2060.00")
    assert parse_number("６４.８４") == Decimal("64.84")
    assert parse_number("-") is None
    assert parse_number("abc") is None
    assert parse_number("NaN") is None


@given(
    comp=st.sampled_from(["", "=", "≥", "≤", ">", "<", ">=", "<=", "＝", "≧"]),
    num=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    unit=st.sampled_from(["", "%", "(%)", "(人)", "个", "万元", "(小时)", "（次）"]),
    thousands=st.booleans(),
)
def test_roundtrip_property(comp, num, unit, thousands):
    printed = f"{num:,.2f}" if thousands else f"{num:.2f}"
    v = parse_value(f"{comp}{printed}{unit}")
    assert v["kind"] == "number"
    assert v["number"] == num
    assert v["unit"] == unit.strip("()（）")
    assert (v["comparison"] is None) == (comp == "")


@given(st.text(max_size=30))
def test_total(text):
    # Every string parses to something and keeps its raw text.
    v = ParsedValue.model_validate(parse_value(text))
    assert v.raw == text
    assert v.kind in ("number", "text", "empty")
