"""The damage harness (``damage.py``): the 16 seed forms as web copies of three
layout families, in four shapes, with each kind of damage the corpus shows.

For every generated file: the reader never invents (every row it returns is the
golden row at that place, after the normalisation the readers document: spaces
inside a cell, full-width parentheses; a value left empty is not read, and the
form says so with JX007); head fields, the funds total row and 总分, when read,
are the golden ones; fewer rows than the golden means the form says so (a
warning, confidence *low*); a truncated copy is reported incomplete or low; a
text repair (page marker, full-width, traditional) names its line.
``test_recall_table`` prints the share of golden rows read whole per layout x
shape x damage (truncated: of the rows the copy still prints whole; mixed: of
all) (``pytest -s -k recall_table``) and pins it, so a change either way shows.
"""

from __future__ import annotations

import pytest

from jixiao.ingest import NoFormFoundError, ReadError, read_forms

from .damage import (
    DAMAGES, LAYOUTS, SHAPES, expected_head, expected_rows, head_of, invented, rows_before_cut, rows_of, web_copy,
    wrong_head,
)

CASES = [(lay, shape, dmg) for lay in LAYOUTS for shape in SHAPES for dmg in DAMAGES]
# Damage placed at random (pages, the cut) gets more copies per form than damage that
# is the same wherever it falls; the seeds are fixed, so every run reads the same files.
COPIES = {"docsite": 3, "truncated": 3, "mixed": 3}

# A one-cell-per-paragraph copy with every damage at once (a metadata line glued to the
# title, pages cut across the 项目名称 cell) is not recognised as a form: refused with
# NoFormFoundError, not misread. The readers do not claim this combination.
NOT_FOUND_ALLOWED = {("cells", "mixed")}

# (rows read whole, golden rows the copies print whole) per (layout, shape, damage)
RECALL: dict[tuple[str, str, str], tuple[int, int]] = {}


@pytest.fixture(scope="module")
def seed_forms(seed_path):
    return list(read_forms(seed_path))


@pytest.mark.parametrize("layout, shape, damage", CASES)
def test_never_invents(tmp_path, seed_forms, goldens, layout, shape, damage):
    read = reachable = 0
    for k, f in enumerate(seed_forms):
        assert len(f.indicators) == len(goldens[k]["indicators"])
        want = expected_rows(f, layout)
        for copy in range(COPIES.get(damage, 1)):
            seed = k + 16 * copy
            text = web_copy(f, layout, shape, damage, seed=seed)
            p = tmp_path / f"{layout}-{shape}-{damage}-{seed:02d}.txt"
            p.write_text(text, encoding="utf-8")
            where = f"form {k}, seed {seed}"
            try:
                forms = list(read_forms(p))
            except NoFormFoundError as e:
                if (shape, damage) in NOT_FOUND_ALLOWED:
                    reachable += rows_before_cut(f, layout, shape, text) if damage == "truncated" else len(want)
                    continue  # refused with the reason: honest, nothing read
                pytest.fail(f"{where}: {e}")
            except ReadError as e:  # pragma: no cover - a failure, with the reason
                pytest.fail(f"{where}: {e}")
            got = [r for g in forms for r in rows_of(g)]
            assert invented(got, want) == [], where
            assert wrong_head(head_of(forms[0]), expected_head(f, layout)) == {}, where
            whole = [r for r in got if r in want]
            read += len(whole)
            reachable += rows_before_cut(f, layout, shape, text) if damage == "truncated" else len(want)
            if len(whole) < len(got):  # a row read in part names what it lacks
                assert any(w.code == "JX007" for g in forms for w in g.warnings), where
            if len(whole) < len(want):  # rows left out are said to be left out
                assert any(g.confidence.level == "low" for g in forms), where
                assert any(w.code in ("JX004", "JX007", "JX022") for g in forms for w in g.warnings), where
            if damage in ("truncated", "mixed") and (damage == "mixed" or rows_before_cut(f, layout, shape, text)
                                                     < len(want) or shape != "cells"):
                # a copy cut short says so (a one-cell-per-paragraph copy cut in the notes
                # below its whole table has nothing to show it)
                last = forms[-1]
                assert not last.complete or last.confidence.level == "low", where
            for g in forms:
                for w in g.warnings:
                    if w.code in ("JX002", "JX010", "JX011", "JX012"):  # text repairs say where
                        assert w.line is not None, (where, w)
    RECALL[(layout, shape, damage)] = (read, reachable)


