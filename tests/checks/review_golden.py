"""The full review output of fixed inputs, for the byte-identity test
(``test_review_golden.py``) and to record the goldens.

The goldens were recorded before the review engine was made faster (issue
#3, throughput) and guard that speed work never changes a finding: the whole
``Review.to_json_dict()`` (summary, form records, findings with locations and
evidence, check errors), the indicator rows, and the findings each
``Reviewer.add`` returned, in order.

Record again (only when a finding is *meant* to change, and say so in the commit)::

    .venv/bin/python tests/checks/review_golden.py --write
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from pathlib import Path

from jixiao.checks import ReviewConfig, Reviewer
from jixiao.cli import sample_path
from jixiao.ingest import read_forms
from jixiao.scoring import load_rulebook

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "review"

# name -> (input, rulebook, checks selected)
CASES = {
    "sample-shanghai": ("sample", "shanghai", None),
    "sample-national": ("sample", "national", None),
    "sample-hubei": ("sample", "hubei", None),
    "batch500-shanghai": ("batch500", "shanghai", None),
}


def make_batch(path: Path, n_forms: int = 500, seed: int = 7) -> Path:
    """The benchmark batch (``benchmarks/run.py`` ``make_batch``, copied here so
    the golden does not move when the benchmark script does): seed forms with
    varied names and executed amounts."""
    text = sample_path().read_text(encoding="utf-8")
    blocks = [b for b in re.split(r"(?m)^(?=财政项目支出绩效自评表$)", text) if "项目名称" in b]
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n_forms):
            b = blocks[i % len(blocks)]
            b = b.replace("项目名称 ", f"项目名称 第{i}号", 1)
            m = re.search(r"年度资金总额： (\S+) (\S+) (\S+)", b)
            if m:
                new = f"{float(m.group(3).replace(',', '')) * rng.uniform(0.5, 1.0):.2f}"
                b = b.replace(m.group(0), f"年度资金总额： {m.group(1)} {m.group(2)} {new}", 1)
            f.write(b)
    return path


def review_json(case: str, workdir: Path) -> str:
    """The review of ``case`` as JSON text, one value a line (file paths
    replaced by a placeholder, so the golden does not depend on the checkout)."""
    source, rulebook, ignore = CASES[case]
    path = sample_path() if source == "sample" else make_batch(workdir / "batch-500.txt")
    rb = load_rulebook(rulebook)
    cfg = ReviewConfig.build(rb, ignore=ignore or [])
    r = Reviewer(rb, cfg, keep_indicator_rows=True)
    # What add() returned, in order (the findings themselves are in "findings").
    added = [[[f.code, f.field] for f in r.add(form)] for form in read_forms(path)]
    review = r.finish()
    out = review.to_json_dict()
    out["indicator_rows"] = review.indicator_rows
    out["added"] = added
    text = json.dumps(out, ensure_ascii=False, indent=0, default=str)
    return text.replace(json.dumps(str(path), ensure_ascii=False)[1:-1], "<FILE>")


def golden_path(case: str) -> Path:
    return GOLDEN / f"{case}.json.gz"


def read_golden(case: str) -> str:
    return gzip.decompress(golden_path(case).read_bytes()).decode("utf-8")


if __name__ == "__main__":
    import tempfile

    if "--write" not in sys.argv:
        sys.exit(__doc__)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        for case in CASES:
            text = review_json(case, Path(d))
            # mtime=0: the same review gives the same bytes.
            golden_path(case).write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
            print(case, len(text), "chars,", golden_path(case).stat().st_size, "bytes gzipped")
