"""Benchmarks for reading and scoring: `make bench` or `python benchmarks/run.py`.

Figures (issue 2):
  * text forms read per second on a batch of >= 10,000 forms made by repeating
    and varying the 16 seed forms, and the reader's time as a ratio to just
    reading the same bytes and splitting them into lines, in the same run;
  * forms scored per second (shanghai rulebook);
  * peak memory (max RSS) while streaming batches of growing size, each in a
    fresh process, to show it stays flat.

Issue 3: review throughput (per-form checks) on 10,000 forms, the median of
seven fresh processes (every run listed); batch checks at
10,000 and 100,000 forms. Issue 4: PDF pages per second on a ~200-page PDF of
forms, against ``pdftotext -layout`` (Debian poppler-utils; skipped when
missing) and pdfplumber's ``extract_tables``; Excel forms per second on a
1,000-sheet workbook against openpyxl loading it. ``--only pdf|xlsx|office``
runs just those and keeps the other figures of latest.json.

Everything runs in one process on one core (Python is single-threaded here), except the
PDF reader's default run, which reads pages in worker processes (one per CPU).
Results go to benchmarks/results/latest.json and are printed as a table.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE.parent / "src"))

from jixiao.cli import sample_path  # noqa: E402
from jixiao.ingest import read_forms  # noqa: E402


def seed_blocks() -> list[str]:
    text = sample_path().read_text(encoding="utf-8")
    return [b for b in re.split(r"(?m)^(?=财政项目支出绩效自评表$)", text) if "项目名称" in b]


def make_batch(n_forms: int, seed: int = 7, tag: str = "") -> Path:
    """A text file of ``n_forms`` forms: seed forms repeated with varied names
    and amounts (so no two forms are byte-identical). ``tag`` makes another
    file with other project names."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"batch-{n_forms}{'-' + tag if tag else ''}.txt"
    if path.exists():
        return path
    rng = random.Random(seed + len(tag))
    blocks = seed_blocks()
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n_forms):
            b = blocks[i % len(blocks)]
            b = b.replace("项目名称 ", f"项目名称 {tag}第{i}号", 1)
            # Vary the executed amount of the total row and its first sub-row alike.
            m = re.search(r"年度资金总额： (\S+) (\S+) (\S+)", b)
            if m:
                new = f"{float(m.group(3).replace(',', '')) * rng.uniform(0.5, 1.0):.2f}"
                b = b.replace(m.group(0), f"年度资金总额： {m.group(1)} {m.group(2)} {new}", 1)
            f.write(b)
    return path


def bench_read(path: Path, repeat: int = 3) -> dict:
    best_read = best_base = float("inf")
    n = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        with open(path, "rb") as fh:
            lines = fh.read().decode("utf-8").splitlines()
        base = time.perf_counter() - t0
        del lines
        t0 = time.perf_counter()
        n = 0
        for _form in read_forms(path):
            n += 1
        t = time.perf_counter() - t0
        best_read, best_base = min(best_read, t), min(best_base, base)
    return {"forms": n, "seconds": round(best_read, 3), "forms_per_s": round(n / best_read),
            "baseline_split_lines_seconds": round(best_base, 4),
            "ratio_to_split_lines": round(best_read / best_base, 1)}


def bench_score(n: int = 4000, repeat: int = 3) -> dict:
    from jixiao.scoring import load_rulebook, score_form

    path = make_batch(n)
    forms = list(read_forms(path))
    rb = load_rulebook("shanghai")
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for f in forms:
            score_form(f, rb)
        best = min(best, time.perf_counter() - t0)
    return {"forms": len(forms), "seconds": round(best, 3), "forms_per_s": round(len(forms) / best)}


