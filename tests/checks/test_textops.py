"""The optional C kernel ``jixiao.checks._textops`` against its pure-Python
reference in :mod:`jixiao.checks.chinese` (differential tests on random and
seed texts), its errors, and the review through the fallback."""

from __future__ import annotations

import importlib
import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.checks import chinese
from jixiao.checks.chinese import (
    _DECIMAL_RE,
    _RUN_RE,
    _bigram_overlap_py,
    _normalize_py,
    bigram_codes,
    decimal_numbers,
    default_stop_phrases,
    normalize,
    stop_phrase_order,
)

from .review_golden import CASES, read_golden, review_json

try:
    textops = importlib.import_module("jixiao.checks._textops")
except ImportError:
    textops = None


def test_kernel_is_built_in_ci():
    """CI (JIXIAO_REQUIRE_ALL=1) proves that ``pip install`` built the kernel."""
    if os.environ.get("JIXIAO_REQUIRE_ALL") == "1":
        assert textops is not None, "jixiao.checks._textops was not built (setup.py, a C compiler, Python.h)"
    elif textops is None:
        pytest.skip("the C kernel is not built: the pure-Python code runs")


needs_kernel = pytest.mark.skipif(textops is None, reason="the C kernel is not built")

# -- random texts -----------------------------------------------------------------

WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())  # what str.split() splits on
FOLDED = "㎡㎞㎏﹪\u200b\ufeff"  # chinese._HALF beyond the full-width block
CASED = "AZaz@[`{ÀÉéßİıΣσςΑΩДдǅᾈＡＺａｚ"  # lower-casing, A-Z borders, final sigma, title case
DIGITS = "0123456789./9:٣۳०৩３²①〇零五𝟎𝟗🯵"  # decimal in other scripts, not decimal (², ①, 〇), a dot
NUMERALS = "零〇一二两三四五六七八九十百千万亿分之,.個"  # chinese._RUN_RE's classes

chars = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
    st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
    st.sampled_from("的了已经得到完成根据文件要求人个项目预算"),  # frequent, so that phrases and bigrams repeat
    st.characters(max_codepoint=0x7F),  # ASCII, NUL included
    st.characters(min_codepoint=0xFF00, max_codepoint=0xFF65),  # full-width forms
    st.sampled_from("，。、；：？！“”‘’（）《》【】—…·%．\u3000\u2010\u2027\u3400\u4dbf\u4e00\u9fff\u33ff\u4dc0"),
    st.sampled_from(WHITESPACE),
    st.sampled_from(FOLDED + CASED),
    st.sampled_from(DIGITS),  # numbers, fractions, dots (twice: runs of them)
    st.sampled_from(DIGITS),
    st.sampled_from(NUMERALS),
    st.characters(min_codepoint=0x10000),  # astral
    st.sampled_from("\x00\ud800\udfff\U00020000\U0010ffff"),  # NUL, lone surrogates, astral borders
    st.characters(),  # anything else
)
# lists of characters rather than st.text(chars): text() merges the alphabets into one
# range of code points, drawn by size, so that the small lists above would hardly occur
texts = st.lists(chars, max_size=300).map("".join) | st.lists(chars, min_size=40, max_size=300).map("".join)
phrases = st.lists(st.lists(chars, min_size=1, max_size=4).map("".join), max_size=8)


def run_starts_py(text):
    return [m.start() for m in _RUN_RE.finditer(text)]


@needs_kernel
@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_one_text_kernels_are_the_reference(text):
    got = textops.normalize(text)
    assert got == _normalize_py(text) and type(got) is str
    assert textops.decimal_numbers(text) == _DECIMAL_RE.findall(text)
    assert textops.number_run_starts(text) == run_starts_py(text)


def blank_py(text, phrases):
    rx = chinese._alternation(tuple(phrases))
    return rx.sub(chinese._blanked, text) if rx is not None else text


@needs_kernel
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(texts, phrases, st.data())
def test_blank_phrases_kernel_is_the_reference(text, stop, data):
    """Phrases drawn at random and from the text itself (overlapping ones),
    in any order: the first one in order wins at a position."""
    subs = [text[i:j] for i in range(len(text)) for j in range(i + 1, i + 5)]
    own = data.draw(st.lists(st.sampled_from(subs), max_size=5, unique=True)) if subs else []
    for ps in (stop_phrase_order(stop), tuple(dict.fromkeys(own + stop))):
        got = textops.blank_phrases(text, ps)
        assert got == blank_py(text, ps) and type(got) is str


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(texts, phrases, st.data())
def test_has_phrase_is_a_substring_test(text, ps, data):
    """has_phrase (the kernel's blank_phrases when built) is any(p in text):
    phrases at random and from the text itself, in any order."""
    subs = [text[i:j] for i in range(len(text)) for j in range(i + 1, i + 5)]
    own = data.draw(st.lists(st.sampled_from(subs), max_size=5, unique=True)) if subs else []
    for phrases in (tuple(ps), tuple(dict.fromkeys(own + ps)), tuple(own)):
        assert chinese.has_phrase(text, phrases) is any(p in text for p in phrases)


