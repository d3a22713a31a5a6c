"""The editor in a real browser (headless Chromium via Playwright, uvicorn on a loopback port),
on SQLite and PostgreSQL. One form's life: a unit fills a new form from scratch and watches
the recomputed total and grade change as it types (a field error in Chinese next to the
field, level-2 choices limited to the level-1); a save that fails on the network keeps the
changes in the browser and offers them back after a reload; a conflicting save opens the
conflict panel; the unit submits; a reviewer returns it with a reason; the unit fixes it and
resubmits; the reviewer starts the review, dismisses a finding with a reason, adjusts a
score and approves; the history shows every step and a diff between two versions.

Screenshots: ``tests/artifacts/editor-*.png`` (SQLite run only).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import PASSWORD, TEST_LIMITS, _add_users
from jixiao.store import Store
from jixiao.web import create_app
from test_browser import LiveServer, browser  # noqa: F401 (browser: the shared Chromium fixture)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _shot(page, name: str, backend: str) -> None:
    if backend != "sqlite":
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"editor-{name}.png"), full_page=True)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_form_life(backend, request, tmp_path, browser):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'jixiao.sqlite3'}"
    else:
        url = request.getfixturevalue("pg").create_database("jixiao_editor_browser")
    store = Store(url, rulebook="shanghai", limits=TEST_LIMITS)
    _add_users(store)
    errors: list[str] = []
    try:
        with LiveServer(create_app(store)) as srv:
            page = browser.new_page(offline=False, viewport={"width": 1366, "height": 900})
            page.set_default_timeout(20_000)
            page.on("pageerror", lambda e: errors.append(f"pageerror {e}"))
            page.on("console", lambda m: errors.append(f"console {m.text}") if m.type == "error" and
                    "409" not in m.text and "ERR_FAILED" not in m.text else None)
            # every response below 400, but the conflict this test provokes on purpose
            page.on("response", lambda r: errors.append(f"{r.status} {r.request.method} {r.url}")
                    if r.status >= 400 and not (r.status == 409 and r.url.endswith("/save")) else None)
            saves: list[str] = []  # shown when a save does not go through
            page.on("request", lambda r: saves.append(f"{r.method} {r.url} …{(r.post_data or '')[-40:]}")
                    if r.url.endswith("/save") else None)
            page.on("response", lambda r: saves.append(f"{r.status} {r.url}") if r.url.endswith("/save") else None)
            page.saves = saves
            _life(page, srv.url, store, backend)
            page.context.close()
    finally:
        store.close()
    assert errors == []


def _login(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(base + "/dashboard")


def _logout(page) -> None:
    page.click("header form.logout button")
    page.wait_for_url("**/login*")


def _post(page, selector: str) -> None:
    """Click a button that posts a form and wait for the page it leads to (maybe the same URL)."""
    with page.expect_navigation():
        page.click(selector)


def _path(p: str) -> str:
    return f'#editor [data-path="{p}"]'


def _value(page, path: str, cmp: str, num: str, unit: str) -> None:
    box = f'#editor [data-path-of="{path}"]'
    page.select_option(f"{box} [data-part=cmp]", cmp)
    page.fill(f"{box} [data-part=num]", num)
    page.fill(f"{box} [data-part=unit]", unit)


def _score(page, key: str) -> str:
    return page.inner_text(f'#scores [data-score="{key}"]')


def _wait_score(page, key: str, value: str) -> None:
    page.wait_for_function(
        "([k, v]) => document.querySelector(`#scores [data-score=\"${k}\"]`).textContent === v", arg=[key, value])


def _wait_saved(page) -> None:
    try:
        page.wait_for_function("() => /已(自动)?保存 \\d\\d:\\d\\d:\\d\\d/.test(document.getElementById('ed-bar-save').textContent)",
                               timeout=15_000)
    except Exception:
        raise AssertionError(f"not saved: {page.inner_text('#ed-bar-save')!r}; saves: {page.saves}") from None


def _life(page, base: str, store: Store, backend: str) -> None:
    # ---- the unit: a new blank form ------------------------------------------------------------
    _login(page, base, "unit7")
    page.click("header nav >> text=填报")
    page.wait_for_url(base + "/forms/new")
    _shot(page, "new", backend)
    page.click("text=新建空白表")
    page.wait_for_url(re.compile(r".*/forms/\d+/edit$"))
    form_id = int(page.url.rstrip("/").split("/")[-2])
    page.wait_for_selector(_path("project_name"))
    assert page.inner_text("#ed-status") == "草稿"
    assert page.locator("#editor tr.ind").count() == 3  # one row per level-1 to start with
    _wait_score(page, "total_recomputed", "—")

    page.fill(_path("project_name"), "老旧小区综合治理")
    page.fill(_path("funds.initial_budget"), "100")
    page.fill(_path("funds.adjusted_budget"), "100")
    page.fill(_path("funds.executed"), "95")
    _wait_score(page, "rate", "95.00")
    _wait_score(page, "budget_score", "9.50")
    page.fill(_path("goal.expected"), "完成 12 个小区的综合治理")
    page.fill(_path("goal.actual"), "完成 12 个小区")
    rows = [("治理小区数", "≥", "12", "个", "12", "个", "40"),
            ("居民投诉下降率", "≥", "10", "%", "8", "%", "30"),
            ("居民满意度", "≥", "90", "%", "93", "%", "20")]
    for i, (name, cmp, t, tu, a, au, w) in enumerate(rows):
        p = f"indicators[{i}]"
        page.fill(_path(p + ".name"), name)
        _value(page, p + ".target", cmp, t, tu)
        _value(page, p + ".actual", "", a, au)
        page.fill(_path(p + ".weight"), w)
        page.fill(_path(p + ".score"), w)
    # the recomputed total as typed: row 2 misses its target (8% of 10%: 24 of 30)
    _wait_score(page, "total_recomputed", "93.50")
    _wait_score(page, "grade_recomputed", "优")
    assert page.inner_text('#editor [data-rc="indicators[1]"]') == "复算 24.00"
    assert "diff" in page.get_attribute('#editor [data-rc="indicators[1]"]', "class")
    # the finding is shown under its row
    page.wait_for_selector('#editor tr.frow[data-frow="1"]:not([hidden]) li[data-code="JX201"]')
    page.fill(_path("total"), "100")
    page.select_option(_path("grade"), "优")
    _wait_score(page, "total_reported", "100.00")
    # a value that is not a number: a Chinese message next to the field
    page.fill(_path("indicators[2].weight"), "2o")
    page.wait_for_function("() => document.querySelector('.ferr[data-for=\"indicators[2].weight\"]').textContent.length > 0")
    msg = page.inner_text('.ferr[data-for="indicators[2].weight"]')
    assert re.search(r"[\u4e00-\u9fff]", msg), msg
    _shot(page, "field-error", backend)
    page.fill(_path("indicators[2].weight"), "20")
    page.wait_for_function("() => document.querySelector('.ferr[data-for=\"indicators[2].weight\"]').textContent === ''")
    # add a row under 产出指标, move it to 效益指标: the level-2 choices follow the level-1
    page.click('#editor tr.grp >> nth=0 >> button')
    assert page.locator("#editor tr.ind").count() == 4
    page.select_option(_path("indicators[1].level1"), "效益指标")
    opts = page.locator(f'{_path("indicators[1].level2")} option').all_inner_texts()
    assert opts == ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"], opts
    page.fill(_path("indicators[1].name"), "临时行")
    page.click('#editor button[data-op="del"][data-i="1"]')
    assert page.locator("#editor tr.ind").count() == 3
    assert page.input_value(_path("indicators[1].name")) == "居民投诉下降率"
    page.click('#editor button[data-op="down"][data-i="0"]')  # move a row down and back up
    assert page.input_value(_path("indicators[1].name")) == "治理小区数"
    page.click('#editor button[data-op="up"][data-i="1"]')
    assert page.input_value(_path("indicators[0].name")) == "治理小区数"
    # autosave
    _wait_saved(page)
    assert "已自动保存" in page.inner_text("#ed-bar-save")
    saved = store.editor_doc(store.get_form(form_id))
    assert saved["indicators"][0]["target"] == "≥12个" and saved["project_name"] == "老旧小区综合治理"
    _shot(page, "filled", backend)

    # ---- a save that fails on the network: kept in the browser, offered back after a reload -----
    page.route("**/save", lambda route: route.abort())
    page.fill(_path("goal.actual"), "完成 12 个小区，居民满意")
    page.wait_for_function("() => document.getElementById('ed-bar-save').textContent.startsWith('保存失败，修改已保存在本机')",
                           timeout=15_000)
    page.reload()  # (its keepalive save on pagehide fails too)
    page.wait_for_selector("#restore:not([hidden])")
    page.unroute("**/save")
    _shot(page, "restore", backend)
    assert page.input_value(_path("goal.actual")) == "完成 12 个小区"  # the server's version
    page.click("#restore .restore-yes")
    assert page.input_value(_path("goal.actual")) == "完成 12 个小区，居民满意"
    _wait_saved(page)
    assert store.editor_doc(store.get_form(form_id))["goal"]["actual"] == "完成 12 个小区，居民满意"

    # ---- somebody else saves meanwhile: the conflict panel, never a silent overwrite ------------
    row = store.get_form(form_id)
    theirs = store.editor_doc(row)
    theirs["goal"]["expected"] = "完成 12 个小区的综合治理（同事修改）"
    store.save_form(store.get_user("unit7"), form_id, theirs, row.version)
    page.fill(_path("deviation_note"), "投诉下降率未达目标：新增小区入住")
    page.wait_for_selector("#conflict:not([hidden])", timeout=15_000)
    conflict = page.inner_text("#conflict")
    assert "unit7" in conflict and "同事修改" in conflict and "投诉下降率未达目标" in conflict
    _shot(page, "conflict", backend)
    page.click("#conflict .keep-mine")
    _wait_saved(page)
    doc = store.editor_doc(store.get_form(form_id))
    assert doc["deviation_note"] == "投诉下降率未达目标：新增小区入住"
    assert doc["goal"]["expected"] == "完成 12 个小区的综合治理"  # mine, chosen knowingly

    # once more, and this time "放弃我的修改": their version in the editor, nothing of mine saved
    row = store.get_form(form_id)
    theirs = store.editor_doc(row)
    theirs["goal"]["expected"] = "完成 12 个小区的综合治理（同事再次修改）"
    store.save_form(store.get_user("unit7"), form_id, theirs, row.version)
    page.fill(_path("project_name"), "我的名称")
    page.wait_for_selector("#conflict:not([hidden])", timeout=15_000)
    page.click("#conflict .take-theirs")
    assert page.input_value(_path("project_name")) == "老旧小区综合治理"
    assert page.input_value(_path("goal.expected")) == "完成 12 个小区的综合治理（同事再次修改）"
    assert page.evaluate(f"() => Object.keys(localStorage).filter(k => k.startsWith('jixiao-editor-{form_id}-')).length") == 0
    page.wait_for_timeout(3500)  # no autosave follows
    assert store.get_form(form_id).version == row.version + 1

    # ---- leaving the page right after typing: saved on pagehide (fetch keepalive) --------------
    page.fill(_path("goal.expected"), "完成 12 个小区的综合治理")
    page.goto(f"{base}/forms/{form_id}")
    for _ in range(50):
        if store.editor_doc(store.get_form(form_id))["goal"]["expected"] == "完成 12 个小区的综合治理":
            break
        page.wait_for_timeout(100)
    assert store.editor_doc(store.get_form(form_id))["goal"]["expected"] == "完成 12 个小区的综合治理"

    # ---- submit (from the form page) ----------------------------------------------------------
    page.reload()
    _post(page, ".wfbox button.wf-submit")
    assert page.inner_text(".wfbox .status") == "已提交"
    page.goto(f"{base}/forms/{form_id}/edit")
    assert page.locator(_path("project_name")).get_attribute("readonly") is not None
    assert "不能修改" in page.inner_text("main")
    _logout(page)

    # ---- the reviewer returns it with a reason ---------------------------------------------------
    _login(page, base, "dept7")
    page.goto(f"{base}/forms/{form_id}")
    page.fill(".wfbox input[name=reason]", "第2行投诉下降率请附统计口径")
    _post(page, ".wfbox button.wf-return")
    assert page.inner_text(".wfbox .status") == "退回"
    _logout(page)

    # ---- the unit fixes it and resubmits ---------------------------------------------------------
    _login(page, base, "unit7")
    page.goto(f"{base}/forms/{form_id}/edit")
    assert page.inner_text("#ed-status") == "退回"
    _wait_score(page, "total_recomputed", "93.50")
    page.fill('#editor [data-path-of="indicators[1].actual"] [data-part=num]', "10")
    _wait_score(page, "total_recomputed", "99.50")
    _wait_saved(page)
    page.click("#workflow button.wf-submit")
    page.wait_for_url(f"{base}/forms/{form_id}")
    assert page.inner_text(".wfbox .status") == "已提交"
    _logout(page)

    # ---- the reviewer: start, dismiss a finding, adjust a score, approve ---------------------------
    _login(page, base, "dept7")
    page.goto(f"{base}/forms/{form_id}")
    _post(page, ".wfbox button.wf-start_review")
    assert page.inner_text(".wfbox .status") == "复核中"
    finding = page.locator("table.findings-table tbody tr", has_text="JX513")
    finding.locator("input[name=reason]").fill("本项目经主管部门同意调整分值结构")
    with page.expect_navigation():
        finding.locator("button.dismiss").click()
    finding = page.locator("table.findings-table tbody tr", has_text="JX513")
    assert "已驳回" in finding.inner_text() and "本项目经主管部门同意调整分值结构" in finding.inner_text()
    page.select_option("#adjust-form select[name=field]", "indicators[0]")
    page.fill("#adjust-form input[name=score]", "38")
    page.fill("#adjust-form input[name=reason]", "治理台账缺 1 个小区")
    _post(page, "#adjust-form button[type=submit]")
    row0 = page.locator("table.scoretable tbody tr", has_text="治理小区数")
    assert "38.00" in row0.inner_text() and "治理台账缺 1 个小区" in row0.inner_text()
    total = page.locator("table.scoretable tr.total").inner_text()
    assert "97.50" in total, total  # 99.50 recomputed, 2 points off in review
    _shot(page, "review", backend)
    _post(page, ".wfbox button.wf-approve")
    assert page.inner_text(".wfbox .status") == "已复核"

    # ---- the history shows every step; a diff of two versions ---------------------------------------
    page.click(".wfbox >> text=修改记录")
    page.wait_for_url(f"{base}/forms/{form_id}/history")
    acts = page.locator("table.history tbody tr td:nth-child(3)").all_inner_texts()
    order = ["复核通过", "调整得分", "驳回问题", "开始复核", "提交", "自动保存", "退回", "提交"]
    it = iter(acts)
    assert all(a in it for a in order), acts  # in this order, newest first
    assert acts[-1] == "新建"
    hist = page.inner_text("table.history")
    assert "第2行投诉下降率请附统计口径" in hist and "治理台账缺 1 个小区" in hist and "dept7" in hist
    _shot(page, "history", backend)
    page.select_option("#diff-form select[name=a]", "1")
    page.click("#diff-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/diff\?a=1&b=\d+$"))
    diff = page.inner_text("table.changes")
    assert "老旧小区综合治理" in diff and "≥12个" in diff
    _shot(page, "diff", backend)

    # ---- a phone-width editor (read-only now) ------------------------------------------------------
    if backend == "sqlite":
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/forms/{form_id}/edit")
        page.wait_for_selector(_path("project_name"))
        _shot(page, "phone", backend)
        page.set_viewport_size({"width": 1366, "height": 900})
