"""The app in a real browser: uvicorn on a free loopback port (a thread of this process),
headless Chromium through Playwright (Debian's ``/usr/bin/chromium``, never a browser
download). One user's whole visit: log in, upload the sample as a PDF together with a
bad file and see the per-file results, the dashboard, the findings and their filters, a
form page, the exports (findings XLSX/CSV, the form's XLSX) and logout.

Screenshots go to ``tests/artifacts/web-*.png`` (gitignored; look at them after a change
to the templates or CSS). The visit runs on SQLite and on the throwaway PostgreSQL
server of ``conftest.py``.
"""

from __future__ import annotations

import csv
import io
import socket
import threading
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import PASSWORD, TEST_LIMITS
from jixiao.store import Store
from jixiao.store.store import Filters
from jixiao.web import create_app
from support import require_binary

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
BAD_NAME = "../../etc/坏文件.bin"  # a traversal name and bytes no reader supports
BAD_BYTES = bytes(range(256)) * 8
SAMPLE_PDF_NAME = "七宝镇-2024-自评表.pdf"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving ``app`` in a daemon thread on 127.0.0.1."""

    def __init__(self, app):
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-test", daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(15)


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    require_binary("chromium", "chromium-browser")
    from jixiao.cli import sample_path
    from jixiao.ingest import read_forms
    from jixiao.render import render_forms
    from jixiao.scoring import load_rulebook

    forms = list(read_forms(sample_path()))
    assert len(forms) == 16
    out = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    return render_forms(forms, "pdf", out, load_rulebook("shanghai"))


@pytest.fixture(scope="module")
def browser():
    require_binary("chromium", "chromium-browser")
    from jixiao.render.browser import Browser

    b = Browser()
    b.start()
    yield b
    b.close()


def _shot(page, name: str, backend: str) -> None:
    if backend != "sqlite":  # one set of screenshots is enough; the pages are the same
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def _pager_total(page) -> int:
    text = page.locator("nav.pager span").first.inner_text()
    return int(text.split("共")[1].split("条")[0].strip())


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_visit(backend, request, tmp_path, sample_pdf, browser):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'jixiao.sqlite3'}"
        (tmp_path / "data").mkdir()
    else:
        url = request.getfixturevalue("pg").create_database("jixiao_browser")
    store = Store(url, rulebook="shanghai", limits=TEST_LIMITS)
    store.add_user("reviewer", PASSWORD, "finance", display_name="财政审核员")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(BAD_BYTES)
    pdf = tmp_path / SAMPLE_PDF_NAME
    pdf.write_bytes(sample_pdf.read_bytes())
    errors: list[str] = []
    try:
        with LiveServer(create_app(store)) as srv:
            page = browser.new_page(offline=False, viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page.set_default_timeout(20_000)
            page.on("pageerror", lambda e: errors.append(str(e)))
            # every request answered below 400, but the wrong password (401) on purpose
            page.on("response", lambda r: errors.append(f"{r.status} {r.request.method} {r.url}")
                    if r.status >= 400 and not (r.status == 401 and r.url.endswith("/login")) else None)
            _visit(page, srv.url, store, backend, pdf, bad, tmp_path)
            page.context.close()
    finally:
        store.close()
    assert errors == []


def _visit(page, base: str, store: Store, backend: str, pdf: Path, bad: Path, tmp: Path) -> None:
    # ---- login (a page first redirects to the login form and back)
    page.goto(base + "/forms")
    assert "/login" in page.url
    _shot(page, "login", backend)
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", "wrong password")
    page.click("form button[type=submit]")
    assert "用户名或密码错误" in page.inner_text("main")
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(base + "/forms")
    assert "财政审核员" in page.inner_text("header")

    # ---- upload the sample PDF and a bad file: per-file progress, then per-file results
    page.click("header nav >> text=上传")
    page.wait_for_url(base + "/upload")
    page.set_input_files("input[type=file]", [
        {"name": SAMPLE_PDF_NAME, "mimeType": "application/pdf", "buffer": pdf.read_bytes()},
        {"name": BAD_NAME, "mimeType": "application/octet-stream", "buffer": bad.read_bytes()},
    ])
    page.click("#upload button[type=submit]")
    rows = page.locator("#progress tbody tr")
    page.wait_for_function(
        "() => { const r = document.querySelectorAll('#progress tbody tr');"
        " return r.length === 2 && [...r].every(tr => tr.className.startsWith('st-')); }", timeout=60_000)
    first, second = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert rows.nth(0).get_attribute("class") == "st-read", first
    assert "已读取" in first and "16 张自评表" in first, first
    assert rows.nth(1).get_attribute("class") == "st-rejected", second
    assert "不支持的文件" in second and "不支持的文件类型" in second and "未保存" in second, second
    assert second.startswith("坏文件.bin"), second  # the name as kept by the server, no folders
    assert rows.nth(0).locator("a").count() == 16  # a link to each form read
    _shot(page, "upload", backend)
    assert store.counts()["forms"] == 16 and store.counts()["files"] == 1
    # the recent-files table after a reload: the uploaded name, never a path
    page.reload()
    recent = page.locator("main table.grid").last.inner_text()
    assert SAMPLE_PDF_NAME in recent and "坏文件" not in recent

    # ---- dashboard
    page.click("header nav >> text=汇总")
    page.wait_for_url(base + "/dashboard")
    assert page.locator(".card b").first.inner_text() == "16"
    assert page.locator(".chart svg").count() == 4
    _shot(page, "dashboard", backend)
    # the project label of a bar links to its form (an <a> inside the SVG <text>: the hit test
    # finds the <text>, hence force)
    page.locator(".chart svg a").first.click(force=True)
    page.wait_for_url("**/forms/*")
    assert "官方版式" in page.inner_text("main")
    page.go_back()

    # ---- findings, filtered by severity, then by code
    user = store.get_user("reviewer")
    total = store.list_findings(user, Filters())[1]
    page.click("header nav >> text=问题")
    page.wait_for_url(base + "/findings")
    assert _pager_total(page) == total > 0
    _shot(page, "findings", backend)
    n_warn = store.list_findings(user, Filters(severity="warning"))[1]
    page.select_option("select[name=severity]", "warning")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**/findings?*severity=warning*")
    assert _pager_total(page) == n_warn > 0
    sev_cells = page.locator("main table.grid tbody tr td:nth-child(2)").all_inner_texts()
    assert sev_cells and set(sev_cells) == {"警告"}
    code = "JX801"
    n_code = store.list_findings(user, Filters(severity="warning", code=code))[1]
    page.select_option("select[name=code]", code)
    page.click(".filters button[type=submit]")
    page.wait_for_url(f"**/findings?*code={code}*")
    assert _pager_total(page) == n_code > 0
    assert set(page.locator("main table.grid tbody tr td:first-child").all_inner_texts()) == {code}
    _shot(page, "findings-filtered", backend)

    # ---- export the filtered view
    with page.expect_download() as dl:
        page.click("text=CSV")
    csv_path = tmp / "findings.csv"
    dl.value.save_as(csv_path)
    assert dl.value.suggested_filename == "问题清单.csv"
    rows_csv = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert rows_csv[0][0] == "code" and len(rows_csv) - 1 == n_code
    assert {r[0] for r in rows_csv[1:]} == {code} and {r[1] for r in rows_csv[1:]} == {"warning"}
    with page.expect_download() as dl:
        page.click("main p >> text=Excel")
    xlsx_path = tmp / "findings.xlsx"
    dl.value.save_as(xlsx_path)
    wb = load_workbook(xlsx_path, read_only=True)
    assert "问题" in wb.sheetnames and wb["问题"].max_row - 1 == n_code
    wb.close()

    # ---- the forms list filtered by grade, then a form page
    page.click("header nav >> text=自评表")
    page.wait_for_url(base + "/forms")
    assert _pager_total(page) == 16
    _shot(page, "forms", backend)
    page.click("main table.grid tbody tr:first-child td:first-child a")
    page.wait_for_url("**/forms/*")
    name = page.inner_text("h1")
    assert name and "官方版式" in page.inner_text("main")
    assert SAMPLE_PDF_NAME in page.inner_text("p.meta >> nth=1")
    _shot(page, "form", backend)
    with page.expect_download() as dl:
        page.click("text=Excel（可继续填写）")
    form_xlsx = tmp / "form.xlsx"
    dl.value.save_as(form_xlsx)
    assert dl.value.suggested_filename.endswith(".xlsx")
    wb = load_workbook(form_xlsx)
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert any(name in c for c in cells), name

    # ---- a phone-sized view of the dashboard
    if backend == "sqlite":
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + "/dashboard")
        _shot(page, "phone-dashboard", backend)
        page.goto(base + "/forms")
        _shot(page, "phone-forms", backend)
        page.set_viewport_size({"width": 1280, "height": 900})

    # ---- logout: back to the login page, pages redirect there again
    page.click("header form.logout button")
    page.wait_for_url("**/login*")
    page.goto(base + "/dashboard")
    assert "/login" in page.url
