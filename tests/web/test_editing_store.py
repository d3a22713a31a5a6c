"""The store's editing layer (issue 7): documents, versions and the optimistic lock, the
workflow, reviewer decisions, and the dashboard summaries kept right through all of it.
On SQLite and on a real PostgreSQL server (the ``fresh`` fixture)."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from jixiao.store import EditConflict, StoreError
from jixiao.store import summary
from jixiao.store.editing import clean_doc, doc_to_form, form_to_doc
from jixiao.store.models import FindingRow, FormRow, FormVersion
from jixiao.store.store import Filters

from conftest import QIBAO_UNIT, sample_text


def filled_doc(store, user) -> dict:
    """A complete form typed from scratch: 100 万元 budget, 95 spent, three indicator rows."""
    doc = store.empty_doc(user, 2025)
    doc.update(project_name="社区微更新项目", goal={"expected": "完成10个小区微更新", "actual": "完成10个小区微更新"},
               total="98", grade="优")
    doc["funds"].update(initial_budget="100", adjusted_budget="100", executed="95", rate="95", score="9.5")
    doc["indicators"] = [
        {"level1": "产出指标", "level2": "数量指标", "name": "完成小区数量", "target": "≥10个", "actual": "10个",
         "weight": "50", "score": "50", "deviation": ""},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "居住环境改善", "target": "有效改善", "actual": "有效改善",
         "weight": "30", "score": "30", "deviation": ""},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "居民满意度", "target": "≥90%",
         "actual": "95%", "weight": "10", "score": "10", "deviation": ""},
    ]
    return doc


def recount(store) -> dict:
    """The dashboard's figures counted from the forms and findings tables directly (what the
    summaries must equal)."""
    with store.Session() as s:
        forms = list(s.scalars(select(FormRow)))
        findings = Counter(s.execute(select(FindingRow.code).where(FindingRow.suppressed.is_(False))).scalars())
    return {"forms": len(forms), "forms_with_errors": sum(f.has_errors for f in forms),
            "grades": Counter(f.grade_reported or "（无）" for f in forms),
            "findings": sum(findings.values()), "by_code": findings,
            "budget": sum((f.budget_wan for f in forms if f.budget_wan is not None and f.executed_wan is not None),
                          Decimal(0))}


def assert_summaries_right(store, user):
    store._results.clear()
    d = store.dashboard(user, Filters())
    want = recount(store)
    assert d["forms"] == want["forms"]
    assert d["forms_with_errors"] == want["forms_with_errors"]
    assert Counter(d["grades"]) == want["grades"]
    assert d["findings"] == want["findings"]
    assert {c: sum(v.values()) for c, v in d["findings_by_code"].items()} == dict(want["by_code"])
    assert (d["adjusted_budget"] or Decimal(0)) == want["budget"].quantize(Decimal("0.01"))


def test_document_round_trip_of_the_seed():
    """Every seed form → document → form gives the same scores' inputs and no field error."""
    from jixiao.cli import sample_path
    from jixiao.ingest import read_forms

    for form in read_forms(sample_path()):
        doc = clean_doc(form_to_doc(form))
        back, errors = doc_to_form(doc)
        assert errors == [] or all(e["field"] == "indicators" for e in errors), errors
        assert back.funds.executed == form.funds.executed and back.total == form.total
        assert [(i.name, i.weight, i.score, i.target_parsed.number) for i in back.indicators] == \
               [(i.name, i.weight, i.score, i.target_parsed.number) for i in form.indicators]


def test_half_typed_values_are_kept_and_named():
    doc = clean_doc({"year": "2025", "project_name": "甲", "implementing_unit": "乙",
                     "funds": {"executed": "12.3.4"}, "indicators": [
                         {"level1": "产出指标", "level2": "社会效益指标", "name": "x", "weight": "十"}]})
    form, errors = doc_to_form(doc)
    fields = {e["field"]: e["message"] for e in errors}
    assert form.funds.executed is None and "funds.executed" in fields and "12.3.4" in fields["funds.executed"]
    assert "不属于产出指标" in fields["indicators[0].level2"]
    assert "indicators[0].weight" in fields
    assert doc["funds"]["executed"] == "12.3.4"  # the document keeps what was typed


