"""JX3xx: the deviation analysis (偏差原因分析及改进措施).

A note is required when an indicator lost points, when an actual value
deviates from its target beyond the threshold, and when the execution rate
is below 100%. A placeholder ("无", "/") does not count. A note should name a
cause and a measure, and must not contradict the row it explains.
"""

from __future__ import annotations

from decimal import Decimal

from .base import Hit, check
from .chinese import has_phrase
from .context import FormContext
from .design import PerRun

_NUM = Decimal("0.01")


def _phrases(words) -> tuple[str, ...] | None:
    """A word table of JX304 for :func:`_mentions`; None when it holds an
    empty word (which is in every text)."""
    t = tuple(words)
    return None if "" in t else t


def _mentions(text: str, words: tuple[str, ...] | None) -> bool:
    """Whether ``text`` contains one of ``words`` (``_phrases``): one scan
    (chinese.has_phrase), not a substring test per word (a note is long, and
    JX304's two tables hold thirty words)."""
    return words is None or has_phrase(text, words)


_cause_measure = PerRun(lambda s: (_phrases(s.cause_words), _phrases(s.measure_words)))  # JX304's settings

# Decimals in messages are written ``{x!s}``: the same text as ``{x}`` (for a
# Decimal ``format(x, "")`` is ``str(x)``) without the format-spec machinery.


def _placeholder(ctx: FormContext, i: int) -> str:
    d = ctx.indicators[i].deviation.strip()
    return f"（只写了“{d}”）" if d else ""


@check("JX301", "no-note-low-execution", title="执行率偏低但没有偏差说明", severity="warning",
       category="deviation", basis="domain.md §3；财预〔2020〕10号 自评表填表说明",
       hint="在偏差原因分析中说明资金未执行完的原因（如项目延期、结余、政策调整）和改进措施。")
def no_note_low_execution(ctx: FormContext, s):
    """Execution rate below ``rate_below`` (90%) and no deviation note anywhere in the form.

    Why: money not spent is the first thing a reviewer asks about; the form
    must say why and what will change.

    Fails: 执行率 64.84%, every 偏差原因分析 cell empty.
    Passes: 执行率 64.84% with a note on any row ("项目延期至次年…"); or 执行率 95%.

    Settings: ``rate_below`` (percent, default 90).
    Limits: the text layout has no separate box for the funds block, so a note
    on any indicator row counts as the explanation.
    """
    rate = ctx.rate
    if rate is None or rate >= s.rate_below or ctx.any_note:
        return
    return Hit("funds.rate", f"执行率{rate.quantize(_NUM)!s}%，低于{s.rate_below!s}%，但偏差原因分析为空",
               {"rate": rate, "threshold": s.rate_below})


@check("JX306", "no-note-execution-below-100", title="执行率未达100%但没有偏差说明", severity="info",
       category="deviation", basis="domain.md §3",
       hint="执行率未达到100%时，简要说明结余或未执行的原因。")
def no_note_below_100(ctx: FormContext, s):
    """Execution rate below 100% (but not below the JX301 threshold) and no deviation note.

    Why: the rules ask for an explanation whenever the budget was not fully
    executed; small gaps are usually savings, and saying so is enough.

    Fails: 执行率 93.00%, no note. Passes: 执行率 100.00%; or 93.00% with a note.

    Settings: ``rate_below`` (default 100). Below JX301's threshold JX301 reports instead.
    """
    rate = ctx.rate
    jx301 = ctx.config.settings["JX301"].rate_below if ctx.config is not None else Decimal(90)
    if rate is None or rate >= s.rate_below or rate < jx301 or ctx.any_note:
        return
    return Hit("funds.rate", f"执行率{rate.quantize(_NUM)!s}%，未达到{s.rate_below!s}%，但没有说明原因",
               {"rate": rate, "threshold": s.rate_below})


@check("JX302", "no-note-lost-points", title="指标扣分但没有偏差说明", severity="warning",
       category="deviation", basis="财预〔2020〕10号 自评表填表说明：未完成的指标须分析偏差原因",
       hint="对扣分的指标写明未完成的原因和改进措施。")
def no_note_lost_points(ctx: FormContext, s):
    """An indicator scored below its weight and its deviation note is empty or a placeholder.

    Why: lost points mean the target was not (fully) met; the form must say why.

    Fails: 社工人员到岗数 =30人, actual 27人, 分值 20, 得分 18, 偏差原因分析 empty.
    Passes: the same row with the note "3人年中离职，已启动补招".
    """
    lost = ctx.rows.lost
    if not lost:
        return
    return _no_note_lost_points_rest(ctx, s, lost)


