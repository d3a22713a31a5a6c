"""jixiao.checks.chinese: numerals, quantities (and what is not one), n-gram similarity on seed sentences."""

from decimal import Decimal as D

import pytest

from jixiao.checks.chinese import (
    UnitTable,
    bigram_codes,
    chinese_to_int,
    clause_around,
    containment,
    cosine,
    default_stop_phrases,
    default_unit_table,
    dice,
    extract_quantities,
    ngram_counts,
    ngrams,
    normalize,
    profile,
)

T = default_unit_table()


def labels(text, **kw):
    return [q.label for q in extract_quantities(text, T, **kw)]


def values(text, **kw):
    return [(q.value, q.unit, q.kind) for q in extract_quantities(text, T, **kw)]


# -- normalization --------------------------------------------------------------

def test_normalize_half_width_and_spaces():
    assert normalize("聘用政府雇员 ３０人，ＩＰ 电话") == "聘用政府雇员30人，ip电话"
    assert normalize("服 务供应商\n确定") == "服务供应商确定"
    assert normalize("面积１２０㎡，达到９５％") == "面积120m2，达到95%"
    # the Chinese comma stays: "30，200" is two numbers, not 30200
    assert values("30，200人") == [(D(200), "人", "count")]


# -- Chinese numerals -----------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("七", 7), ("两", 2), ("十", 10), ("十二", 12), ("二十五", 25), ("三百", 300), ("三百零五", 305),
    ("一千二百", 1200), ("一千二百零五", 1205), ("一千二", 1200), ("三百五", 350), ("两万", 20000),
    ("两万五千", 25000), ("三万", 30000), ("一亿二千万", 120000000), ("零", 0),
])
def test_chinese_numerals(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize("text", ["十四五", "一二", "百", "万", "十百", "七宝", ""])
def test_not_chinese_numerals(text):
    assert chinese_to_int(text) is None


# -- quantities -------------------------------------------------------------------

def test_seed_goal_quantities():
    assert labels("聘用政府雇员 30人，充实到现有工作中") == ["30人"]
    assert labels("全镇 129个居村点位，19个商圈、楼宇、八号桥市场等点位，27个街面探头的监控视频") == [
        "129个居村点位", "19个商圈", "27个街面探头"]
    assert labels("完成对全镇镇属 107家企业的安全检查") == ["107家企业"]
    assert labels("建设七个片区的综合治理平台") == ["七个片区"]
    assert values("实现全镇 50%的小区的结构化分析功能") == [(D(50), "%", "percent")]


def test_units_kinds_and_groups():
    [q] = extract_quantities("服务14.4万人次", T)
    assert (q.value, q.unit, q.kind, q.group) == (D("144000.0"), "人次", "count", "person_time")
    [q] = extract_quantities("招聘两名社工", T)
    assert (q.value, q.group, q.chinese) == (D(2), "person", True)
    [q] = extract_quantities("完成十二项整改", T)
    assert (q.value, q.unit, q.group) == (D(12), "项", "generic")
    [q] = extract_quantities("铺设管线3公里", T)
    assert (q.kind, q.base) == ("measure", D(3000))
    assert values("总投资50万元") == [(D(500000), "元", "money")]
    assert values("满意度达到百分之九十以上") == [(D(90), "%", "percent")]
    assert values("共计1,200人") == [(D(1200), "人", "count")]
    assert values("20个工作日内办结") == [(D(20), "个工作日", "duration")]


@pytest.mark.parametrize("text", [
    "2024年计划完成城运中心平台应急处置防护",          # a year
    "完成 2021、2022年未支付审价",                      # years, the first without a unit
    "对 15年以上的老旧电梯安装设备",                    # N年以上: a descriptor
    "为60岁以上老人提供服务",                           # an age
    "12月31日前完成",                                   # a date
    "委托第三方提供服务",                               # 第N
    "第2批项目",                                        # 第N
    "八号桥市场",                                       # 号: an ordinal, a name
    "依据财预〔2020〕10号文件",                         # a document number
    "补齐“12345”热线工作短板",                          # a number without a unit
    "汇聚在七宝城运“一张图”上，实现一网统管",            # 一: idiom, not a quantity
    "树立四个意识，做到两个维护",                       # slogans
    "实现两位数增长",                                   # a false friend
    "覆盖数十个小区",                                   # 数十: approximate
    "培训3-5次",                                        # a range
    "七宝镇十四五规划",                                 # a name
    "三级指标",                                         # an ordinal
])
def test_not_targets(text):
    assert extract_quantities(text, T) == []


def test_excluded_kinds_can_be_kept_for_inspection():
    kinds = [q.kind for q in extract_quantities("2024年完成15年以上电梯改造，八号桥", T, keep_excluded=True)]
    assert kinds == ["date", "date", "ordinal"]


def test_min_chinese_value_is_a_parameter():
    assert labels("建成一个平台") == []
    assert labels("建成一个平台", min_chinese=1) == ["一个平台"]
    assert labels("建成1个平台") == ["1个平台"]  # Arabic 1 is meant


def test_unit_table_is_data():
    t = UnitTable([{"kind": "count", "group": "*", "units": ["只"]}])
    assert [q.label for q in extract_quantities("放养3只鸭，30人", t)] == ["3只鸭"]
    with pytest.raises(ValueError):
        UnitTable([{"kind": "colour", "group": "*", "units": ["色"]}])


def test_classify_indicator_units():
    assert T.classify("万人次")[0].text == "人次" and T.classify("万人次")[1] == D(10000)
    assert T.classify("个工作日内")[0].kind == "duration"
    assert T.classify("点位")[0].group == "点位"
    assert T.classify("千米")[0].factor == D(1000) and T.classify("千米")[1] == D(1)
    assert T.classify("户次")[0].text == "户"  # the longest table unit at the start
    assert T.classify("栏目")[0] is None


def test_clause_around():
    s = normalize("委托第三方提供服务，并实现全镇 50%的小区的结构化分析功能，使垃圾分类工作形成管理闭环")
    [q] = extract_quantities(s, T, normalized=True)
    assert clause_around(s, q.start, q.end) == "并实现全镇50%的小区的结构化分析功能"


# -- similarity on seed sentences --------------------------------------------------

GOAL_0 = ("为有效解决机构编制紧张与工作人员短缺的矛盾，聘用政府雇员 30人，充实到现有工作中，"
          "按照岗位要求完成全年各项管理考核工作，有效保障制度外用工人员各项收入及福利待遇，确保单位年度工作圆满完成。")
ACTUAL_0 = ("根据文件要求，聘用政府雇员 30人，充实到现有工作中，机构编制紧张与工作人员短缺的矛盾得到解决，"
            "完成全年各项管理考核工作，保障制度外用工人员各项收入及福利待遇。")
GOAL_12 = ("随着城镇化的不断推进带来的各类火灾风险复杂多变，防控难度不断加大，火灾隐患增量难控，"
           "火灾总体起数依然在高位运行。消防站的建设，可以切实提升全镇微型消防站实用效能，"
           "全面提高末端灭火救援应急处置能力。")
ACTUAL_12 = "已及时完成消防站建设，切实提升全镇微型消防站实用效能，全面提高末端灭火救援应急处置能力。"
GOAL_BASE = "为全区1200名高龄独居老人提供居家养老上门服务，新建社区助餐点6个，服务对象满意度达到90%以上。"
ACTUAL_BASE = ("全年上门服务高龄独居老人1200名、共计14.4万人次；6个社区助餐点均已开业运营。"
               "经第三方问卷调查（有效样本600份），服务对象满意度为93%。")


def test_rewrite_is_contained_in_its_goal():
    sp = default_stop_phrases()
    assert containment(profile(ACTUAL_0, sp), profile(GOAL_0, sp)) > 0.9
    # a short completion copied from the second half of a long goal: containment sees it, Dice less so
    a, g = profile(ACTUAL_12, sp), profile(GOAL_12, sp)
    assert containment(a, g) > 0.8 and dice(a, g) < 0.6
    # a report of results is not
    assert containment(profile(ACTUAL_BASE, sp), profile(GOAL_BASE, sp)) < 0.5


def test_stop_phrases_and_punctuation_are_ignored():
    assert profile("根据文件要求，已经完成维护。", ["根据文件要求", "已经"]) == profile("完成维护", ())
    assert "，完" not in profile("维护，完成") and "护完" not in profile("维护，完成")


def test_similarity_measures():
    a, b = profile(ACTUAL_0), profile(GOAL_0)
    assert 0 < dice(a, b) < 1 and dice(a, a) == 1.0
    assert containment(frozenset(), b) == 0.0 and dice(frozenset(), frozenset()) == 0.0
    assert cosine(ngram_counts(ACTUAL_0), ngram_counts(ACTUAL_0)) == pytest.approx(1.0)
    assert cosine(ngram_counts(ACTUAL_0), ngram_counts(GOAL_0)) > cosine(ngram_counts(ACTUAL_BASE),
                                                                        ngram_counts(GOAL_BASE))
    assert ngrams(["七个片区"], (2,)) == {"七个", "个片", "片区"}
    assert ngrams(["区"], (2, 3)) == {"区"}


def test_bigram_codes_pad_clauses_with_a_boundary():
    # |维 维护 护| |完 完成 成|: punctuation is a boundary mark, not a cut
    assert len(bigram_codes("维护，完成")) == 6
    assert bigram_codes("根据文件要求，已经完成维护。", ["根据文件要求", "已经"]) == bigram_codes("完成维护")
    assert bigram_codes("维护完成") != bigram_codes("维护，完成")
    sp = default_stop_phrases()
    assert containment(bigram_codes(ACTUAL_0, sp), bigram_codes(GOAL_0, sp)) > 0.9
    assert containment(bigram_codes(ACTUAL_BASE, sp), bigram_codes(GOAL_BASE, sp)) < 0.5
    # the same ranking as the string profiles
    a = containment(bigram_codes(ACTUAL_12, sp), bigram_codes(GOAL_12, sp))
    assert abs(a - containment(profile(ACTUAL_12, sp, (2,)), profile(GOAL_12, sp, (2,)))) < 0.1


def test_docstring_examples():
    import doctest

    import jixiao.checks.chinese as mod

    assert doctest.testmod(mod).failed == 0


def test_seed_completion_texts_are_rewrites(seed_path):
    from jixiao.ingest import read_forms

    sp = default_stop_phrases()
    forms = list(read_forms(seed_path))
    shares = [containment(profile(f.goal.actual, sp), profile(f.goal.expected, sp)) for f in forms]
    assert len(shares) == 16 and min(shares) > 0.75
    codes = [containment(bigram_codes(f.goal.actual, sp), bigram_codes(f.goal.expected, sp)) for f in forms]
    assert min(codes) > 0.75  # JX801's threshold is 0.7


def test_normalize_fast_path_is_exact():
    """normalize() returns a text of "plain" characters as it is (spaces
    removed): every such character must be unchanged by folding and by
    str.lower, over the whole of Unicode."""
    from jixiao.checks.chinese import _ANY_HALF, _HALF, _NEEDS_WORK

    for cp in range(0x110000):
        c = chr(cp)
        if _NEEDS_WORK.match(c) is None:
            assert c.lower() == c and _ANY_HALF.match(c) is None, hex(cp)
    for text in ("聘用政府雇员 ３０人，ＩＰ 电话", "ΣΑΣ完成", "完成“七个片区”建设——100%", "İ号", "A级景区"):
        s = "".join(text.split())
        assert normalize(text) == s.translate(_HALF).lower()  # the slow path, spelled out



# -- the quantity regex against the number grammar and unit_at -------------------

def _extract_reference(text, table, min_chinese=2, keep_excluded=False):
    """extract_quantities as written before its one-regex scan: _NUM_RE at each
    run start, then UnitTable.unit_at after the number."""
    from jixiao.checks import chinese as c

    scan = table.strip_excluded(text)
    out = []
    for start in c._run_starts(scan):
        m = c._NUM_RE.match(scan, start)
        if m is None:
            continue
        end = m.end()
        ar, mul, pct, cn = m.groups()
        unit = table.units.get("%") if pct is not None else table.unit_at(scan, end)
        if unit is None or (unit.kind in c.EXCLUDED_KINDS and not keep_excluded):
            continue
        if start:
            before = scan[start - 1]
            if before in c._BAD_BEFORE:
                continue
            if before in c._RANGE_BEFORE and start >= 2 and (scan[start - 2].isdigit()
                                                             or scan[start - 2] in c._CN_NUM_CHARS):
                continue
        if ar is not None:
            value = D(ar.replace(",", ""))
            if mul:
                value *= c._MULT[mul]
        elif pct is not None:
            if pct[0].isdigit():
                value = D(pct)
            else:
                v = chinese_to_int(pct) if pct != "百" else 100
                if v is None:
                    continue
                value = D(v)
        else:
            v = chinese_to_int(cn)
            if v is None or v < min_chinese:
                continue
            value = D(v)
        if pct is None:
            end += len(unit.text)
        out.append((start, end, value, unit.text))
    return out


_UNIT_TABLES = [
    T,
    UnitTable([{"kind": "count", "group": "*", "units": ["个", "个月", "m", "m2", "万人", "千米", "百分点", "分之", "+", "]",
                                                        "^", "\\", "-"]},
               {"kind": "date", "group": "*", "units": ["年", "年度", "个季度"]}]),
    UnitTable([{"kind": "count", "group": "x", "units": ["", "人", "人次"]}], ["四个意识"]),  # an empty unit
    UnitTable([]),
]


def test_quantity_regex_is_number_then_unit_at():
    """The one-regex scan finds what _NUM_RE and unit_at found (random texts
    over numerals, digits, separators and unit characters; odd tables)."""
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    chars = list("0123456789٣３.,，、-~至第数几零〇一二两三四五六七八九十百千万亿分之个月年度季人次m2+]^\\%点位片区的 　")
    pieces = ["12", "3万", "千米", "万人", "十二", "1,000", "2.5", "百分之", "个季度", "四个意识", "个月", "人次"]
    text = st.lists(st.sampled_from(chars + pieces), max_size=20).map("".join)

    @hypothesis.settings(max_examples=1500, deadline=None)
    @hypothesis.given(text, st.sampled_from(range(len(_UNIT_TABLES))),
                      st.integers(0, 3), st.booleans())
    def run(text, k, min_chinese, keep):
        table = _UNIT_TABLES[k]
        got = [(q.start, q.end, q.value, q.unit)
               for q in extract_quantities(text, table, min_chinese=min_chinese, normalized=True, keep_excluded=keep)]
        assert got == _extract_reference(text, table, min_chinese, keep)

    run()


def test_clause_around_left_end_is_the_last_clause_end():
    """clause_around's left end by one match is the end of the last clause end
    before the span (as the maximum over all of them from the text's start)."""
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    from jixiao.checks.chinese import _CLAUSE_END

    def reference(text, start, end, limit=40):
        left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
        m = _CLAUSE_END.search(text, end)
        right = m.start() if m is not None else len(text)
        if right - left > limit:
            left = max(left, start - limit // 2)
            right = min(right, left + limit)
        return text[left:right]

    @hypothesis.settings(max_examples=1000, deadline=None)
    @hypothesis.given(st.text("ab七个，。；;！!？?、\n\r .", max_size=60), st.integers(-3, 65), st.integers(-3, 65),
                      st.integers(0, 45))
    def run(text, start, end, limit):
        assert clause_around(text, start, end, limit) == reference(text, start, end, limit)

    run()