@needs_kernel
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts, phrases)
def test_bigram_overlap_kernel_is_the_reference(act, exp, stop):
    ordered = stop_phrase_order(stop)
    for a, e in ((act, exp), (normalize(act), normalize(exp))):
        assert textops.bigram_overlap(a, e, ordered) == _bigram_overlap_py(a, e, ordered)
        assert textops.bigram_overlap(a, e) == _bigram_overlap_py(a, e)


@needs_kernel
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.data())
def test_bigram_overlap_phrases_in_any_order(text, data):
    """Phrases taken from the text itself (so they match, and overlap each
    other), in any order: the first one in order wins at a position, as in the
    regex alternation."""
    stop = data.draw(st.lists(st.sampled_from([text[i:j] for i in range(len(text)) for j in range(i + 1, i + 5)]
                                              or ["x"]), max_size=6, unique=True))
    other = data.draw(texts)
    assert textops.bigram_overlap(text, other, stop) == _bigram_overlap_py(text, other, tuple(stop))


def test_bigram_overlap_reference_is_bigram_codes():
    sp = default_stop_phrases()
    act, exp = "根据文件要求，已经完成维护。新增3个", "完成维护，新增２个"
    a, e = bigram_codes(act, sp), bigram_codes(exp, sp)
    want = (len(a), len(e), len(a & e))
    assert _bigram_overlap_py(normalize(act), normalize(exp), stop_phrase_order(sp)) == want
    assert chinese.bigram_overlap(normalize(act), normalize(exp), stop_phrase_order(sp)) == want


def test_stop_phrase_order():
    got = stop_phrase_order(["已", "已经", " ", "\u200b", "ＡＢ", "已经"])
    assert sorted(got[:2]) == ["ab", "已经"] and got[2:] == ("已",)  # equal lengths: either order
    assert stop_phrase_order([]) == ()


@needs_kernel
def test_seed_texts(seed_path):
    from jixiao.ingest import read_forms

    stop = stop_phrase_order(default_stop_phrases())
    excluded = chinese.default_unit_table()._exclude_order
    for f in read_forms(seed_path):
        for t in (f.goal.expected, f.goal.actual, f.project_name):
            assert textops.normalize(t) == _normalize_py(t)
            assert textops.decimal_numbers(t) == _DECIMAL_RE.findall(t)
            assert textops.number_run_starts(t) == run_starts_py(t)
            assert textops.blank_phrases(t, excluded) == blank_py(t, excluded)
        exp, act = _normalize_py(f.goal.expected), _normalize_py(f.goal.actual)
        assert textops.bigram_overlap(act, exp, stop) == _bigram_overlap_py(act, exp, stop)
        assert textops.bigram_overlap(act, exp, stop)[0] > 0


@needs_kernel
def test_edge_texts():
    stop = stop_phrase_order(default_stop_phrases())
    excluded = chinese.default_unit_table()._exclude_order
    for t in ("", " ", "\u3000", "\x00", "a", "已", "已经", "已已经", "\x00a\x00", "ａ", "Ａ", "ΣΑΣ完成", "İ号",
              "\ud800", "\U00020000完成", "完成\U00020000完成", "1.", ".1", "1..2", "1.2.3", "٣.٣", "3.", "千5",
              "三百五十，1,000万", "第十四五", "百分之五十", "四个意识", "a四个意识", "\U00020000四个意识",
              "两位数十四五五", "a" * 1000, "完成" * 1000, "．。.%", "ǅ", "ẞ"):
        assert textops.normalize(t) == _normalize_py(t)
        assert textops.decimal_numbers(t) == _DECIMAL_RE.findall(t)
        assert textops.number_run_starts(t) == run_starts_py(t)
        assert textops.blank_phrases(t, excluded) == blank_py(t, excluded)
        assert textops.blank_phrases(t, stop) == blank_py(t, stop)
        for u in ("", t, "完成"):
            assert textops.bigram_overlap(t, u, stop) == _bigram_overlap_py(t, u, stop)
            assert textops.bigram_overlap(u, t) == _bigram_overlap_py(u, t)


@needs_kernel
def test_huge_texts():
    import random

    rnd = random.Random(3)
    cjk = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)] + list("，。 ａＢc1.%")
    big = "".join(rnd.choices(cjk, k=300_000))
    other = "".join(rnd.choices(cjk, k=100_000))
    stop = stop_phrase_order(default_stop_phrases())
    assert textops.normalize(big) == _normalize_py(big)
    assert textops.decimal_numbers(big) == _DECIMAL_RE.findall(big)
    assert textops.number_run_starts(big) == run_starts_py(big)
    assert textops.blank_phrases(big, stop) == blank_py(big, stop)
    assert textops.bigram_overlap(big, other, stop) == _bigram_overlap_py(big, other, stop)
    assert textops.bigram_overlap("完" * 5_000_000, "完成") == (3, 3, 1)  # |完, 完完, 完|


@needs_kernel
def test_str_subclass_gives_a_str():
    class S(str):
        pass

    for t in ("完成", "完 成", "ＡＢ", "Σ"):
        got = textops.normalize(S(t))
        assert type(got) is str and got == _normalize_py(S(t))
    assert textops.bigram_overlap(S("完成"), S("完成"), (S("完"),)) == (2, 2, 2)


