"""Benchmark of the web app (issue 6): `python benchmarks/web_bench.py`.

What it does, for each backend (SQLite in a temp folder; PostgreSQL in a throwaway cluster
started like the tests' one, ``tests/web/pgserver.py``, removed afterwards):

1. **Load** ``--forms`` forms (default 100,000) made from the 16 seed forms with variations:
   900 units in 36 departments, years 2018-2024 (the same project of a unit across years),
   project names with 一期/二期/三期 variants, amounts scaled per file (0.5x-10x) and, in one
   file of seven, spending cut by 15% (the printed rate then disagrees: error findings).
   Each file holds one unit-year (16 forms) and is **reviewed as ``Store.add_file`` reviews
   an upload** (``checks.Reviewer``, one batch per file); its rows come from the same row
   builder as ``add_file`` (``store.review_rows``) and are written by ``Store.bulk_load``:
   a few multi-row INSERTs per file instead of the ORM unit of work, and the file's bytes
   are a short placeholder (not a 16-form text), which is the only difference in the rows.
   Then ``ANALYZE`` (what a DBA runs after a bulk load; SQLite's planner needs it too).
2. **Latency** (p50/p95, sequential requests over HTTP on loopback to ``jixiao serve``,
   one uvicorn worker in its own process, logged in as the 财政 reviewer who sees every
   form): the form list with filters (year+department, has_errors sorted by rate, a code,
   grade+unit, a project-name search), the dashboard (all forms, one year, one department),
   a form page (random ids), and upload + read + review of a 16-form PDF (the seed forms
   printed by ``render_forms``; each upload made unique by a trailing PDF comment). The
   dashboard is read from summary tables (``store/summary.py``) and cached per scope and filters
   until the data version moves (``Store.dashboard``):
   the dashboard samples repeat filters (warm after the first), and ``dashboard_all_cold``
   times the all-forms dashboard right after each upload (recomputed: the cold figure).
3. **Load run**: a second process (asyncio + httpx) with ``--clients`` (50) concurrent
   clients for ``--seconds`` (60) over a mix of list pages (45%), form pages (45%) and
   dashboards (10%) → requests/s, p50/p95, errors (target 0). Bounded: every request has a
   30 s timeout and no request starts after the deadline. ``--workers N`` runs the load run
   against ``jixiao serve --workers N`` (the latency figures stay single-process).

Targets (issue 6): list and form pages p95 < 100 ms, dashboard p95 < 300 ms at 100k forms.
Writes ``benchmarks/results/web.json`` (``--json PATH``). A full run takes several minutes
(loading is most of it). ``--forms 2000 --seconds 5`` is a quick smoke run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "web"))

PASSWORD = "bench-password-1"
UNITS, UNITS_PER_DEPT, FIRST_YEAR, YEARS = 900, 25, 2018, 7
VARIANTS = ("", "（一期）", "（二期）", "（三期）")


def dept_name(d: int) -> str:
    return f"上海市某区第{d + 1}街道办事处"


def unit_name(u: int) -> str:
    return f"上海市某区第{u // UNITS_PER_DEPT + 1}街道第{u % UNITS_PER_DEPT + 1}服务中心"


def varied_file(seed: list, b: int) -> tuple[list, str]:
    """File ``b``: the 16 seed forms as unit ``b % UNITS`` in year ``FIRST_YEAR + b // UNITS``."""
    u = b % UNITS
    year = FIRST_YEAR + (b // UNITS) % YEARS
    k = Decimal(50 + (b * 37) % 950) / 100
    cut = Decimal("0.85") if b % 7 == 3 else Decimal(1)
    name = f"bench-{b:06d}.txt"
    out = []
    for i, f in enumerate(seed):
        fu = f.funds

        def scale(v, extra=Decimal(1)):
            return None if v is None else (v * k * extra).quantize(Decimal("0.01"))

        funds = fu.model_copy(update={"initial_budget": scale(fu.initial_budget),
                                      "adjusted_budget": scale(fu.adjusted_budget),
                                      "executed": scale(fu.executed, cut)})
        out.append(f.model_copy(update={
            "project_name": f.project_name + VARIANTS[(u + i) % 4], "year": year,
            "department": dept_name(u // UNITS_PER_DEPT), "implementing_unit": unit_name(u),
            "title": f.title.replace("2024", str(year)), "funds": funds,
            "source": f.source.model_copy(update={"file": name})}))
    return out, name


def load(stores: dict, n_forms: int) -> dict:
    from jixiao.checks import ReviewConfig, Reviewer
    from jixiao.cli import sample_path
    from jixiao.ingest import read_forms

    seed = list(read_forms(sample_path()))
    rb = next(iter(stores.values())).rulebook
    cfg = ReviewConfig.build(rb)
    ids = {name: {"files": 1, "forms": 1} for name in stores}
    n_files = -(-n_forms // len(seed))
    t_review = 0.0
    t_insert = {name: 0.0 for name in stores}
    done = 0
    t0 = time.perf_counter()
    for b in range(n_files):
        forms, fname = varied_file(seed, b)
        forms = forms[: n_forms - done]
        t = time.perf_counter()
        rev = Reviewer(rb, cfg, keep_indicator_rows=True)
        for f in forms:
            rev.add(f)
        review = rev.finish()
        t_review += time.perf_counter() - t
        placeholder = f"benchmark file {b}: 16 varied seed forms (see benchmarks/web_bench.py)".encode()
        file = {"sha256": hashlib.sha256(placeholder).hexdigest(), "size": len(placeholder), "kind": "text",
                "filename": fname, "content": placeholder, "uploader_id": None, "status": "read",
                "error_kind": None, "message": "", "rulebook": rb.name, "n_forms": len(forms), "n_skipped": 0}
        for name, store in stores.items():
            t = time.perf_counter()
            store.bulk_load(file, list(enumerate(forms)), review, ids[name])
            t_insert[name] += time.perf_counter() - t
        done += len(forms)
        if b % 500 == 0:
            print(f"  loaded {done:,} forms ({time.perf_counter() - t0:.0f} s)", flush=True)
    out = {"forms": done, "files": n_files, "review_seconds": round(t_review, 1),
           "insert_seconds": {k: round(v, 1) for k, v in t_insert.items()}}
    for name, store in stores.items():
        t = time.perf_counter()
        store.reset_sequences()
        with store.engine.connect() as c:
            c = c.execution_options(isolation_level="AUTOCOMMIT")
            c.exec_driver_sql("VACUUM ANALYZE" if name == "postgresql" else "ANALYZE")
        out.setdefault("analyze_seconds", {})[name] = round(time.perf_counter() - t, 1)
        out.setdefault("rows", {})[name] = store.counts()
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args: list[str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-c", "from jixiao.cli import main; main()", "serve", "--port", str(port),
           "--rulebook", "shanghai", *args]
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not start, see {log}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def login(base: str):
    import re

    import httpx

    c = httpx.Client(base_url=base, timeout=60)
    tok = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": "bench-finance", "password": PASSWORD, "csrf_token": tok})
    assert r.status_code == 303, r.text
    c.headers["X-CSRF-Token"] = c.get("/me.json").json()["csrf_token"]
    return c


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000, 1)


def stats(xs: list[float]) -> dict:
    return {"n": len(xs), "p50_ms": pct(xs, 50), "p95_ms": pct(xs, 95), "max_ms": round(max(xs) * 1000, 1)}


def list_urls(rng: random.Random, n_forms: int) -> list[tuple[str, str]]:
    d = rng.randrange(UNITS // UNITS_PER_DEPT)
    u = rng.randrange(UNITS)
    y = FIRST_YEAR + rng.randrange(YEARS)
    return [
        ("year+department", f"/forms?year={y}&department={dept_name(d)}"),
        ("has_errors, sort by rate", f"/forms?has_errors=1&sort=rate&page={rng.randint(1, 20)}"),
        ("code JX801 + year", f"/forms?code=JX801&year={y}"),
        ("grade + unit", f"/forms?grade=优&unit={unit_name(u)}"),
        ("project name search", "/forms?q=雇员&sort=total_reported&desc=1"),
    ]


def timed(c, url: str, expect: int = 200) -> float:
    t = time.perf_counter()
    r = c.get(url)
    dt = time.perf_counter() - t
    if r.status_code != expect:
        raise RuntimeError(f"{url}: {r.status_code} {r.text[:300]}")
    return dt


def latency(base: str, n_forms: int, samples: int, pdf: Path, uploads: int) -> dict:
    rng = random.Random(6)
    c = login(base)
    for u in ("/forms", "/dashboard", "/forms/1"):  # warm: imports, templates, caches of the first request
        c.get(u)
    out: dict = {}
    lists: list[float] = []
    per: dict[str, list[float]] = {}
    for _ in range(samples):
        for label, url in list_urls(rng, n_forms):
            dt = timed(c, url)
            lists.append(dt)
            per.setdefault(label, []).append(dt)
    out["form_list"] = {**stats(lists), "queries": {k: stats(v) for k, v in per.items()}}
    dash: list[float] = []
    dper: dict[str, list[float]] = {}
    for _ in range(samples):
        y = FIRST_YEAR + rng.randrange(YEARS)
        d = dept_name(rng.randrange(UNITS // UNITS_PER_DEPT))
        for label, url in (("all forms", "/dashboard"), ("one year", f"/dashboard?year={y}"),
                           ("one department", f"/dashboard?department={d}")):
            dt = timed(c, url)
            dash.append(dt)
            dper.setdefault(label, []).append(dt)
    out["dashboard"] = {**stats(dash), "queries": {k: stats(v) for k, v in dper.items()}}
    out["form_page"] = stats([timed(c, f"/forms/{rng.randint(1, n_forms)}") for _ in range(samples * 3)])
    out["findings_list"] = stats([timed(c, f"/findings?severity=error&year={FIRST_YEAR + rng.randrange(YEARS)}")
                                  for _ in range(samples)])
    ups, cold = [], []
    data = pdf.read_bytes()
    for i in range(uploads):
        body = data + f"\n%jixiao-bench {time.time_ns()} {i}\n".encode()
        t = time.perf_counter()
        r = c.post("/upload", files=[("files", (f"upload-{i}.pdf", body, "application/pdf"))],
                   headers={"Accept": "application/json"})
        ups.append(time.perf_counter() - t)
        res = r.json()["results"][0]
        if r.status_code != 200 or res["status"] != "read" or res["n_forms"] != 16:
            raise RuntimeError(f"upload {i}: {r.status_code} {res}")
        cold.append(timed(c, "/dashboard"))  # new forms: the cached dashboard is stale, computed again
    out["upload_16_form_pdf"] = stats(ups)
    out["dashboard_all_cold"] = stats(cold)
    c.close()
    return out


LOAD_CLIENT = r'''
import asyncio, json, random, sys, time
import httpx
base, cookie, seconds, clients, n_forms, urls = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), json.loads(sys.argv[6])
lat, errors, kinds = [], [], {}
async def client(k, deadline):
    rng = random.Random(k)
    async with httpx.AsyncClient(base_url=base, cookies={"jx_session": cookie}, timeout=30) as c:
        while time.monotonic() < deadline:
            x = rng.random()
            if x < 0.45:
                kind, url = "list", rng.choice(urls["list"]).replace("PAGE", str(rng.randint(1, 20)))
            elif x < 0.9:
                kind, url = "form", f"/forms/{rng.randint(1, n_forms)}"
            else:
                kind, url = "dashboard", rng.choice(urls["dashboard"])
            t = time.perf_counter()
            try:
                r = await c.get(url)
                ok = r.status_code == 200
                if not ok:
                    errors.append(f"{r.status_code} {url}")
            except Exception as e:
                ok = False
                errors.append(f"{type(e).__name__} {url}")
            dt = time.perf_counter() - t
            lat.append(dt)
            kinds.setdefault(kind, []).append(dt)
async def main():
    deadline = time.monotonic() + seconds
    t = time.perf_counter()
    await asyncio.gather(*(client(k, deadline) for k in range(clients)))
    wall = time.perf_counter() - t
    print(json.dumps({"wall": wall, "lat": lat, "errors": errors, "kinds": kinds}))
asyncio.run(main())
'''


def load_run(base: str, n_forms: int, seconds: float, clients: int) -> dict:
    c = login(base)
    cookie = c.cookies.get("jx_session")
    c.close()
    urls = {"list": [f"/forms?year={y}&department={dept_name(d)}" for y in range(FIRST_YEAR, FIRST_YEAR + YEARS)
                     for d in range(0, UNITS // UNITS_PER_DEPT, 5)]
            + ["/forms?has_errors=1&sort=rate&page=PAGE", "/forms?page=PAGE", "/forms?code=JX801&page=PAGE"],
            "dashboard": ["/dashboard"] + [f"/dashboard?year={y}" for y in range(FIRST_YEAR, FIRST_YEAR + YEARS)]}
    proc = subprocess.run([sys.executable, "-c", LOAD_CLIENT, base, cookie, str(seconds), str(clients), str(n_forms),
                           json.dumps(urls)], capture_output=True, text=True, timeout=seconds + 120)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    r = json.loads(proc.stdout)
    lat = r["lat"]
    return {"clients": clients, "seconds": round(r["wall"], 1), "requests": len(lat),
            "requests_per_s": round(len(lat) / r["wall"], 1), **{k: v for k, v in stats(lat).items() if k != "n"},
            "errors": len(r["errors"]), "error_samples": r["errors"][:5],
            "by_kind": {k: stats(v) for k, v in r["kinds"].items()}}


def sample_pdf(tmp: Path) -> Path:
    from jixiao.cli import sample_path
    from jixiao.ingest import read_forms
    from jixiao.render import render_forms
    from jixiao.scoring import load_rulebook

    cached = HERE / "data" / "web-sample-16.pdf"
    if not cached.exists():
        cached.parent.mkdir(exist_ok=True)
        render_forms(list(read_forms(sample_path())), "pdf", cached, load_rulebook("shanghai"))
    return cached


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--forms", type=int, default=100_000)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--samples", type=int, default=30, help="requests per query for p50/p95")
    ap.add_argument("--uploads", type=int, default=8)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=1, help="jixiao serve --workers for the load run")
    ap.add_argument("--json", type=Path, default=HERE / "results" / "web.json")
    a = ap.parse_args()

    import jixiao
    from jixiao.store import Store

    backends = [b.strip() for b in a.backends.split(",") if b.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-webbench-"))
    pg = None
    stores: dict[str, Store] = {}
    urls: dict[str, list[str]] = {}
    result: dict = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "jixiao": jixiao.__version__,
                    "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
                    "forms": a.forms, "backends": {}}
    try:
        if "sqlite" in backends:
            (tmp / "sqlite").mkdir()
            urls["sqlite"] = f"sqlite:///{tmp / 'sqlite' / 'jixiao.sqlite3'}"
        if "postgresql" in backends:
            from pgserver import PgServer, find_bin

            bindir = find_bin()
            if bindir is None:
                sys.exit("PostgreSQL server binaries not found (apt-get install postgresql)")
            pg = PgServer(bindir).start()
            urls["postgresql"] = pg.create_database("jixiao_bench")
        for name, url in urls.items():
            stores[name] = Store(url, rulebook="shanghai")
            stores[name].add_user("bench-finance", PASSWORD, "finance")
        print(f"loading {a.forms:,} forms into {', '.join(stores)} …", flush=True)
        t = time.perf_counter()
        result["load"] = load(stores, a.forms)
        result["load"]["seconds"] = round(time.perf_counter() - t, 1)
        print(json.dumps(result["load"], ensure_ascii=False), flush=True)
        for s in stores.values():
            s.close()
        pdf = sample_pdf(tmp)
        for name, url in urls.items():
            print(f"[{name}] latency …", flush=True)
            args = ["--data-dir", str(tmp / "sqlite")] if name == "sqlite" else ["--database-url", url]
            proc, base = start_server(args, tmp / f"serve-{name}.log")
            try:
                res = latency(base, a.forms, a.samples, pdf, a.uploads)
                print(json.dumps(res, ensure_ascii=False), flush=True)
                if a.workers == 1:
                    print(f"[{name}] load run: {a.clients} clients, {a.seconds:g} s …", flush=True)
                    res["load_run"] = load_run(base, a.forms, a.seconds, a.clients)
                    print(json.dumps(res["load_run"], ensure_ascii=False), flush=True)
            finally:
                stop_server(proc)
            if a.workers > 1:  # latency above with one worker (as before); the load run with N
                proc, base = start_server(args + ["--workers", str(a.workers)], tmp / f"serve-{name}-w.log")
                try:
                    print(f"[{name}] load run: {a.clients} clients, {a.seconds:g} s, {a.workers} workers …",
                          flush=True)
                    res["load_run"] = load_run(base, a.forms, a.seconds, a.clients)
                    res["load_run"]["workers"] = a.workers
                    print(json.dumps(res["load_run"], ensure_ascii=False), flush=True)
                finally:
                    stop_server(proc)
            res["targets_met"] = {"form_list_p95_lt_100ms": res["form_list"]["p95_ms"] < 100,
                                  "form_page_p95_lt_100ms": res["form_page"]["p95_ms"] < 100,
                                  "dashboard_p95_lt_300ms": res["dashboard"]["p95_ms"] < 300,
                                  "dashboard_cold_p95_lt_300ms": res["dashboard_all_cold"]["p95_ms"] < 300,
                                  "load_run_no_errors": res["load_run"]["errors"] == 0}
            result["backends"][name] = res
    finally:
        for s in stores.values():
            s.close()
        if pg is not None:
            pg.stop()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {a.json}")


if __name__ == "__main__":
    main()
