"""Where the per-form review spends its time, deterministically.

The machine this runs on is often shared, so wall-clock timings are noisy;
instruction counts under callgrind are not. This script reviews a fixed set
of forms (the first 320 of the benchmark batch, pickled once so reading is
not measured) and can leave out the review loop, so that

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        .venv/bin/python benchmarks/review_profile.py review [--select JX8]
    valgrind ... .venv/bin/python benchmarks/review_profile.py base

differ by the instructions of the review alone (divide by the forms);
``--reps 2`` minus ``--reps 1`` is the cost per form without one-time costs
(compiling a run's keyword tables), i.e. what a 10,000-form run pays.
Set PYTHONHASHSEED=0: set and dict order, hence the counts, then repeat.

``families`` prints both per family (runs valgrind itself, about ten
minutes; a family measured alone also pays for values it shares with
others, such as ``FormContext.rows``); ``attribute`` prints instructions
per form of score_form and of each check in the runner's order, from one
valgrind run (two minutes; a shared value is charged to the first check
that asks for it; a garbage collection lands in whichever check is
running, so small checks read ±15k); ``caches`` prints instructions per
form of a second pass over the forms as the benchmark runs it, and with the
caches that outlive a form (texts, names and values remembered across forms:
design's targets, names and keyword look-ups, the unit table's
classifications, JX513's verdicts) emptied before each form: the batch
repeats the 16 seed forms' texts, so those caches flatter it (three valgrind
runs, about three minutes); ``profile`` runs cProfile over the loop,
``checks`` times each check (wall clock, for attribution only).
Rulebook shanghai, JX9 (batch checks) ignored, as in ``run.py bench_review``.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

N_FORMS = 320
PICKLE = HERE / "data" / f"review-profile-{N_FORMS}.pickle"
FAMILIES = ["JX1", "JX2", "JX3", "JX4", "JX5", "JX6", "JX7", "JX8"]


def forms():
    if not PICKLE.exists():
        from run import make_batch  # the benchmark batch

        from jixiao.ingest import read_forms

        out = []
        for f in read_forms(make_batch(2000)):
            out.append(f)
            if len(out) == N_FORMS:
                break
        PICKLE.write_bytes(pickle.dumps(out))
    return pickle.loads(PICKLE.read_bytes())


def setup(select: list[str] | None):
    from jixiao.checks import ReviewConfig, Reviewer
    from jixiao.scoring import load_rulebook

    rb = load_rulebook("shanghai")
    cfg = ReviewConfig.build(rb, select=select or ["ALL"], ignore=["JX9"])
    return Reviewer(rb, cfg), forms()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["review", "base", "families", "attribute", "caches", "profile", "checks"])
    ap.add_argument("--select", nargs="*", help="check codes or prefixes (default: all)")
    ap.add_argument("--reps", type=int, default=1, help="review the forms this many times (the difference between 2 and 1 "
                    "is the cost per form without one-time costs such as compiling a rulebook's regexes)")
    a = ap.parse_args()
    if a.mode == "families":
        return families()
    if a.mode == "attribute":
        return attribute()
    if a.mode == "caches":
        return caches()
    if a.mode == "checks":
        return per_check(a.select, a.reps)
    r, fs = setup(a.select if a.select is not None else None)
    if a.mode == "review":
        for _ in range(a.reps):
            for f in fs:
                r.add(f)
    elif a.mode == "profile":
        import cProfile
        import pstats

        pr = cProfile.Profile()
        pr.enable()
        for f in fs:
            r.add(f)
        pr.disable()
        pstats.Stats(pr).sort_stats("tottime").print_stats(40)
    r.finish()


def per_check(select: list[str] | None, reps: int) -> None:
    """Wall-clock microseconds per form of each check, in the runner's order
    (so a shared value in ``ctx.memo`` is charged to the first check that
    needs it), the best of ``reps`` passes. Noisy on a loaded machine: for
    attribution, not decisions."""
    import time

    from jixiao.checks.base import Hit
    from jixiao.checks.context import FormContext
    from jixiao.scoring import score_form

    r, fs = setup(select)
    t = time.perf_counter
    calls = r._form_calls
    scored = [(f, score_form(f, r.rb)) for f in fs]
    best = {c[2][0]: float("inf") for c in calls}
    best["score_form"] = float("inf")
    for _ in range(max(reps, 3)):
        acc = dict.fromkeys(best, 0.0)
        for f, _sr in scored:
            t0 = t()
            sr = score_form(f, r.rb)
            acc["score_form"] += t() - t0
            ctx = FormContext(f, sr, r.rb, r.config, 0)
            for func, settings, info in calls:
                t0 = t()
                res = func(ctx, settings)
                if res is not None and not isinstance(res, (list, Hit)):
                    res = list(res)
                acc[info[0]] += t() - t0
        for k, v in acc.items():
            best[k] = min(best[k], v)
    total = sum(best.values())
    for k, v in sorted(best.items(), key=lambda kv: -kv[1]):
        print(f"{k:12} {v / len(fs) * 1e6:7.2f} us/form")
    print(f"{'total':12} {total / len(fs) * 1e6:7.2f} us/form")


def _segments(names_file: str) -> None:
    """Run under ``callgrind --dump-before=getppid``: each ``os.getppid()``
    ends a segment (one dump file), named in ``names_file``."""
    from jixiao.checks.base import Hit
    from jixiao.checks.context import FormContext, rows_of
    from jixiao.scoring import score_form

    r, fs = setup(None)
    for f in fs:  # one-time costs (a run's tables) out of the segments
        r.add(f)
    names = []

    def mark(name: str) -> None:
        os.getppid()
        names.append(name)

    mark("score_form+ctx")
    rows = [rows_of(f.indicators) for f in fs]  # as the runner does
    srs = [score_form(f, r.rb, rs) for f, rs in zip(fs, rows)]
    ctxs = [FormContext(f, sr, r.rb, r.config, 0, rs) for f, sr, rs in zip(fs, srs, rows)]
    for func, settings, info in r._form_calls:
        mark(info[0])
        for ctx in ctxs:  # as the runner consumes a check's result
            res = func(ctx, settings)
            if res is not None and not isinstance(res, Hit):
                for _hit in res:
                    pass
    mark("runner (all)")
    for f in fs:
        r.add(f)
    mark("end")
    Path(names_file).write_text("\n".join(names), encoding="utf-8")


def attribute() -> None:
    """Instructions per form of score_form and each check (see the module doc)."""
    import tempfile

    forms()
    with tempfile.TemporaryDirectory() as tmp:
        out, names = Path(tmp) / "cg.out", Path(tmp) / "names"
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(["valgrind", "--tool=callgrind", "--dump-before=getppid", f"--callgrind-out-file={out}",
                        sys.executable, __file__, "_segments", str(names)], capture_output=True, check=True, env=env)
        dumps = sorted(Path(tmp).glob("cg.out.*"), key=lambda p: int(p.suffix[1:]))
        totals = []
        for d in dumps:
            m = re.search(r"^(?:summary|totals): (\d+)", d.read_text(), re.M)
            totals.append(int(m.group(1)) if m else 0)
        labels = names.read_text(encoding="utf-8").split("\n")
    # dump k (1-based) ends the segment started by mark k-1; dump 1 is the warm-up
    per = {label: n / N_FORMS / 1e3 for label, n in zip(labels, totals[1:])}
    per.pop("end", None)
    for label, k in sorted(per.items(), key=lambda kv: -kv[1]):
        print(f"{label:14} {k:8.1f} k instructions/form")
    print(f"{'(sum)':14} {sum(v for k, v in per.items() if k != 'runner (all)'):8.1f}"
          " (score_form + checks, without the runner's own work)")


def _cross_form_caches() -> list:
    """The ``clear`` of every cache that outlives a form (found among the
    live objects after a pass, so the per-run tables built lazily are in)."""
    import gc

    from jixiao.checks import chinese, design

    out = [design._TARGETS.clear, design._NAMES.clear, design._FMT.clear, design.norm.cache_clear]
    for o in gc.get_objects():
        if isinstance(o, design.NameCache):
            out.append(o.clear)
        elif isinstance(o, chinese.UnitTable):
            out.append(o._classified.clear)
        elif isinstance(o, design._RunCache):
            out.append(o.key[2].clear)
    return out


def _cache_pass(mode: str) -> None:
    """The program ``caches()`` runs under valgrind: a first pass (one-time
    costs), then a measured pass between two ``os.getppid()`` calls."""
    r, fs = setup(None)
    for f in fs:
        r.add(f)
    clears = _cross_form_caches()
    os.getppid()
    if mode == "plain":
        for f in fs:
            r.add(f)
    elif mode == "cleared":
        for f in fs:
            for c in clears:
                c()
            r.add(f)
    else:  # "clearing": the clearing alone, subtracted
        for f in fs:
            for c in clears:
                c()
    os.getppid()


def caches() -> None:
    """Instructions per form with and without the caches that outlive a form."""
    import tempfile

    forms()
    n = {}
    for mode in ("plain", "cleared", "clearing"):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "cg.out"
            subprocess.run(["valgrind", "--tool=callgrind", "--dump-before=getppid", f"--callgrind-out-file={out}",
                            sys.executable, __file__, "_caches", mode], capture_output=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "0"})
            dumps = sorted(Path(tmp).glob("cg.out.*"), key=lambda p: int(p.suffix[1:]))
            m = re.search(r"^(?:summary|totals): (\d+)", dumps[1].read_text(), re.M)
            n[mode] = int(m.group(1)) / N_FORMS / 1e3 if m else 0.0
    cleared = n["cleared"] - n["clearing"]
    print(f"{'with the cross-form caches':34} {n['plain']:8.1f} k instructions/form")
    print(f"{'emptied before each form':34} {cleared:8.1f} k instructions/form")
    print(f"{'what the caches save':34} {cleared - n['plain']:8.1f} k instructions/form")


def _instructions(*args: str) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # set and dict order, hence the counts, fixed
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                        sys.executable, __file__, *args], capture_output=True, text=True, check=True, env=env)
    return int(re.search(r"Collected : (\d+)", p.stderr).group(1))


def families() -> None:
    """Instructions per form, first pass over the forms (with one-time costs
    such as building a check's tables, as in the brief of issue #3) and
    marginal (second pass minus first): all checks with scoring and the
    runner; the runner with no check (JX9 selected and ignored); each family
    alone above that."""
    from concurrent.futures import ThreadPoolExecutor

    forms()  # pickle outside the measured runs
    runs = {"base": ("base",), "all": ("review",), "all2": ("review", "--reps", "2"),
            "none": ("review", "--select", "JX9"), "none2": ("review", "--select", "JX9", "--reps", "2")}
    for fam in FAMILIES:
        runs[fam] = ("review", "--select", fam)
        runs[fam + "2"] = ("review", "--select", fam, "--reps", "2")
    with ThreadPoolExecutor(2) as ex:  # instruction counts do not depend on the load
        n = dict(zip(runs, ex.map(lambda a: _instructions(*a), runs.values())))
    k = N_FORMS * 1e3
    first = {x: (n[x] - n["base"]) / k for x in ["all", "none", *FAMILIES]}
    marg = {x: (n[x + "2"] - n[x]) / k for x in ["all", "none", *FAMILIES]}
    print(f"{'k instructions/form':24} {'first pass':>10} {'marginal':>10}")
    print(f"{'all checks':24} {first['all']:10.1f} {marg['all']:10.1f}")
    print(f"{'score_form + runner':24} {first['none']:10.1f} {marg['none']:10.1f}")
    for fam in FAMILIES:
        print(f"{fam:24} {first[fam] - first['none']:10.1f} {marg[fam] - marg['none']:10.1f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["_segments"]:  # the program attribute() runs under valgrind
        sys.argv[1:2] = []
        _segments(sys.argv[1])
    elif sys.argv[1:2] == ["_caches"]:  # the program caches() runs under valgrind
        _cache_pass(sys.argv[2])
    else:
        main()