def test_whitespace_is_below_u3400():
    """The kernel looks whitespace up only below U+3400 (CJK text skips it)."""
    assert all(ord(c) < 0x3400 for c in WHITESPACE)
    assert not any(chr(c).isspace() for c in range(0x3400, 0x110000))


def test_no_decimal_digit_among_cjk():
    """The kernel takes U+3400-U+9FFF for non-digits without a look-up."""
    assert not any(chr(c).isdecimal() for c in range(0x3400, 0xA000))
    assert [chr(c) for c in range(0x80) if chr(c).isdecimal()] == list("0123456789")


# -- errors ----------------------------------------------------------------------

@needs_kernel
def test_kernel_errors():
    for bad in (None, 1, b"ab", ["a"]):
        with pytest.raises(TypeError):
            textops.normalize(bad)
        with pytest.raises(TypeError):
            textops.bigram_overlap(bad, "a")
        with pytest.raises(TypeError):
            textops.bigram_overlap("a", bad)
    for bad in (1, None, ["a", 2], ("a", b"b")):
        with pytest.raises(TypeError):
            textops.bigram_overlap("a", "b", bad)
    with pytest.raises(ValueError):
        textops.bigram_overlap("a", "b", ("a", ""))
    with pytest.raises(TypeError):
        textops.bigram_overlap("a")
    with pytest.raises(TypeError):
        textops.bigram_overlap("a", "b", (), 1)
    with pytest.raises(TypeError):
        textops.normalize()
    for bad in (None, 1, b"12"):
        with pytest.raises(TypeError):
            textops.decimal_numbers(bad)
        with pytest.raises(TypeError):
            textops.number_run_starts(bad)
        with pytest.raises(TypeError):
            textops.blank_phrases(bad, ())
        with pytest.raises(TypeError):
            textops.blank_phrases("a", bad)
    with pytest.raises(ValueError):
        textops.blank_phrases("a", ("",))
    with pytest.raises(TypeError):
        textops.blank_phrases("a")


def test_wrappers_fail_as_python_does():
    """normalize() sends anything but a str to the Python code: the same
    error (a check error in the review names it) with or without the kernel."""
    for bad in (None, 1, b"a b"):
        try:
            want = _normalize_py(bad)
        except Exception as exc:  # noqa: BLE001
            with pytest.raises(type(exc), match=str(exc).replace("(", r"\(").replace(")", r"\)")):
                normalize(bad)
        else:
            assert normalize(bad) == want

    class Odd(str):
        def split(self):  # a subclass is not the kernel's business
            return ["odd"]

    assert normalize(Odd("a b")) == "odd"
    with pytest.raises(TypeError):
        chinese.bigram_overlap(None, "a")
    with pytest.raises(TypeError, match="expected string"):
        decimal_numbers(None)
    assert decimal_numbers(Odd("a 12")) == ["12"]


@needs_kernel
def test_no_leak():
    """A million calls of each do not grow the process (refcounts right)."""
    import gc
    import resource

    stop = stop_phrase_order(default_stop_phrases())
    excluded = chinese.default_unit_table()._exclude_order
    act, exp = "根据文件要求，聘用政府雇员 30人，充实到现有工作中。", "聘用政府雇员３０人，ＩＰ 电话" * 20

    def run(n):
        for _ in range(n):
            textops.normalize(act)
            textops.normalize(exp)
            textops.bigram_overlap(act, exp, stop)
            textops.bigram_overlap(exp, exp * 2, list(stop))
            textops.decimal_numbers(act + "1.5，２０２４年")
            textops.number_run_starts(act + "三百五十，1,000")
            textops.blank_phrases(act + "四个意识", excluded)
            textops.blank_phrases(act, excluded)
            try:
                textops.bigram_overlap(act, exp, (1,))
            except TypeError:
                pass

    run(100_000)
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run(1_000_000 if os.environ.get("JIXIAO_LEAK_CHECK") == "1" else 200_000)
    gc.collect()
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 2_000, grown_kb


# -- the review through the fallback -------------------------------------------------

@pytest.mark.parametrize("case", list(CASES))
def test_review_without_kernel(case, tmp_path, monkeypatch):
    """The pure-Python fallback gives the goldens too (test_review_golden
    runs whichever path is installed)."""
    monkeypatch.setattr(chinese, "_k_normalize", None)
    monkeypatch.setattr(chinese, "_k_bigram_overlap", None)
    monkeypatch.setattr(chinese, "_k_decimal_numbers", None)
    monkeypatch.setattr(chinese, "_k_run_starts", None)
    monkeypatch.setattr(chinese, "_k_blank_phrases", None)
    assert review_json(case, tmp_path) == read_golden(case)


def test_kernel_can_be_left_out():
    """JIXIAO_NO_KERNEL=1 leaves the kernel out (runs the whole suite on the fallback)."""
    import subprocess

    code = "import jixiao.checks.chinese as c; print(c._textops is None, c._k_normalize is None)"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "JIXIAO_NO_KERNEL": "1"},
                         capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True"]
