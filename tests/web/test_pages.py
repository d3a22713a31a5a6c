"""Every page and its JSON twin (same URL + .json, or Accept: application/json)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from conftest import QIBAO_UNIT

PAGES = ["/dashboard", "/forms", "/findings", "/upload"]


def _first_form(c) -> dict:
    return c.get("/forms.json?q=政府雇员经费&year=2024").json()["forms"][0]


@pytest.mark.parametrize("url", PAGES)
def test_page_and_twin(env, url):
    c = env.client("finance")
    page = c.get(url)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<html" in page.text and "退出" in page.text
    twin = c.get(url + ".json")
    assert twin.status_code == 200 and twin.headers["content-type"] == "application/json"
    accept = c.get(url, headers={"Accept": "application/json"})
    assert accept.headers["content-type"] == "application/json"
    assert accept.json() == twin.json()


def test_dashboard_figures(env):
    c = env.client("finance")
    d = c.get("/dashboard.json").json()
    s = d["summary"]
    assert s["forms"] == 49  # 16 + 16 + 16 + 1
    assert s["weighted_rate"] == pytest.approx(s["executed"] / s["adjusted_budget"] * 100, abs=0.01)
    assert sum(s["grades"].values()) == 49
    assert s["findings"] == sum(s["findings_by_severity"].values())
    assert set(d["options"]["years"]) == {2022, 2023, 2024}
    only = c.get("/dashboard.json", params={"year": 2024, "unit": QIBAO_UNIT}).json()["summary"]
    assert only["forms"] == 16
    page = c.get("/dashboard", params={"year": 2024}).text
    assert page.count("<svg") >= 4 and "加权执行率" in page and "评分等级" in page


def test_forms_list_filters_sort_pagination(env):
    c = env.client("finance")
    all_ = c.get("/forms.json", params={"per_page": 20}).json()
    assert all_["pagination"]["total"] == 49 and len(all_["forms"]) == 20 and all_["pagination"]["pages"] == 3
    assert "page=2" in all_["pagination"]["next"]
    p3 = c.get("/forms.json", params={"per_page": 20, "page": 3}).json()
    assert len(p3["forms"]) == 9
    y = c.get("/forms.json", params={"year": 2023}).json()
    assert y["pagination"]["total"] == 16 and {f["year"] for f in y["forms"]} == {2023}
    by_rate = c.get("/forms.json", params={"sort": "rate", "per_page": 200}).json()["forms"]
    rates = [f["rate"] for f in by_rate if f["rate"] is not None]
    assert rates == sorted(rates)
    desc = c.get("/forms.json", params={"sort": "rate", "desc": "1", "per_page": 200}).json()["forms"]
    assert [f["rate"] for f in desc if f["rate"] is not None] == sorted(rates, reverse=True)
    errs = c.get("/forms.json", params={"has_errors": "1", "per_page": 200}).json()["forms"]
    assert errs and all(f["has_errors"] for f in errs)
    code = c.get("/findings.json", params={"per_page": 1}).json()["findings"][0]["code"]
    with_code = c.get("/forms.json", params={"code": code, "per_page": 200}).json()
    assert with_code["pagination"]["total"] >= 1
    grade = c.get("/forms.json", params={"grade": "优", "per_page": 200}).json()["forms"]
    assert all(f["grade_reported"] == "优" for f in grade)
    html = c.get("/forms", params={"year": 2024, "sort": "total_reported"}).text
    assert "自评表" in html and "总分（填报）" in html


def test_form_page(env):
    c = env.client("finance")
    f = _first_form(c)
    j = c.get(f"/forms/{f['id']}.json").json()
    assert j["form"]["project_name"] == "政府雇员经费"
    assert j["score"]["reported"]["total"] is not None and "recomputed" in j["score"]
    assert j["file"]["filename"] == "qibao-2024.txt"
    assert any(s["location_label"] for s in j["sources"])  # page/line of values
    assert len(j["indicators"]) == len(j["form"]["indicators"])
    html = c.get(f"/forms/{f['id']}").text
    assert 'class="jx-form"' in html  # the official layout
    assert "填报与复算" in html and "qibao-2024.txt" in html
    for x in j["findings"]:
        assert x["code"] in html


def test_form_downloads(env):
    c = env.client("finance")
    f = _first_form(c)
    x = c.get(f"/forms/{f['id']}.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    wb = load_workbook(io.BytesIO(x.content))
    assert wb.sheetnames
    orig = c.get(f"/files/{f['file_id']}/original")
    assert orig.status_code == 200 and orig.content.startswith("\n财政项目支出绩效自评表".encode())
    assert orig.headers["content-disposition"].startswith("attachment;")


def test_form_pdf(env):
    from support import require_binary

    require_binary("chromium", "chromium-browser")
    c = env.client("finance")
    f = _first_form(c)
    r = c.get(f"/forms/{f['id']}.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")


def test_findings_list_and_exports(env):
    c = env.client("finance")
    j = c.get("/findings.json", params={"severity": "warning", "year": 2024, "per_page": 200}).json()
    assert j["findings"] and all(x["severity"] == "warning" and x["year"] == 2024 for x in j["findings"])
    total = j["pagination"]["total"]
    rows = list(csv.reader(io.StringIO(c.get(j["export"]["csv"]).content.decode("utf-8-sig"))))
    assert rows[0][0] == "code" and len(rows) - 1 == total
    assert {r[1] for r in rows[1:]} == {"warning"}
    x = c.get(j["export"]["xlsx"])
    wb = load_workbook(io.BytesIO(x.content))
    assert "问题" in wb.sheetnames and wb["问题"].max_row - 1 == total
    code = j["findings"][0]["code"]
    by_code = c.get("/findings.json", params={"code": code.lower(), "per_page": 200}).json()
    assert {x["code"] for x in by_code["findings"]} == {code}
    form_id = j["findings"][0]["form_id"]
    per_form = c.get("/findings.json", params={"form": form_id, "per_page": 200}).json()["findings"]
    assert per_form and {x["form_id"] for x in per_form} == {form_id}
    assert "导出当前筛选结果" in c.get("/findings", params={"severity": "warning"}).text


def test_project_across_years(env):
    c = env.client("finance")
    f = _first_form(c)
    j = c.get(f"/projects/{f['project_key']}.json").json()
    assert [x["year"] for x in j["forms"]] == [2023, 2024]
    assert j["indicators"] and all(len(r["years"]) == 2 for r in j["indicators"])
    html = c.get(f"/projects/{f['project_key']}").text
    assert "历年对比" in html and "2023" in html and "2024" in html
    assert c.get("/projects/" + "0" * 40).status_code == 404
    assert c.get("/projects/notakey").status_code == 404


def test_openapi_and_api_page(env):
    c = env.client("unit7")
    spec = c.get("/openapi.json").json()
    paths = set(spec["paths"])
    for p in ["/dashboard.json", "/forms.json", "/forms/{form_id}.json", "/findings.json", "/projects/{key}.json",
              "/upload", "/findings.csv", "/findings.xlsx"]:
        assert p in paths, p
    params = {x["name"] for x in spec["paths"]["/forms.json"]["get"]["parameters"]}
    assert {"year", "department", "unit", "grade", "has_errors", "code", "sort", "page"} <= params
    assert "/forms.json" in c.get("/api").text


def test_admin_pages(env):
    c = env.client("admin")
    users = c.get("/users.json").json()["users"]
    assert {u["username"] for u in users} >= {"unit7", "finance", "admin"}
    assert all("password" not in str(u) for u in users)
    assert "用户" in c.get("/users").text
    log = c.get("/audit.json").json()["entries"]
    assert any(e["action"] == "login" for e in log)
    assert c.get("/audit").status_code == 200


def test_mobile_viewport(env):
    html = env.client("finance").get("/dashboard").text
    assert 'name="viewport"' in html and "/static/app.css" in html
    css = env.client().get("/static/app.css")
    assert css.status_code == 200 and "@media (max-width" in css.text


def test_dashboard_histogram_from_counts_is_the_reports(env):
    """The dashboard's score histogram comes from counts per whole point; it is the same
    chart as the report draws from every total."""
    from jixiao.report import charts
    from jixiao.store.store import Filters
    from jixiao.web.app import _score_histogram

    user = env.store.get_user("finance")
    forms = env.client("finance").get("/forms.json", params={"per_page": 200}).json()["forms"]
    rep = [float(f["total_reported"]) for f in forms if f["total_reported"] is not None]
    rec = [float(f["total_recomputed"]) for f in forms if f["total_recomputed"] is not None]
    assert rep and rec
    d = env.store.dashboard(user, Filters())
    lines = (("优", 90.0), ("良", 80.0), ("中", 60.0))
    assert _score_histogram(*d["_score_buckets"], lines) == charts.score_histogram(rep, rec, grade_lines=lines)


def test_dashboard_bars_link_to_forms(env):
    c = env.client("finance")
    page = c.get("/dashboard", params={"year": 2024}).text
    ids = {f["id"] for f in c.get("/forms.json", params={"year": 2024, "per_page": 200}).json()["forms"]}
    linked = {int(x) for x in re.findall(r'<a href="/forms/(\d+)"', page)}
    assert linked and linked <= ids
    assert 'href="#jx-form-' not in page


def test_findings_export_has_budget_scores(env):
    c = env.client("finance")
    j = c.get("/findings.json", params={"year": 2024, "per_page": 1}).json()
    wb = load_workbook(io.BytesIO(c.get(j["export"]["xlsx"]).content))
    ws = next(ws for ws in wb.worksheets if any(c.value == "预算执行得分（填报）" for c in ws[1]))
    head = [c.value for c in ws[1]]
    rep, rec = head.index("预算执行得分（填报）"), head.index("预算执行得分（复算）")
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows and all(r[rep] is not None and r[rec] is not None for r in rows)


def test_dashboard_cache_follows_uploads(fresh):
    from conftest import variant_files

    c = fresh.client("finance")
    assert c.get("/dashboard.json").json()["summary"]["forms"] == 0
    assert c.get("/dashboard.json").json()["summary"]["forms"] == 0  # cached
    c.upload([("qibao-2024.txt", variant_files()["qibao-2024.txt"])])
    s = c.get("/dashboard.json").json()["summary"]
    assert s["forms"] == 16 and s["findings"] > 0
    dept = fresh.client("deptx").get("/dashboard.json").json()["summary"]  # another scope: its own entry
    assert dept["forms"] == 0
