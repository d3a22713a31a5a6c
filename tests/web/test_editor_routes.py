"""The editor's routes (issue 7), in process over httpx, on SQLite and PostgreSQL: new forms,
the editor page and its JSON twin, live check, saves with optimistic locking (two sessions,
the second gets 409 and nothing is lost), a body cut off in transit, the workflow, reviewer
decisions, history and diffs; role and scope boundaries and CSRF for every new action."""

from __future__ import annotations

import copy
import re

import pytest

from conftest import QIBAO_DEPT, QIBAO_UNIT, XINZHUANG_UNIT, Env, _add_users, _new_store, variant_files
from jixiao.web import create_app


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def ed(request, tmp_path_factory, portal) -> Env:
    """The sample of 七宝镇 (2024) and of 莘庄镇, uploaded by 财政 (status 已提交)."""
    store = _new_store(request.param, request, tmp_path_factory)
    _add_users(store)
    finance = store.get_user("finance")
    files = variant_files()
    for name in ("qibao-2024.txt", "xinzhuang-2024.txt"):
        assert store.add_file(files[name], name, finance).status == "read"
    yield Env(request.param, store, create_app(store), portal)
    store.close()


def _forms(c, unit: str) -> list[dict]:
    return c.get("/forms.json", params={"unit": unit, "per_page": 200}).json()["forms"]


def _new(c, **fields) -> int:
    r = c.post("/forms/new", data={"csrf_token": c.csrf, **fields})
    assert r.status_code == 303, r.text
    m = re.fullmatch(r"/forms/(\d+)/edit", r.headers["location"])
    assert m, r.headers["location"]
    return int(m.group(1))


def _edit(c, form_id: int) -> dict:
    r = c.get(f"/forms/{form_id}/edit.json")
    assert r.status_code == 200, r.text
    return r.json()


def _save(c, form_id: int, doc: dict, version: int, **kw):
    return c.post(f"/forms/{form_id}/save", json={"doc": doc, "version": version, "autosave": True, **kw},
                  headers={"X-CSRF-Token": c.csrf})