# Rows read whole per case (of 183 per copy; docsite/truncated/mixed: three copies
# per form). Glued text leaves a qualitative target followed by 达成指标 unread (no
# unique split, see runtogether.py); truncated copies lose the rows after the cut;
# doc-site pages in a one-cell-per-paragraph copy leave the rows they cut unread.
EXPECTED_RECALL = {
    ("central", "glued"): {"none": 90, "traditional": 90, "fullwidth": 90, "prefix": 90, "docsite": 270, "truncated": 129, "mixed": 94},
    ("central", "spaced"): {"none": 177, "traditional": 177, "fullwidth": 177, "prefix": 177, "docsite": 531, "truncated": 176, "mixed": 193},
    ("central", "pipe"): {"none": 183, "traditional": 183, "fullwidth": 183, "prefix": 183, "docsite": 549, "truncated": 236, "mixed": 236},
    ("central", "cells"): {"none": 183, "traditional": 183, "fullwidth": 183, "prefix": 183, "docsite": 488, "truncated": 214, "mixed": 163},
    ("anhui", "glued"): {"none": 90, "traditional": 90, "fullwidth": 90, "prefix": 90, "docsite": 270, "truncated": 121, "mixed": 96},
    ("anhui", "spaced"): {"none": 177, "traditional": 177, "fullwidth": 177, "prefix": 177, "docsite": 531, "truncated": 165, "mixed": 197},
    ("anhui", "pipe"): {"none": 183, "traditional": 183, "fullwidth": 183, "prefix": 183, "docsite": 549, "truncated": 225, "mixed": 243},
    ("anhui", "cells"): {"none": 183, "traditional": 183, "fullwidth": 183, "prefix": 183, "docsite": 463, "truncated": 203, "mixed": 175},
    ("hubei", "glued"): {"none": 99, "traditional": 99, "fullwidth": 99, "prefix": 99, "docsite": 297, "truncated": 153, "mixed": 139},
    ("hubei", "spaced"): {"none": 183, "traditional": 183, "fullwidth": 183, "prefix": 183, "docsite": 549, "truncated": 228, "mixed": 237},
    ("hubei", "pipe"): {"none": 183, "traditional": 183, "fullwidth": 183, "prefix": 183, "docsite": 549, "truncated": 238, "mixed": 246},
    ("hubei", "cells"): {"none": 183, "traditional": 183, "fullwidth": 183, "prefix": 183, "docsite": 479, "truncated": 205, "mixed": 178},
}


def test_recall_table(capsys):
    """The share of golden rows read whole (truncated: of the rows the copy still
    prints whole), per layout x shape x damage; pinned, so a change shows."""
    if len(RECALL) < len(CASES):
        pytest.skip("needs the test_never_invents cases in the same run")
    with capsys.disabled():
        print("\n| layout | shape | " + " | ".join(DAMAGES) + " |")
        print("|---|---|" + "---|" * len(DAMAGES))
        for lay in LAYOUTS:
            for shape in SHAPES:
                cells = [f"{100 * RECALL[(lay, shape, d)][0] / max(1, RECALL[(lay, shape, d)][1]):.0f}%"
                         for d in DAMAGES]
                print(f"| {lay} | {shape} | " + " | ".join(cells) + " |")
    got = {(lay, shape): {d: RECALL[(lay, shape, d)][0] for d in DAMAGES} for lay in LAYOUTS for shape in SHAPES}
    assert got == EXPECTED_RECALL
