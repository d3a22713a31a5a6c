"""Normalisation: each repair returns the clean text and a warning."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jixiao.ingest.normalize import (
    canonical_comparison, fullwidth_to_ascii, looks_traditional, normalize_cell_text, parse_amount,
    repair_ocr_target, sign_cell, strip_pinyin_pairs, to_simplified,
)


@pytest.mark.parametrize("raw, want", [
    ("≧90%", "≥90%"), ("＞＝95%", "≥95%"), (">=90%", "≥90%"), ("≦5%", "≤5%"), ("<=2小时", "≤2小时"),
    ("═100", "=100"), ("﹦100", "=100"), ("＝30人", "=30人"),
])
def test_lookalike_signs(raw, want):
    out, reps = canonical_comparison(raw)
    assert out == want
    assert [r.code for r in reps] == ["JX010"] and raw.strip()[:1] in reps[0].message


@pytest.mark.parametrize("raw", ["≥90%", "=30.00(人)", "≤2.00(小时)", "及时", ""])
def test_canonical_signs_untouched(raw):
    assert canonical_comparison(raw) == (raw, [])


def test_sign_cells():
    assert sign_cell("﹦")[0] == "=" and sign_cell("﹦")[1][0].code == "JX010"
    assert sign_cell("≥") == ("≥", [])
    assert sign_cell("≥95") == (None, [])
    assert sign_cell("") == (None, [])


def test_fullwidth_digits_and_punctuation():
    assert fullwidth_to_ascii("９５．５％")[0] == "95.5%"
    out, reps = fullwidth_to_ascii("１２３人")
    assert out == "123人" and reps[0].code == "JX011"
    # prose keeps its full-width commas; digits are still converted
    assert fullwidth_to_ascii("完成２项，效果良好")[0] == "完成2项，效果良好"
    assert fullwidth_to_ascii("已完成。") == ("已完成。", [])


def test_mojibake_pairs_and_traditional():
    out, reps = strip_pinyin_pairs("預(yù)覽 績效目標(biāo) 執(zhí)行率")
    assert out == "預覽 績效目標 執行率"
    assert reps[0].code == "JX012" and "3处" in reps[0].message
    out, reps = to_simplified(out)
    assert out == "预览 绩效目标 执行率"
    assert reps[0].code == "JX012"
    # full pipeline on a cell, decided per grid
    assert normalize_cell_text("項(xiàng)目資金 (萬元)", traditional=True)[0] == "项目资金 (万元)"
    assert normalize_cell_text("項(xiàng)目", traditional=False)[0] == "項(xiàng)目"
    # Latin text in parentheses is not a pinyin reading of a Latin letter
    assert strip_pinyin_pairs("AI(ai)") == ("AI(ai)", [])


def test_traditional_detection():
    assert looks_traditional(["年度資金總額", "當年財政撥款"])
    assert looks_traditional(["預(yù)覽"])
    assert not looks_traditional(["年度资金总额", "当年财政拨款", "其他资金"])


def test_amounts():
    assert parse_amount("2,060.00", "万元") == (D("2060.00"), None, [])
    value, unit, reps = parse_amount("4753.66万元", "万元")
    assert (value, unit, reps) == (D("4753.66"), "万元", [])
    value, unit, reps = parse_amount("72890元", "万元")
    assert (value, unit) == (D("72890"), "元") and reps[0].code == "JX015"  # kept, not converted
    value, unit, reps = parse_amount("2,06.00", "万元")
    assert value == D("206.00") and reps[0].code == "JX018"
    assert parse_amount("-", "万元")[0] is None


def test_ocr_repairs_only_when_the_row_confirms():
    out, reps = repair_ocr_target("290%", "95%")
    assert out == "≥90%" and reps[0].code == "JX013"
    out, reps = repair_ocr_target("290%", "达成")
    assert out == "290%" and reps[0].code == "JX014"  # unsure: warn, do not repair
    assert repair_ocr_target("200%", "210%") == ("200%", [])  # "00" cannot be a rate target
    out, reps = repair_ocr_target("W5%", "3%")
    assert out == "≤5%" and reps[0].code == "JX013"
    out, reps = repair_ocr_target("IO", "10")
    assert out == "10" and reps[0].code == "JX013"
    assert repair_ocr_target("95%", "95%") == ("95%", [])
    assert repair_ocr_target("IT运维", "完成") == ("IT运维", [])
