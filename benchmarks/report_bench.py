"""Benchmark of the review report (issue 5): `python benchmarks/report_bench.py`.

Figures:
  * the full report (HTML + XLSX) for the 16 seed forms and for 1,000 forms made
    by varying the seed forms in memory (other project names, amounts scaled,
    spending varied), on one core; the issue's target is 1,000 forms in under
    a minute. Reading and reviewing are not timed (they have their own figures).
  * the PDF: seconds to print the 16-form report with headless Chromium, and
    the cost per page (skipped when Chromium is missing); ``--pdf-forms N`` also
    prints a report of N varied forms (printed in parts of 100 forms).

Prints a table and writes benchmarks/results/report.json (``--json PATH`` to
choose). `make bench` runs it after benchmarks/run.py.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from jixiao.checks import ReviewConfig, Reviewer  # noqa: E402
from jixiao.cli import sample_path  # noqa: E402
from jixiao.ingest import read_forms  # noqa: E402
from jixiao.model import Form  # noqa: E402
from jixiao.report.build import STAGES, build_report  # noqa: E402
from jixiao.scoring import load_rulebook  # noqa: E402

CENT = Decimal("0.01")
STAGE_KEYS = {v: k for k, v in STAGES.items()}


def _scaled(v: Decimal | None, k: Decimal) -> Decimal | None:
    return None if v is None else (v * k).quantize(CENT)


def vary(forms: list[Form], n: int, seed: int = 5) -> list[Form]:
    """``n`` forms from the seed: project names numbered, amounts scaled by a random
    factor, and the amount spent varied (so rates, scores and findings differ)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        f = forms[i % len(forms)]
        k = Decimal(str(round(rng.uniform(0.3, 3.0), 3)))
        spent = Decimal(str(round(rng.uniform(0.55, 1.0), 3))) if i % 3 == 0 else Decimal(1)
        funds = f.funds.model_copy(update={
            "initial_budget": _scaled(f.funds.initial_budget, k),
            "adjusted_budget": _scaled(f.funds.adjusted_budget, k),
            "executed": _scaled(f.funds.executed, k * spent),
        })
        out.append(f.model_copy(update={"project_name": f"{f.project_name}（第{i + 1}号）", "funds": funds}))
    return out


def review(forms: list[Form]):
    rb = load_rulebook("shanghai")
    r = Reviewer(rb, ReviewConfig.build(rb), keep_indicator_rows=True)
    for f in forms:
        r.add(f)
    return r.finish(), rb


def time_report(forms: list[Form], formats: tuple[str, ...], repeat: int = 1) -> dict:
    rv, rb = review(forms)
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            marks: dict[str, float] = {}
            t0 = time.perf_counter()

            def progress(_done: int, _total: int, what: str) -> None:
                marks[STAGE_KEYS[what]] = time.perf_counter()

            paths = build_report(forms, rv, Path(tmp), formats=formats, progress=progress, rulebook=rb)
            total = time.perf_counter() - t0
            stages = list(marks)  # each mark is the start of a stage; "done" ends the last
            times = {"total": total}
            for a, b in zip(stages, stages[1:]):
                times[a] = marks[b] - marks[a]
            for k, v in times.items():
                best[k] = min(best.get(k, float("inf")), v)
        sizes = {fmt: p.stat().st_size for fmt, p in paths.items()}
        pages = None
        if "pdf" in paths:
            import pdfplumber

            with pdfplumber.open(paths["pdf"]) as pdf:
                pages = len(pdf.pages)
    res = {"forms": len(forms), "findings": len(rv.findings), "formats": list(formats),
           "seconds": {k: round(v, 3) for k, v in best.items()}, "bytes": sizes}
    if pages:
        res["pdf_pages"] = pages
        res["pdf_seconds_per_page"] = round(best["pdf"] / pages, 4)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forms", type=int, default=1000)
    ap.add_argument("--no-pdf", action="store_true")
    ap.add_argument("--pdf-forms", type=int, default=0,
                    help="also time the PDF of this many varied forms (printed in parts; ~5 pages per form)")
    ap.add_argument("--json", type=Path, default=HERE / "results" / "report.json")
    args = ap.parse_args()
    seed = list(read_forms(sample_path()))
    results = {"python": platform.python_version(), "machine": platform.machine(), "runs": []}
    results["runs"].append(time_report(seed, ("html", "xlsx"), repeat=3))
    results["runs"].append(time_report(vary(seed, args.forms), ("html", "xlsx")))
    if not args.no_pdf:
        from jixiao.render.browser import ChromiumMissingError, find_chromium

        try:
            find_chromium()
            results["runs"].append(time_report(seed, ("pdf",), repeat=2))
            if args.pdf_forms:
                results["runs"].append(time_report(vary(seed, args.pdf_forms), ("pdf",)))
        except ChromiumMissingError as exc:
            results["pdf_skipped"] = str(exc)
    print(f"{'forms':>6} {'formats':<10} {'total s':>8} {'data s':>7} {'html s':>7} {'xlsx s':>7} {'pdf s':>7} "
          f"{'pages':>6} {'s/page':>7} {'HTML MB':>8}")
    for r in results["runs"]:
        s = r["seconds"]
        print(f"{r['forms']:>6} {'+'.join(r['formats']):<10} {s['total']:>8.2f} {s.get('collect', 0):>7.2f} {s.get('html', 0):>7.2f} "
              f"{s.get('xlsx', 0):>7.2f} {s.get('pdf', 0):>7.2f} {r.get('pdf_pages', ''):>6} "
              f"{r.get('pdf_seconds_per_page', ''):>7} {r['bytes'].get('html', 0) / 1e6:>8.2f}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