def _fill(doc: dict) -> dict:
    """A complete small form: 100 万元 budget, 95 executed, three indicator rows."""
    d = copy.deepcopy(doc)
    d["project_name"] = "老旧小区综合治理"
    d["funds"].update(initial_budget="100", adjusted_budget="100", executed="95", weight="10")
    d["goal"].update(expected="完成 12 个小区的综合治理", actual="完成 12 个小区")
    rows = [("产出指标", "数量指标", "治理小区数", "≥12个", "12个", "40"),
            ("效益指标", "社会效益指标", "居民投诉下降率", "≥10%", "12%", "30"),
            ("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "93%", "20")]
    d["indicators"] = [{"level1": a, "level2": b, "name": n, "target": t, "actual": x, "weight": w, "score": w,
                        "deviation": ""} for a, b, n, t, x, w in rows]
    d["total"] = "99.5"
    d["grade"] = "优"
    return d


def _transition(c, form_id: int, action: str, reason: str = "", **kw):
    data = {"action": action, "reason": reason}
    if kw.get("csrf", True):
        data["csrf_token"] = c.csrf
    return c.post(f"/forms/{form_id}/transition", data=data)


# ---- new forms -----------------------------------------------------------------------------

def test_new_form_page_and_twin(ed):
    c = ed.client("unit7")
    page = c.get("/forms/new")
    assert page.status_code == 200 and "新建空白表" in page.text and "复制已有的表" in page.text
    assert 'href="/upload"' in page.text
    twin = c.get("/forms/new.json").json()
    assert twin["candidates"] and {f["unit"] for f in twin["candidates"]} == {QIBAO_UNIT}
    assert twin["candidates"][0]["status_zh"] == "已提交"
    # a chosen form first, and its project's forms before the others
    other = twin["candidates"][-1]
    chosen = c.get("/forms/new.json", params={"copy_from": other["id"]}).json()
    assert chosen["copy_from"] == other["id"] and chosen["candidates"][0]["project_key"] == other["project_key"]
    assert chosen["year"] == 2025
    for who in ("dept7", "finance", "admin"):
        assert ed.client(who).get("/forms/new").status_code == 403


def test_create_blank_and_copy(ed):
    c = ed.client("unit7")
    fid = _new(c, mode="blank", year="2025")
    e = _edit(c, fid)
    assert e["status"] == "draft" and e["status_zh"] == "草稿" and e["version"] == 1 and e["can_edit"]
    assert e["doc"]["year"] == "2025" and e["doc"]["implementing_unit"] == QIBAO_UNIT
    assert e["doc"]["department"] == QIBAO_DEPT and e["actions"][0]["action"] == "submit"
    src = _forms(c, QIBAO_UNIT)[0]
    cid = _new(c, mode="copy", copy_from=str(src["id"]), year="2025")
    doc = _edit(c, cid)["doc"]
    assert doc["project_name"] == src["project_name"] and doc["year"] == "2025"
    assert doc["indicators"] and all(r["actual"] == "" and r["score"] == "" for r in doc["indicators"])
    # JSON request: the id back
    j = c.post("/forms/new", json={"mode": "blank"}, headers={"X-CSRF-Token": c.csrf, "Accept": "application/json"})
    assert j.status_code == 200 and j.json()["edit_url"] == f"/forms/{j.json()['id']}/edit"


def test_create_boundaries(ed):
    c = ed.client("unit7")
    finance = ed.client("finance")
    other = _forms(finance, XINZHUANG_UNIT)[0]["id"]
    assert c.post("/forms/new", data={"csrf_token": c.csrf, "mode": "copy", "copy_from": str(other)}).status_code == 403
    assert c.post("/forms/new", data={"mode": "blank"}).status_code == 403  # no CSRF
    assert c.post("/forms/new", data={"csrf_token": "wrong", "mode": "blank"}).status_code == 403
    assert c.post("/forms/new", data={"csrf_token": c.csrf, "mode": "copy", "copy_from": "x"}).status_code == 400
    assert c.post("/forms/new", data={"csrf_token": c.csrf, "mode": "copy", "copy_from": "999999"}).status_code == 404
    assert c.post("/forms/new", data={"csrf_token": c.csrf, "mode": "blank", "year": "3000"}).status_code == 400
    for who in ("dept7", "finance"):
        r = ed.client(who)
        assert r.post("/forms/new", data={"csrf_token": r.csrf, "mode": "blank"}).status_code == 403
    anon = ed.client()
    assert anon.post("/forms/new", data={"mode": "blank"}).status_code == 401


# ---- the editor page, check, save ------------------------------------------------------------

def test_editor_page_and_twin(ed):
    c = ed.client("unit7")
    fid = _new(c, mode="blank")
    page = c.get(f"/forms/{fid}/edit")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'id="editor-data"' in page.text and "/static/editor.js" in page.text and "草稿" in page.text
    twin = c.get(f"/forms/{fid}/edit.json").json()
    assert set(twin) >= {"doc", "version", "status", "status_zh", "can_edit", "actions", "choices", "check"}
    assert twin["choices"]["level2_by_level1"]["产出指标"][0] == "数量指标"
    assert set(twin["check"]) >= {"errors", "scores", "findings"}
    accept = c.get(f"/forms/{fid}/edit", headers={"Accept": "application/json"}).json()
    assert accept["doc"] == twin["doc"]
    # a reviewer sees it read-only; another town's users get 403
    d = ed.client("dept7").get(f"/forms/{fid}/edit.json").json()
    assert d["can_edit"] is False
    assert "自评表（只读）" in ed.client("dept7").get(f"/forms/{fid}/edit").text
    for who in ("unitx", "deptx"):
        x = ed.client(who)
        assert x.get(f"/forms/{fid}/edit").status_code == 403
        assert x.get(f"/forms/{fid}/edit.json").status_code == 403
    assert c.get("/forms/999999/edit.json").status_code == 404


def test_check_is_live_and_saves_nothing(ed):
    c = ed.client("unit7")
    fid = _new(c, mode="blank")
    e = _edit(c, fid)
    doc = _fill(e["doc"])
    r = c.post(f"/forms/{fid}/check", json={"doc": doc}, headers={"X-CSRF-Token": c.csrf})
    assert r.status_code == 200, r.text
    res = r.json()
    assert res["errors"] == []
    assert float(res["scores"]["rate"]) == 95.0 and res["scores"]["total_recomputed"] is not None
    assert len(res["scores"]["indicators"]) == 3 and res["scores"]["grade_recomputed"]
    bad = copy.deepcopy(doc)
    bad["indicators"][1]["weight"] = "3o"
    res = c.post(f"/forms/{fid}/check", json={"doc": bad}, headers={"X-CSRF-Token": c.csrf}).json()
    errs = {x["field"]: x["message"] for x in res["errors"]}
    assert "indicators[1].weight" in errs and re.search(r"[\u4e00-\u9fff]", errs["indicators[1].weight"])
    # nothing was saved
    assert _edit(c, fid)["version"] == 1 and _edit(c, fid)["doc"] == e["doc"]
    # the CSRF token in the body works too; none: 403; another town: 403; no doc: 400
    assert c.post(f"/forms/{fid}/check", json={"doc": doc, "csrf_token": c.csrf}).status_code == 200
    assert c.post(f"/forms/{fid}/check", json={"doc": doc}).status_code == 403
    x = ed.client("unitx")
    assert x.post(f"/forms/{fid}/check", json={"doc": doc}, headers={"X-CSRF-Token": x.csrf}).status_code == 403
    assert c.post(f"/forms/{fid}/check", json={"doc": "x"}, headers={"X-CSRF-Token": c.csrf}).status_code == 400
    for odd in ({"indicators": "x"}, {"funds": [1]}, {"indicators": [None, 3]}, {"year": {"a": 1}}):
        r = c.post(f"/forms/{fid}/check", json={"doc": odd}, headers={"X-CSRF-Token": c.csrf})
        assert r.status_code in (200, 400), (odd, r.status_code, r.text)
        r = _save(c, fid, odd, 1)
        assert r.status_code in (200, 400), (odd, r.status_code, r.text)
        if r.status_code == 200:  # saved as a (mostly empty) document: put the version back in step
            fid = _new(c, mode="blank")


def test_save_and_concurrent_sessions(ed):
    a = ed.client("unit7")
    b = ed.client("unit7")  # a second session of the same unit (another person, another tab)
    fid = _new(a, mode="blank")
    base = _edit(a, fid)
    doc_b = _edit(b, fid)["doc"]
    doc_a = _fill(base["doc"])
    r = _save(a, fid, doc_a, base["version"])
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2 and r.json()["saved_at"] and "scores" in r.json()
    doc_b["goal"]["expected"] = "B 的目标"
    r = _save(b, fid, doc_b, base["version"])  # the same base version: a conflict, nothing written
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["error"]["status"] == 409 and "unit7" in body["error"]["message"]
    assert body["conflict"]["version"] == 2 and body["conflict"]["doc"] == doc_a
    assert body["conflict"]["username"] == "unit7" and body["conflict"]["at"]
    now = _edit(a, fid)
    assert now["version"] == 2 and now["doc"] == doc_a  # A's save is not lost
    # B chooses "以我的为准": saves on the latest version
    merged = copy.deepcopy(doc_a)
    merged["goal"]["expected"] = "B 的目标"
    r = _save(b, fid, merged, 2)
    assert r.status_code == 200 and r.json()["version"] == 3
    assert _edit(a, fid)["doc"]["goal"]["expected"] == "B 的目标"
    hist = a.get(f"/forms/{fid}/history.json").json()["history"]
    assert [h["version"] for h in hist if h["action"] in ("save", "autosave")] == [3, 2]
    # CSRF missing on a save: 403, nothing written
    r = a.post(f"/forms/{fid}/save", json={"doc": doc_a, "version": 3})
    assert r.status_code == 403 and _edit(a, fid)["version"] == 3


def test_interrupted_save_keeps_the_last_version(ed):
    c = ed.client("unit7")
    fid = _new(c, mode="blank")
    doc = _fill(_edit(c, fid)["doc"])
    assert _save(c, fid, doc, 1).status_code == 200
    good = _edit(c, fid)
    changed = copy.deepcopy(doc)
    changed["project_name"] = "被截断的保存"
    import json as _json

    raw = _json.dumps({"doc": changed, "version": 2, "autosave": True}, ensure_ascii=False).encode("utf-8")
    for cut in (raw[: len(raw) // 2], raw[:-1], raw[: len(raw) - 3] + b"\xe5"):  # cut mid-JSON, mid-character
        r = c.post(f"/forms/{fid}/save", content=cut,
                   headers={"Content-Type": "application/json", "X-CSRF-Token": c.csrf})
        assert r.status_code == 400, r.text
        assert "截断" in r.json()["error"]["message"]
    for body in ({"doc": changed}, {"doc": changed, "version": "二"}, {"doc": [1], "version": 2}, {"version": 2}):
        r = c.post(f"/forms/{fid}/save", json=body, headers={"X-CSRF-Token": c.csrf})
        assert r.status_code == 400, (body, r.text)
    after = _edit(c, fid)
    assert after["version"] == good["version"] == 2 and after["doc"] == good["doc"]
    assert after["doc"]["project_name"] == "老旧小区综合治理"


# ---- workflow --------------------------------------------------------------------------------

def test_workflow_and_roles(ed):
    unit, dept, unitx, deptx = (ed.client(u) for u in ("unit7", "dept7", "unitx", "deptx"))
    fid = _new(unit, mode="blank")
    doc = _fill(_edit(unit, fid)["doc"])
    assert _save(unit, fid, doc, 1).status_code == 200
    # a reviewer cannot edit; another town cannot edit nor move the form
    assert _save(dept, fid, doc, 2).status_code == 403
    assert _save(unitx, fid, doc, 2).status_code == 403
    assert _transition(unitx, fid, "submit").status_code == 403
    assert _transition(deptx, fid, "start_review").status_code == 403
    # a draft is not reviewed yet; a unit cannot review
    assert _transition(dept, fid, "start_review").status_code == 400
    assert _transition(unit, fid, "submit", csrf=False).status_code == 403
    assert _transition(unit, fid, "fly").status_code == 400
    r = _transition(unit, fid, "submit")
    assert r.status_code == 303 and r.headers["location"] == f"/forms/{fid}"
    e = _edit(unit, fid)
    assert e["status"] == "submitted" and e["status_zh"] == "已提交" and e["can_edit"] is False
    # submitted: the unit cannot edit until it is returned
    r = _save(unit, fid, doc, 2)
    assert r.status_code == 403 and "已提交" in r.json()["error"]["message"]
    assert _transition(unit, fid, "start_review").status_code == 403
    assert _transition(unit, fid, "approve").status_code == 403
    assert _transition(unit, fid, "return", "理由").status_code == 403
    # the reviewer: a return needs a reason
    r = dept.post(f"/forms/{fid}/transition", json={"action": "return", "reason": " "},
                  headers={"X-CSRF-Token": dept.csrf})
    assert r.status_code == 400 and "理由" in r.json()["error"]["message"]
    r = dept.post(f"/forms/{fid}/transition", json={"action": "return", "reason": "第2行实际完成值缺少依据"},
                  headers={"X-CSRF-Token": dept.csrf})
    assert r.status_code == 200 and r.json()["status"] == "returned" and r.json()["status_zh"] == "退回"
    # returned: the unit edits and resubmits
    assert _edit(unit, fid)["can_edit"] is True
    doc["indicators"][1]["actual"] = "11%"
    assert _save(unit, fid, doc, 2).status_code == 200
    assert _transition(unit, fid, "submit").status_code == 303
    assert _transition(dept, fid, "start_review").status_code == 303
    assert _edit(dept, fid)["status"] == "in_review"
    assert _transition(dept, fid, "approve").status_code == 303
    e = _edit(unit, fid)
    assert e["status"] == "reviewed" and e["can_edit"] is False and e["actions"] == []
    hist = unit.get(f"/forms/{fid}/history.json").json()["history"]
    acts = [h["action"] for h in hist]
    assert acts[:7] == ["approve", "start_review", "submit", "autosave", "return", "submit", "autosave"]
    ret = next(h for h in hist if h["action"] == "return")
    assert ret["comment"] == "第2行实际完成值缺少依据" and ret["username"] == "dept7"
    assert ret["from_status"] == "submitted" and ret["to_status"] == "returned"
    # the HTML form's "next" is followed only to a local path
    f2 = _new(unit, mode="blank")
    r = unit.post(f"/forms/{f2}/transition", data={"csrf_token": unit.csrf, "action": "submit",
                                                    "next": "https://evil.example/"})
    assert r.headers["location"] == f"/forms/{f2}"


def test_form_page_shows_workflow(ed):
    unit, dept = ed.client("unit7"), ed.client("dept7")
    fid = _new(unit, mode="blank")
    page = unit.get(f"/forms/{fid}").text
    assert "草稿" in page and f'href="/forms/{fid}/edit"' in page and 'value="submit"' in page and "提交" in page
    j = unit.get(f"/forms/{fid}.json").json()
    assert j["workflow"]["status"] == "draft" and j["workflow"]["can_edit"] is True
    assert [a["action"] for a in j["workflow"]["actions"]] == ["submit"]
    assert j["score_table"]["items"][0]["field"] == "funds"
    d = dept.get(f"/forms/{fid}.json").json()
    assert d["workflow"]["can_edit"] is False and d["workflow"]["actions"] == []
    assert _transition(unit, fid, "submit").status_code == 303
    page = dept.get(f"/forms/{fid}").text
    assert "开始复核" in page and "退回（填写理由）" in page and "已提交" in page
    # the forms list: a status column
    lst = unit.get("/forms.json", params={"per_page": 200}).json()["forms"]
    assert {f["status"] for f in lst} >= {"draft", "submitted"}
    assert "<th>状态</th>" in unit.get("/forms").text
    drafts = unit.get("/forms.json", params={"status": "draft", "per_page": 200}).json()["forms"]
    assert drafts and {f["status"] for f in drafts} == {"draft"}
    assert 'name="status"' in unit.get("/forms", params={"status": "draft"}).text


# ---- reviewer decisions ------------------------------------------------------------------------

def _form_with_findings(c, n: int = 2) -> tuple[int, list[dict]]:
    """A submitted form of 七宝 with at least n findings, not yet decided on."""
    for f in _forms(c, QIBAO_UNIT):
        if f["status"] != "submitted" or f["origin"] != "upload":
            continue
        j = c.get(f"/forms/{f['id']}.json").json()
        if len(j["findings"]) >= n and not j["decisions"]:
            return f["id"], j["findings"]
    pytest.skip("no form with findings left")


def test_decisions_notes_adjustments(ed):
    dept = ed.client("dept7")
    fid, findings = _form_with_findings(dept)
    first, second = findings[0], findings[1]
    post = lambda url, **d: dept.post(url, data={"csrf_token": dept.csrf, **d})  # noqa: E731
    assert post(f"/forms/{fid}/decide", finding_id=str(first["id"]), decision="dismiss").status_code == 400
    r = post(f"/forms/{fid}/decide", finding_id=str(first["id"]), decision="dismiss", reason="有附件说明，不是问题")
    assert r.status_code == 303 and r.headers["location"].startswith(f"/forms/{fid}")
    assert post(f"/forms/{fid}/decide", finding_id=str(second["id"]), decision="accept").status_code == 303
    assert post(f"/forms/{fid}/decide", finding_id=str(first["id"]), decision="maybe").status_code == 400
    assert post(f"/forms/{fid}/decide", finding_id="x", decision="accept").status_code == 400
    assert post(f"/forms/{fid}/note", field="indicators[0]", text="请补充台账").status_code == 303
    assert post(f"/forms/{fid}/note", field="indicators[0]", text=" ").status_code == 400
    assert post(f"/forms/{fid}/note", field="nowhere[", text="x").status_code == 400
    j = dept.get(f"/forms/{fid}.json").json()
    weight = j["score_table"]["items"][1]["weight"]
    assert post(f"/forms/{fid}/adjust", field="indicators[0]", score="abc", reason="x").status_code == 400
    assert post(f"/forms/{fid}/adjust", field="indicators[0]", score="1", reason="").status_code == 400
    assert post(f"/forms/{fid}/adjust", field="goal", score="1", reason="x").status_code == 400
    r = post(f"/forms/{fid}/adjust", field="indicators[0]", score=str(max(0, (weight or 1) - 1)), reason="台账不全，扣 1 分")
    assert r.status_code == 303, r.text
    j = dept.get(f"/forms/{fid}.json").json()
    rv = {x["id"]: x for x in j["finding_reviews"]}
    assert rv[first["id"]]["suppressed"] is True and rv[first["id"]]["reason"] == "有附件说明，不是问题"
    assert rv[second["id"]]["decision"] == "accept"
    kinds = [d["kind"] for d in j["decisions"]]
    assert kinds == ["dismiss", "accept", "note", "adjust"]
    item = j["score_table"]["items"][1]
    assert item["adjusted"] is True and float(item["reviewed"]) == max(0, (weight or 1) - 1)
    assert j["score_table"]["total"]["reviewed"] is not None
    page = dept.get(f"/forms/{fid}").text
    assert "已驳回" in page and "有附件说明，不是问题" in page and "复核分" in page and "请补充台账" in page
    assert "台账不全，扣 1 分" in page
    # JSON request: JSON back
    r = dept.post(f"/forms/{fid}/note", json={"field": "funds", "text": "资金到位"}, headers={"X-CSRF-Token": dept.csrf})
    assert r.status_code == 200 and r.json()["field"] == "funds"
    # the history lists the decisions
    acts = [h["action"] for h in dept.get(f"/forms/{fid}/history.json").json()["history"]]
    assert acts[:5] == ["note", "adjust", "note", "accept", "dismiss"]


def test_decision_boundaries(ed):
    dept = ed.client("dept7")
    fid, findings = _form_with_findings(dept, 1)
    fd = {"finding_id": str(findings[0]["id"]), "decision": "accept"}
    for who in ("unit7", "unitx", "deptx"):  # a unit cannot review; another town: 403
        c = ed.client(who)
        assert c.post(f"/forms/{fid}/decide", data={"csrf_token": c.csrf, **fd}).status_code == 403, who
        assert c.post(f"/forms/{fid}/note", data={"csrf_token": c.csrf, "field": "funds", "text": "x"}).status_code == 403
        assert c.post(f"/forms/{fid}/adjust", data={"csrf_token": c.csrf, "field": "funds", "score": "1",
                                                    "reason": "x"}).status_code == 403
    # CSRF missing
    assert dept.post(f"/forms/{fid}/decide", data=fd).status_code == 403
    assert dept.post(f"/forms/{fid}/note", data={"field": "funds", "text": "x"}).status_code == 403
    assert dept.post(f"/forms/{fid}/adjust", data={"field": "funds", "score": "1", "reason": "x"}).status_code == 403
    # a finding of another form
    unit = ed.client("unit7")
    draft = _new(unit, mode="blank")  # a draft: not under review yet
    r = dept.post(f"/forms/{draft}/note", data={"csrf_token": dept.csrf, "field": "funds", "text": "x"})
    assert r.status_code == 400 and "草稿" in r.text
    assert dept.get(f"/forms/{fid}.json").json()["decisions"] == []


# ---- history, diff, versions -------------------------------------------------------------------

def test_history_and_diff(ed):
    c = ed.client("unit7")
    fid = _new(c, mode="blank")
    doc = _fill(_edit(c, fid)["doc"])
    assert _save(c, fid, doc, 1).status_code == 200
    doc["indicators"][0]["actual"] = "11个"
    assert _save(c, fid, doc, 2, autosave=False).status_code == 200
    h = c.get(f"/forms/{fid}/history.json").json()
    assert h["versions"] == [3, 2, 1] and h["form"]["version"] == 3
    assert [e["action"] for e in h["history"]] == ["save", "autosave", "create"]
    last = h["history"][0]
    assert last["username"] == "unit7" and last["changes"]
    assert {"field": "indicators[0].actual", "before": "12个", "after": "11个"}.items() <= \
        {k: v for k, v in last["changes"][0].items() if k in ("field", "before", "after")}.items()
    page = c.get(f"/forms/{fid}/history")
    assert page.status_code == 200 and "修改记录" in page.text and "比较两个版本" in page.text and "自动保存" in page.text
    d = c.get(f"/forms/{fid}/diff.json", params={"a": 1, "b": 3}).json()
    fields = {x["field"] for x in d["diff"]["changes"]}
    assert "project_name" in fields and "indicators[0].actual" in fields
    html = c.get(f"/forms/{fid}/diff", params={"a": 2, "b": 3})
    assert html.status_code == 200 and "11个" in html.text and "12个" in html.text
    assert c.get(f"/forms/{fid}/diff.json", params={"a": 1, "b": 9}).status_code == 404
    assert c.get(f"/forms/{fid}/diff.json", params={"a": "x", "b": 1}).status_code == 400
    v = c.get(f"/forms/{fid}/versions/2.json").json()
    assert v["version"] == 2 and v["doc"]["indicators"][0]["actual"] == "12个"
    assert c.get(f"/forms/{fid}/versions/7.json").status_code == 404
    for who in ("unitx", "deptx"):
        x = ed.client(who)
        for url in (f"/forms/{fid}/history", f"/forms/{fid}/history.json", f"/forms/{fid}/diff.json?a=1&b=2",
                    f"/forms/{fid}/versions/1.json"):
            assert x.get(url).status_code == 403, (who, url)
    assert ed.client("dept7").get(f"/forms/{fid}/history.json").status_code == 200


def test_uploaded_form_history(ed):
    """A form read from an upload: version 1 is the reading; a reviewer sees it as submitted."""
    c = ed.client("finance")
    f = _forms(c, XINZHUANG_UNIT)[0]
    h = c.get(f"/forms/{f['id']}/history.json").json()
    assert h["history"][-1]["action"] == "upload" and h["versions"] == [1]
    assert c.get(f"/forms/{f['id']}/edit.json").json()["can_edit"] is False
    assert c.get(f"/forms/{f['id']}/versions/1.json").json()["doc"]["project_name"] == f["project_name"]


def test_unit_upload_becomes_drafts(ed):
    """A unit's own upload: drafts it can check, edit and submit (from an uploaded file)."""
    c = ed.client("unit7")
    r = c.upload([("qibao-2023.txt", variant_files()["qibao-2023.txt"])])
    res = r.json()["results"][0]
    assert res["status"] == "read" and res["n_forms"] == 16, res
    fid = res["form_ids"][0]
    e = _edit(c, fid)
    assert e["status"] == "draft" and e["can_edit"] and [a["action"] for a in e["actions"]] == ["submit"]
    assert e["doc"]["year"] == "2023" and e["doc"]["indicators"]
    doc = copy.deepcopy(e["doc"])
    doc["goal"]["actual"] = doc["goal"]["actual"] + "（已核对）"
    r = _save(c, fid, doc, e["version"])
    assert r.status_code == 200 and r.json()["version"] == 2
    h = c.get(f"/forms/{fid}/history.json").json()["history"]
    assert [x["action"] for x in h] == ["autosave", "upload"]
    assert c.get(f"/forms/{fid}/diff.json", params={"a": 1, "b": 2}).json()["diff"]["changes"][0]["field"] == "goal.actual"