def _no_note_lost_points_rest(ctx, s, lost):
    """The hits of :func:`no_note_lost_points` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in lost:
        ind = ctx.indicators[i]
        if ctx.lost_points(i) and not ctx.has_note(i):
            yield Hit(f"indicators[{i}].deviation",
                      f"“{ind.name}”得分{ind.score!s}低于分值{ind.weight!s}，但没有偏差原因分析{_placeholder(ctx, i)}",
                      {"name": ind.name, "weight": ind.weight, "score": ind.score, "deviation": ind.deviation})


@check("JX303", "no-note-large-deviation", title="完成值大幅超过目标但没有说明", severity="warning",
       category="deviation", basis="domain.md §3：偏离目标超过阈值须说明",
       hint="说明完成值大幅超过目标的原因；目标定得过低时，下年度应调整目标值。")
def no_note_large_deviation(ctx: FormContext, s):
    """A quantitative actual at or beyond the over-achievement threshold
    (rulebook ``thresholds.over_achievement``, 130% of the target) with no note.

    Why: a large over-achievement usually means the target was set too low or
    the indicator measures something else; the form must say which.

    Fails: 居家养老服务人数 ≥1200人, actual 1800人 (150%), no note.
    Passes: actual 1500人 (125%); or 1800人 with a note.

    Limits: positive indicators only (for a reverse indicator "far below the
    ceiling" is simply good). A shortfall is not reported here: with full
    points it is JX201's, with lost points and no note JX302's.
    """
    over = ctx.rb.over_achievement
    details = ctx.score.indicators
    # At a threshold above 100% only rows whose actual exceeds the target can reach it.
    rows = ctx.rows.exceeded if over > 1 else range(len(details))
    if not rows:
        return
    return _no_note_large_deviation_rest(ctx, s, over, details, rows)


def _no_note_large_deviation_rest(ctx, s, over, details, rows):
    """The hits of :func:`no_note_large_deviation` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in rows:
        d = details[i]
        if d.rule != "positive" or ctx.has_note(i):
            continue
        ratio = d.ratio
        if ratio is None or ratio < over:
            continue
        ind = ctx.indicators[i]
        yield Hit(f"indicators[{i}].deviation",
                  f"“{ind.name}”完成值{ind.actual}为目标{ind.target}的{(ratio * 100).quantize(Decimal(1))!s}%，"
                  f"超过{(over * 100).quantize(Decimal(1))!s}%，但没有说明原因",
                  {"name": ind.name, "target": ind.target, "actual": ind.actual, "ratio": ratio})


@check("JX304", "note-without-cause-or-measure", title="偏差说明没有写原因或改进措施", severity="info",
       category="deviation", basis="财预〔2020〕10号 自评表栏目“偏差原因分析及改进措施”",
       hint="偏差说明应包含两部分：为什么没有完成（原因），下一步怎么做（措施）。")
def note_without_cause_or_measure(ctx: FormContext, s):
    """A deviation note of at least ``min_chars`` characters that names neither a cause nor a measure.

    Why: the column is "reasons and corrective measures"; a note that only
    restates the figures explains nothing.

    Fails: "完成率为95%。" Passes: "因供应商延迟交货，下一步将加强合同管理。"

    Settings: ``min_chars``, ``cause_words``, ``measure_words`` (keyword tables).
    Limits: keyword matching; a note phrased without any listed word is reported.
    """
    noted = ctx.noted
    if not noted:
        return
    return _note_without_cause_or_measure_rest(ctx, s, noted)


def _note_without_cause_or_measure_rest(ctx, s, noted):
    """The hits of :func:`note_without_cause_or_measure` past its early returns (a generator: built
    only for the forms that get that far)."""
    causes, measures = _cause_measure(s)
    for i in noted:
        ind = ctx.indicators[i]
        note = ind.deviation.strip()
        if not ctx.has_note(i) or len(note) < s.min_chars:
            continue
        if not _mentions(note, causes) and not _mentions(note, measures):
            yield Hit(f"indicators[{i}].deviation", f"“{ind.name}”的偏差说明“{note[:30]}”没有写明原因或改进措施",
                      {"name": ind.name, "deviation": note})


@check("JX305", "note-contradicts-row", title="偏差说明写了未完成，指标却报满分", severity="warning",
       category="deviation", basis="复核实务：说明与完成值、得分须一致",
       hint="核对该指标的完成值和得分：若确有未完成部分，应如实填报完成值并扣分。")
def note_contradicts_row(ctx: FormContext, s):
    """A row with full points whose note says something was not done (未支付, 未完成, 扣除 …).

    Why: the note is the only place a unit admits a shortfall; when the
    figures next to it still say 100% and full points, one of them is wrong.

    Fails: 尾款支付率 =100% actual 100%, 8/8 points, note "…其他项目尾款未支付…".
    Passes: the same note on a row scored 6/8; or a note "尾款已全部支付".

    Settings: ``negative_words``.
    Limits: keyword matching; a negated negative ("不存在未支付") is reported too.
    """
    noted = ctx.noted
    if not noted:
        return
    return _note_contradicts_row_rest(ctx, s, noted)


def _note_contradicts_row_rest(ctx, s, noted):
    """The hits of :func:`note_contradicts_row` past its early returns (a generator: built
    only for the forms that get that far)."""
    for i in noted:
        ind = ctx.indicators[i]
        if not ctx.has_note(i) or not ctx.full_points(i):
            continue
        hits = [w for w in s.negative_words if w in ind.deviation]
        if hits:
            yield Hit(f"indicators[{i}].deviation",
                      f"“{ind.name}”的偏差说明提到“{hits[0]}”，但该指标完成值{ind.actual}、得满分{ind.score!s}",
                      {"name": ind.name, "words": hits, "actual": ind.actual, "score": ind.score})