def bench_review(n: int = 10_000) -> dict:
    """Per-form checks (batch checks off) on ``n`` forms read beforehand: only
    the review is timed (scoring + every per-form check + the form record)."""
    from jixiao.checks import ReviewConfig, Reviewer

    rb = load_rulebook_("shanghai")
    cfg = ReviewConfig.build(rb, ignore=["JX9"])
    forms = list(read_forms(make_batch(min(n, 2000))))
    reps = -(-n // len(forms))
    r = Reviewer(rb, cfg)
    t0 = time.perf_counter()
    done = 0
    for _ in range(reps):
        for f in forms:
            r.add(f)
            done += 1
            if done >= n:
                break
    r.finish()
    t = time.perf_counter() - t0
    return {"forms": done, "checks": len(cfg.enabled), "seconds": round(t, 3), "forms_per_s": round(done / t)}


def bench_review_runs(n: int = 10_000, runs: int = 5) -> dict:
    """``bench_review(n)`` in ``runs`` fresh processes, one after another:
    the median, with every run listed. One run in this process swings with
    the heap the earlier benchmarks leave, and on a shared machine with the
    neighbours (±10% between runs of the same code); the median of fresh
    processes is the figure to quote, the list shows the spread."""
    code = f"import json, run; print(json.dumps(run.bench_review({int(n)})))"
    done = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=HERE, capture_output=True, text=True, check=True)
        done.append(json.loads(out.stdout.strip().splitlines()[-1]))
    rates = sorted(d["forms_per_s"] for d in done)
    return {"forms": done[0]["forms"], "checks": done[0]["checks"], "runs": runs,
            "forms_per_s": rates[len(rates) // 2], "forms_per_s_runs": [d["forms_per_s"] for d in done],
            "min": rates[0], "max": rates[-1]}


def bench_batch_checks(sizes: list[int]) -> list[dict]:
    """Batch checks only (JX9xx), streaming: the time spent in the reviewer
    (scoring, collecting, finishing), not in reading, for growing batches."""
    from jixiao.checks import ReviewConfig, Reviewer

    rb = load_rulebook_("shanghai")
    cfg = ReviewConfig.build(rb, select=["JX9"])
    rows = []
    for n in sizes:
        r = Reviewer(rb, cfg)
        spent = 0.0
        # Files of at most 10,000 forms (the reader refuses files over 200 MB).
        parts = [make_batch(min(n, 10_000), tag=f"p{k}" if n > 10_000 else "") for k in range(-(-n // 10_000))]
        for path in parts:
            for f in read_forms(path):
                t0 = time.perf_counter()
                r.add(f)
                spent += time.perf_counter() - t0
        t0 = time.perf_counter()
        review = r.finish()
        fin = time.perf_counter() - t0
        rows.append({"forms": n, "collect_seconds": round(spent, 2), "finish_seconds": round(fin, 3),
                     "us_per_form": round((spent + fin) / n * 1e6, 1), "batch_findings": len(review.findings)})
    return rows


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_pdf(pages_wanted: int = 200, repeat: int = 3) -> dict | None:
    """PDF reading: pages per second on a ~200-page PDF of seed forms (made
    with reportlab, as the tests make theirs, CJK font not embedded), as a
    ratio to ``pdftotext -layout`` on the same file in the same run: the
    reader as it runs by default (pages read by worker processes, one per CPU:
    ``jixiao.ingest.pdfpool``) and in one process (``JIXIAO_PDF_WORKERS=1``).
    The three are timed in turn, ``repeat`` rounds, best of each (the machine
    may be shared). Skipped (None) when reportlab or pdftotext (Debian
    poppler-utils) is missing. pdfplumber's ``extract_tables`` (the previous
    reader's engine) is timed once."""
    import os
    import shutil
    import subprocess

    try:
        sys.path.insert(0, str(HERE.parent / "tests"))
        from ingest.render_pdf import to_pdf  # the tests' fixture writer
    except ImportError:
        return None
    if shutil.which("pdftotext") is None:
        return None
    from jixiao.cli import sample_path as _sample
    from jixiao.ingest import pdfpool
    from jixiao.ingest.pdfium import Document

    path = DATA / f"forms-{pages_wanted}p.pdf"
    DATA.mkdir(exist_ok=True)
    forms = list(read_forms(_sample()))
    if not path.exists():
        to_pdf(forms * max(1, pages_wanted // 10), path)  # the 16 seed forms take about 10 A4 pages
    with Document(path) as doc:
        pages = doc.n_pages
    n = sum(1 for _ in read_forms(path))  # warm up (imports, font setup)
    env = os.environ.get(pdfpool.ENV_WORKERS)

    def single() -> None:
        os.environ[pdfpool.ENV_WORKERS] = "1"
        try:
            sum(1 for _ in read_forms(path))
        finally:
            if env is None:
                os.environ.pop(pdfpool.ENV_WORKERS, None)
            else:
                os.environ[pdfpool.ENV_WORKERS] = env

    def default() -> None:
        sum(1 for _ in read_forms(path))

    def pdftotext() -> None:
        subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True)

    best = {"single": float("inf"), "default": float("inf"), "pdftotext": float("inf")}
    for _ in range(repeat):
        for name, fn in (("single", single), ("default", default), ("pdftotext", pdftotext)):
            best[name] = min(best[name], _best(fn, 1))
    ours, one, base = best["default"], best["single"], best["pdftotext"]
    out = {"pages": pages, "forms": n, "workers": pdfpool.worker_count(pages),
           "seconds": round(ours, 2), "pages_per_s": round(pages / ours, 1),
           "single_process_seconds": round(one, 2), "single_process_pages_per_s": round(pages / one, 1),
           "pdftotext_layout_seconds": round(base, 3), "ratio_to_pdftotext": round(ours / base, 1),
           "single_process_ratio_to_pdftotext": round(one / base, 1)}
    try:
        import pdfplumber
    except ImportError:
        return out

    def plumber() -> None:  # what a user would otherwise write
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.close()

    t = _best(plumber, 1)
    out.update({"pdfplumber_extract_tables_seconds": round(t, 2),
                "ratio_to_pdfplumber_extract_tables": round(ours / t, 2)})
    return out


def bench_xlsx(n_sheets: int = 1000, repeat: int = 2) -> dict | None:
    """Excel reading: forms per second on a workbook of ``n_sheets`` sheets, one
    seed form per sheet (the tests' writer lays out the official table with
    its merged cells), against openpyxl alone loading the same workbook
    (``load_workbook`` in its default mode, and read-only + iterating every row)."""
    try:
        sys.path.insert(0, str(HERE.parent / "tests"))
        from ingest.render_office import to_xlsx
    except ImportError:
        return None
    import openpyxl

    from jixiao.cli import sample_path as _sample

    path = DATA / f"forms-{n_sheets}-sheets.xlsx"
    DATA.mkdir(exist_ok=True)
    if not path.exists():
        forms = list(read_forms(_sample()))
        to_xlsx([forms[i % len(forms)] for i in range(n_sheets)], path)
    n = 0

    def ours() -> None:
        nonlocal n
        n = sum(1 for _ in read_forms(path))

    t = _best(ours, repeat)
    full = _best(lambda: openpyxl.load_workbook(path, data_only=True).close(), 1)

    def streaming() -> None:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
        for ws in wb.worksheets:
            for _ in ws.iter_rows(values_only=True):
                pass
        wb.close()

    ro = _best(streaming, 1)
    return {"sheets": n_sheets, "forms": n, "seconds": round(t, 2), "forms_per_s": round(n / t),
            "openpyxl_load_seconds": round(full, 2), "ratio_to_openpyxl_load": round(t / full, 2),
            "openpyxl_read_only_iterate_seconds": round(ro, 2), "ratio_to_openpyxl_read_only": round(t / ro, 2)}


def load_rulebook_(name: str):
    from jixiao.scoring import load_rulebook

    return load_rulebook(name)


def _peak_rss_child(path: Path) -> int:
    # VmHWM (peak resident set) from /proc: unlike ru_maxrss it is not
    # inherited from the forking parent, which holds the scoring batch.
    code = (
        "import re,sys; sys.path.insert(0, %r)\n"
        "from jixiao.ingest import read_forms\n"
        "n = sum(1 for _ in read_forms(%r))\n"
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
        "print(n, hwm)\n"
    ) % (str(HERE.parent / "src"), str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return int(out[1])


def bench_memory(sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        path = make_batch(n)
        kb = _peak_rss_child(path)
        rows.append({"forms": n, "file_mb": round(path.stat().st_size / 1e6, 1), "peak_rss_mb": round(kb / 1024, 1)})
    return rows


def print_office(res: dict) -> None:
    p = res.get("pdf")
    if p:
        line = (f"pdf  : {p['pages']} pages, {p['forms']} forms in {p['seconds']} s = {p['pages_per_s']} pages/s "
                f"with {p.get('workers', 1)} worker processes, {p['ratio_to_pdftotext']}x the time of pdftotext -layout "
                f"({p['pdftotext_layout_seconds']} s)")
        if "single_process_seconds" in p:
            line += (f"; in one process {p['single_process_seconds']} s = {p['single_process_pages_per_s']} pages/s, "
                     f"{p['single_process_ratio_to_pdftotext']}x")
        if "ratio_to_pdfplumber_extract_tables" in p:
            line += (f"; pdfplumber extract_tables {p['pdfplumber_extract_tables_seconds']} s "
                     f"(ours {p['ratio_to_pdfplumber_extract_tables']}x that)")
        print(line)
    else:
        print("pdf  : skipped (needs reportlab and pdftotext from poppler-utils)")
    x = res.get("xlsx")
    if x:
        print(f"xlsx : {x['sheets']} sheets, {x['forms']} forms in {x['seconds']} s = {x['forms_per_s']} forms/s; "
              f"{x['ratio_to_openpyxl_load']}x openpyxl load_workbook alone ({x['openpyxl_load_seconds']} s), "
              f"{x['ratio_to_openpyxl_read_only']}x openpyxl read-only + iterating ({x['openpyxl_read_only_iterate_seconds']} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forms", type=int, default=10_000, help="batch size for the read benchmark")
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    ap.add_argument("--only", choices=["pdf", "xlsx", "office"], help="run only the PDF or Excel benchmark "
                    "(office: both); the other figures in latest.json are kept")
    args = ap.parse_args()
    if args.only:
        latest = RESULTS / "latest.json"
        res = json.loads(latest.read_text(encoding="utf-8")) if latest.exists() else {}
        if args.only in ("pdf", "office"):
            res["pdf"] = bench_pdf(20 if args.quick else 200)
        if args.only in ("xlsx", "office"):
            res["xlsx"] = bench_xlsx(100 if args.quick else 1000)
        res["when"] = time.strftime("%Y-%m-%d %H:%M:%S")
        RESULTS.mkdir(exist_ok=True)
        latest.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print_office(res)
        return
    n = 1000 if args.quick else args.forms
    sizes = [250, 500, 1000] if args.quick else [2_500, 5_000, 10_000, 20_000]

    res = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "read": bench_read(make_batch(n)),
        "score": bench_score(min(n, 4000)),
        "memory": bench_memory(sizes),
        "review": bench_review_runs(n, 3 if args.quick else 7),
        "batch_checks": bench_batch_checks([1000, 10_000] if args.quick else [10_000, 100_000]),
        "pdf": bench_pdf(20 if args.quick else 200),
        "xlsx": bench_xlsx(100 if args.quick else 1000),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    r, s = res["read"], res["score"]
    print(f"read : {r['forms']} forms in {r['seconds']} s = {r['forms_per_s']} forms/s; "
          f"{r['ratio_to_split_lines']}x the time of reading+splitting the same bytes ({r['baseline_split_lines_seconds']} s)")
    print(f"score: {s['forms']} forms in {s['seconds']} s = {s['forms_per_s']} forms/s (shanghai)")
    v = res["review"]
    print(f"review: {v['forms']} forms, {v['checks']} per-form checks: median {v['forms_per_s']} forms/s "
          f"of {v['runs']} fresh processes (runs: {', '.join(map(str, v['forms_per_s_runs']))})")
    for b in res["batch_checks"]:
        print(f"batch checks: {b['forms']:>7} forms  {b['us_per_form']} µs/form "
              f"(collect {b['collect_seconds']} s, finish {b['finish_seconds']} s)")
    print_office(res)
    print("memory (streaming, fresh process each):")
    for m in res["memory"]:
        print(f"  {m['forms']:>6} forms  {m['file_mb']:>6} MB file  peak RSS {m['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