def test_fill_save_versions_and_conflict(fresh):
    store = fresh.store
    unit = store.get_user("unit7")
    row = store.create_form(unit, year=2025)
    assert (row.status, row.version, row.origin) == ("draft", 1, "editor")
    check = store.check_doc(store.editor_doc(row))
    assert any(e["field"] == "project_name" for e in check["errors"])
    doc = filled_doc(store, unit)
    res = store.save_form(unit, row.id, doc, 1)
    assert res["version"] == 2 and res["errors"] == []
    assert res["scores"]["rate"] == "95.00" and res["scores"]["total_recomputed"] is not None
    # two editors who both loaded version 2
    mine = dict(doc, project_name="社区微更新项目（一期）")
    theirs = dict(doc, deviation_note="无偏差")
    assert store.save_form(unit, row.id, theirs, 2)["version"] == 3
    with pytest.raises(EditConflict) as exc:
        store.save_form(unit, row.id, mine, 2)
    assert exc.value.version == 3 and exc.value.doc["deviation_note"] == "无偏差" and exc.value.by == "unit7"
    cur = store.get_form(row.id)
    assert cur.version == 3 and cur.project_name == "社区微更新项目"
    # nothing is overwritten: every version is kept, with what changed
    assert store.version_doc(row.id, 2)["deviation_note"] == ""
    assert [c["field"] for c in store.diff(row.id, 2, 3)] == ["deviation_note"]
    hist = store.history(row.id)
    assert [h["action"] for h in hist] == ["save", "save", "create"]
    assert hist[0]["changes"][0]["after"] == "无偏差"
    assert_summaries_right(store, store.get_user("finance"))


