"""Layout noise a text export picks up must not change what is read.

Each seed form is perturbed the way other exports of the same layout differ
(blank lines, trailing spaces, page breaks with page numbers between rows,
label fragments printed whole) and must still read exactly as its golden.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.ingest import read_forms

KEYS = ("project_name", "department", "implementing_unit", "year", "funds_unit", "funds", "goal", "total", "grade")
IND_KEYS = ("level1", "level2", "name", "target", "actual", "weight", "score", "deviation")

ROW_RE = re.compile(r"\S+ \S+ \d+\.\d\d \d+\.\d\d$")


def _same(form: dict, golden: dict) -> None:
    for k in KEYS:
        if k == "funds":
            got = {x: form["funds"][x] for x in golden["funds"] if x != "rows"}
            assert got == {x: golden["funds"][x] for x in golden["funds"] if x != "rows"}
            assert [{x: r[x] for x in ("source", "initial_budget", "adjusted_budget", "executed")}
                    for r in form["funds"]["rows"]] == golden["funds"]["rows"]
        else:
            assert form[k] == golden[k], k
    assert [{k: i[k] for k in IND_KEYS} for i in form["indicators"]] == golden["indicators"]


def _read(tmp_path, text: str) -> dict:
    p = tmp_path / "f.txt"
    p.write_text(text, encoding="utf-8")
    [f] = list(read_forms(p))
    return f.to_json_dict()


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(i=st.integers(0, 15), blanks=st.sampled_from(["none", "double"]), trailing=st.booleans(),
       breaks=st.lists(st.integers(0, 200), max_size=3), whole_labels=st.booleans())
def test_perturbed_seed_forms_read_the_same(tmp_path, seed_blocks, goldens, i, blanks, trailing, breaks, whole_labels):
    text = seed_blocks[i]
    if whole_labels:  # labels printed whole instead of in fragments
        for frag, whole in (("可持\n\n续影\n\n响指\n\n标", "可持续影响指标"),
                            ("服务\n\n对象\n\n满意\n\n度指\n\n标", "服务对象满意度指标"),
                            ("满意\n\n度指\n\n标", "满意度指标")):
            text = text.replace(frag, whole)
    lines = text.split("\n")
    if blanks == "none":
        lines = [ln for ln in lines if ln.strip()]
    elif blanks == "double":
        lines = [x for ln in lines for x in ((ln, "") if not ln.strip() else (ln,))]
    if trailing:
        lines = [ln + "  " if ln.strip() else ln for ln in lines]
    rows = [k for k, ln in enumerate(lines) if ROW_RE.search(ln.rstrip()) and not ln.startswith(("总分", "年度资金"))]
    for n, b in enumerate(sorted({rows[b % len(rows)] for b in breaks}, reverse=True)):
        lines[b:b] = [f"- {n + 2} -", "\f"]  # page number, then the page break, before a row
    got = _read(tmp_path, "\n".join(lines))
    _same(got, goldens[i])
    assert got["warnings"] == []
