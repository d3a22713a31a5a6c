"""The review output is byte-identical to the goldens recorded before the
review engine was made faster (issue #3): speed work must not change a
finding, a location, a message, an evidence value or the order of anything.
See ``review_golden.py`` for what is compared and how to record again."""

from __future__ import annotations

import difflib

import pytest

from .review_golden import CASES, read_golden, review_json


@pytest.mark.parametrize("case", list(CASES))
def test_review_output_unchanged(case, tmp_path):
    got, want = review_json(case, tmp_path), read_golden(case)
    if got != want:
        diff = difflib.unified_diff(want.splitlines(), got.splitlines(), "golden", "now", n=2, lineterm="")
        pytest.fail(f"review of {case} differs from its golden:\n" + "\n".join(list(diff)[:60]))