def test_concurrent_saves_lose_nothing(fresh):
    """Eight threads save from the same base version at once: exactly one wins, the others
    get a conflict, and the stored document is the winner's."""
    store = fresh.store
    unit = store.get_user("unit7")
    row = store.create_form(unit, doc=filled_doc(store, unit))
    results: list = []

    def save(k: int) -> None:
        try:
            results.append(("ok", k, store.save_form(unit, row.id, dict(filled_doc(store, unit),
                                                                         deviation_note=f"第{k}人"), 1)))
        except EditConflict as exc:
            results.append(("conflict", k, exc.version))

    threads = [threading.Thread(target=save, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [r for r in results if r[0] == "ok"]
    assert len(results) == 8 and len(wins) == 1, results
    assert all(r[2] == 2 for r in results if r[0] == "conflict")
    assert store.editor_doc(store.get_form(row.id))["deviation_note"] == f"第{wins[0][1]}人"
    with store.Session() as s:
        assert s.scalar(select(func.count()).select_from(FormVersion).where(FormVersion.form_id == row.id)) == 2


def test_interrupted_save_keeps_the_last_version(fresh, monkeypatch):
    """A failure in the middle of a save (after the form row moved) rolls everything back."""
    store = fresh.store
    unit = store.get_user("unit7")
    row = store.create_form(unit, doc=filled_doc(store, unit))
    before = store.dashboard(store.get_user("finance"), Filters())
    real = summary.apply
    calls = []

    def failing(*a, **kw):
        calls.append(1)
        if len(calls) == 2:  # the second apply: after the old rows were taken away
            raise RuntimeError("connection lost")
        return real(*a, **kw)

    monkeypatch.setattr(summary, "apply", failing)
    with pytest.raises(RuntimeError):
        store.save_form(unit, row.id, dict(filled_doc(store, unit), project_name="改了"), 1)
    monkeypatch.setattr(summary, "apply", real)
    cur = store.get_form(row.id)
    assert cur.version == 1 and cur.project_name == "社区微更新项目"
    assert store.editor_doc(cur)["project_name"] == "社区微更新项目"
    store._results.clear()
    assert store.dashboard(store.get_user("finance"), Filters())["findings"] == before["findings"]
    assert store.save_form(unit, row.id, dict(filled_doc(store, unit), project_name="改了"), 1)["version"] == 2


def test_workflow_and_rights(fresh):
    store = fresh.store
    unit, other, dept, fin = (store.get_user(u) for u in ("unit7", "unitx", "dept7", "finance"))
    row = store.create_form(unit, doc=filled_doc(store, unit))
    with pytest.raises(PermissionError):
        store.save_form(other, row.id, filled_doc(store, other), 1)  # another town's unit
    with pytest.raises(PermissionError):
        store.save_form(dept, row.id, filled_doc(store, unit), 1)  # reviewers do not edit
    with pytest.raises(PermissionError):
        store.transition(unit, row.id, "start_review")
    with pytest.raises(PermissionError):
        store.create_form(fin)
    assert store.allowed_actions(unit, store.get_form(row.id)) == ["submit"]
    assert store.transition(unit, row.id, "submit") == "submitted"
    with pytest.raises(PermissionError):
        store.save_form(unit, row.id, filled_doc(store, unit), 1)  # submitted: locked
    with pytest.raises(PermissionError):
        store.transition(store.get_user("deptx"), row.id, "start_review")  # another department
    with pytest.raises(StoreError, match="理由"):
        store.transition(dept, row.id, "return")
    assert store.transition(dept, row.id, "start_review") == "in_review"
    assert store.transition(dept, row.id, "return", reason="满意度调查方法未说明") == "returned"
    assert store.save_form(unit, row.id, dict(filled_doc(store, unit), deviation_note="已补充调查方法"), 1)["version"] == 2
    assert store.transition(unit, row.id, "submit") == "submitted"
    assert store.transition(fin, row.id, "start_review") == "in_review"
    assert store.transition(fin, row.id, "approve") == "reviewed"
    with pytest.raises(StoreError):
        store.transition(fin, row.id, "return", reason="x")
    steps = [(h["action"], h["to_status"], h["username"]) for h in store.history(row.id)][::-1]
    assert steps == [("create", "draft", "unit7"), ("submit", "submitted", "unit7"),
                     ("start_review", "in_review", "dept7"), ("return", "returned", "dept7"),
                     ("save", "returned", "unit7"), ("submit", "submitted", "unit7"),
                     ("start_review", "in_review", "finance"), ("approve", "reviewed", "finance")]
    assert store.history(row.id)[4]["comment"] == "满意度调查方法未说明"


def test_upload_status_depends_on_who_uploads(fresh):
    store = fresh.store
    text = sample_text()
    unit_res = store.add_file(text.encode(), "qibao.txt", store.get_user("unit7"))
    fin_res = store.add_file(text.replace("2024年度", "2023年度").encode(), "qibao-2023.txt",
                             store.get_user("finance"))
    assert {store.get_form(i).status for i in unit_res.form_ids} == {"draft"}
    assert {store.get_form(i).status for i in fin_res.form_ids} == {"submitted"}
    # an uploaded form saved for the first time: version 1 is its reading, kept
    fid = unit_res.form_ids[0]
    unit = store.get_user("unit7")
    doc = store.editor_doc(store.get_form(fid))
    assert doc["implementing_unit"] == QIBAO_UNIT
    res = store.save_form(unit, fid, dict(doc, deviation_note="补充说明"), 1)
    assert res["version"] == 2
    assert store.version_doc(fid, 1)["deviation_note"] == "" and store.history(fid)[-1]["action"] == "upload"
    assert_summaries_right(store, store.get_user("finance"))


def test_dismiss_adjust_and_reported_again(fresh):
    store = fresh.store
    fin = store.get_user("finance")
    res = store.add_file(sample_text().encode(), "qibao.txt", fin)
    # the form with the most findings
    fid = max(res.form_ids, key=lambda i: store.get_form(i).n_errors + store.get_form(i).n_warnings)
    det = store.form_details(store.get_form(fid))
    target = next(f for f in det["findings"] if f.severity in ("error", "warning"))
    with pytest.raises(StoreError):
        store.decide(fin, fid, target.id, "dismiss", "")  # a dismissal needs its reason
    with pytest.raises(StoreError):
        store.decide(fin, fid, target.id, "maybe", "x")
    with pytest.raises(PermissionError):
        store.decide(store.get_user("unit7"), fid, target.id, "dismiss", "x")  # units do not review
    before = store.get_form(fid)
    d = store.decide(fin, fid, target.id, "dismiss", "已核实，属正常情况")
    assert d["kind"] == "dismiss" and d["fingerprint"]
    after = store.get_form(fid)
    assert (after.n_errors + after.n_warnings) == (before.n_errors + before.n_warnings) - 1
    assert_summaries_right(store, fin)
    # a note and a score adjustment; 复核分 = recomputed total with the item replaced
    store.add_note(fin, fid, "indicators[0]", "指标值应量化")
    table = store.score_table(after)
    item = table["items"][1]
    new = (item["recomputed"] if item["recomputed"] is not None else item["self_score"]) - 1
    store.adjust_score(fin, fid, "indicators[0]", new, "佐证材料不足，扣1分")
    table = store.score_table(store.get_form(fid))
    assert table["items"][1]["reviewed"] == new and table["items"][1]["adjusted"]
    assert table["total"]["reviewed"] == table["total"]["recomputed"] - 1
    assert store.get_form(fid).total_reviewed == table["total"]["reviewed"]
    with pytest.raises(StoreError):
        store.adjust_score(fin, fid, "indicators[0]", "999", "太多")
    kinds = [x["kind"] for x in store.decisions(fid)]
    assert kinds == ["dismiss", "note", "adjust"]
    # returned and edited: the dismissed finding stays dismissed while its values stay the same
    store.transition(fin, fid, "return", reason="请补充")
    unit = store.get_user("unit7")
    doc = store.editor_doc(store.get_form(fid))
    store.save_form(unit, fid, dict(doc, deviation_note=doc["deviation_note"] + "。"), 1)
    with store.Session() as s:
        same = list(s.scalars(select(FindingRow).where(FindingRow.form_id == fid, FindingRow.code == target.code,
                                                       FindingRow.field == target.field)))
    assert same and all(f.suppressed for f in same)
    assert_summaries_right(store, fin)


def test_dismissed_finding_comes_back_when_values_change(fresh):
    """JX301-like: execution below the threshold, dismissed; the unit changes the amounts, the
    finding's evidence changes, and it is reported again."""
    store = fresh.store
    unit, fin = store.get_user("unit7"), store.get_user("finance")
    doc = filled_doc(store, unit)
    doc["funds"].update(executed="60", rate="60", score="6")
    row = store.create_form(unit, doc=doc)
    store.transition(unit, row.id, "submit")
    det = store.form_details(store.get_form(row.id))
    low = [f for f in det["findings"] if f.field.startswith("funds")]
    assert low, [f.code for f in det["findings"]]
    f0 = low[0]
    store.decide(fin, row.id, f0.id, "dismiss", "年底集中支付，次年初到账")
    store.transition(fin, row.id, "return", reason="再核对执行数")
    doc2 = store.editor_doc(store.get_form(row.id))
    doc2["funds"].update(executed="61", rate="61", score="6.1")
    store.save_form(unit, row.id, doc2, 1)
    with store.Session() as s:
        again = list(s.scalars(select(FindingRow).where(FindingRow.form_id == row.id, FindingRow.code == f0.code)))
    assert again and not any(f.suppressed for f in again)
    assert_summaries_right(store, fin)


def test_copy_last_year(fresh):
    store = fresh.store
    unit = store.get_user("unit7")
    res = store.add_file(sample_text().encode(), "qibao.txt", store.get_user("finance"))
    src = store.get_form(res.form_ids[0])
    new = store.create_form(unit, copy_from=src.id, year=2025)
    doc = store.editor_doc(new)
    old = store.editor_doc(src)
    assert doc["year"] == "2025" and "2024" not in doc["title"]
    assert [r["name"] for r in doc["indicators"]] == [r["name"] for r in old["indicators"]]
    assert [r["target"] for r in doc["indicators"]] == [r["target"] for r in old["indicators"]]
    assert all(r["actual"] == "" and r["score"] == "" for r in doc["indicators"])
    assert doc["funds"]["executed"] == "" and doc["total"] == ""
    with pytest.raises(PermissionError):
        store.create_form(store.get_user("unitx"), copy_from=src.id, year=2025)


def test_export_marks_dismissed_findings(fresh):
    """The findings export (XLSX/CSV are written from review_of) keeps a dismissed finding,
    marked with the reviewer's reason, and the dashboard no longer counts it."""
    store = fresh.store
    fin = store.get_user("finance")
    res = store.add_file(sample_text().encode(), "qibao.txt", fin)
    fid = res.form_ids[0]
    target = store.form_details(store.get_form(fid))["findings"][0]
    n_before = store.dashboard(fin, Filters())["findings"]
    store.decide(fin, fid, target.id, "dismiss", "情况属实，已说明")
    review = store.review_of(fin, Filters(form_id=fid))
    marked = [f for f in review.findings if "已驳回：情况属实，已说明" in f.message]
    assert len(marked) == 1 and marked[0].code == target.code
    assert store.dashboard(fin, Filters())["findings"] == n_before - 1


def test_editor_form_exports_in_the_official_layout(fresh, tmp_path):
    """A form typed in the editor renders as the official XLSX, which reads back as the same form."""
    from jixiao.ingest import read_forms
    from jixiao.model import Form
    from jixiao.render import render_file

    store = fresh.store
    unit = store.get_user("unit7")
    row = store.create_form(unit, doc=filled_doc(store, unit))
    form = Form.model_validate(store.get_form(row.id).data)
    out = render_file(form, "xlsx", tmp_path / "form.xlsx", store.rulebook)
    back = list(read_forms(out))
    assert len(back) == 1
    b = back[0]
    assert (b.project_name, b.implementing_unit, b.year) == ("社区微更新项目", QIBAO_UNIT, 2025)
    assert [(i.level1, i.level2, i.name, i.target, i.weight) for i in b.indicators] == \
           [(i.level1, i.level2, i.name, i.target, i.weight) for i in form.indicators]
    assert b.funds.adjusted_budget == Decimal("100") and b.funds.executed == Decimal("95")


def test_times_on_pages_are_beijing_time():
    from datetime import datetime, timezone

    from jixiao.web.app import local_time

    assert local_time(datetime(2026, 11, 28, 16, 30, tzinfo=timezone.utc)) == "2026-11-29 00:30"
    assert local_time(datetime(2026, 11, 28, 16, 30, 5), seconds=True) == "2026-11-29 00:30:05"  # naive = UTC
    assert local_time(None) == ""


def test_reviewed_total_in_the_forms_list(fresh):
    """复核分 beside 填报 and 复算 in the forms list (and its JSON), sortable."""
    store = fresh.store
    fin = store.get_user("finance")
    res = store.add_file(sample_text().encode(), "qibao.txt", fin)
    fid = res.form_ids[3]
    table = store.score_table(store.get_form(fid))
    base = table["items"][0]["recomputed"]  # the budget-execution score
    store.adjust_score(fin, fid, "funds", base - Decimal("0.5"), "执行数含暂付款，扣0.5分")
    c = fresh.client("finance")
    rows = c.get("/forms.json?sort=total_reviewed&desc=1").json()["forms"]
    first = rows[0]
    assert first["id"] == fid
    assert Decimal(str(first["total_reviewed"])) == table["total"]["recomputed"] - Decimal("0.5")
    assert all(r["total_reviewed"] is None for r in rows[1:])
    assert "复核分" in c.get("/forms").text


def test_saves_keep_the_forms_rulebook(fresh):
    """A form read under shanghai and saved through a store running national is scored under
    shanghai, like the editor's live check (check_doc with the form's rulebook)."""
    from jixiao.store import Store

    unit = fresh.store.get_user("unit7")
    res = fresh.store.add_file(sample_text().encode(), "qibao.txt", unit)
    fid = res.form_ids[0]
    other = Store(fresh.store.url, rulebook="national")
    try:
        row = other.get_form(fid)
        assert row.rulebook == "shanghai"
        doc = other.editor_doc(row)
        live = other.check_doc(doc, row.rulebook)
        saved = other.save_form(other.get_user("unit7"), fid, dict(doc, deviation_note="补充"), 1)
        assert saved["scores"] == live["scores"]
        assert other.get_form(fid).rulebook == "shanghai"
        assert other.score_table(other.get_form(fid))["total"]["recomputed"] == \
            fresh.store.score_table(fresh.store.get_form(fid))["total"]["recomputed"]
    finally:
        other.close()
