"""Role boundaries: each role sees exactly its scope, and a 403 for the rest."""

from __future__ import annotations

import pytest

from conftest import QIBAO_UNIT, XINZHUANG_UNIT

# user -> forms visible: 七宝 33 (16 of 2024, 16 of 2023, 1 of 2022), 莘庄 16
EXPECTED = {"unit7": 33, "dept7": 33, "unitx": 16, "deptx": 16, "finance": 49, "admin": 49}
UNIT_OF = {"unit7": {QIBAO_UNIT}, "dept7": {QIBAO_UNIT}, "unitx": {XINZHUANG_UNIT}, "deptx": {XINZHUANG_UNIT},
           "finance": {QIBAO_UNIT, XINZHUANG_UNIT}, "admin": {QIBAO_UNIT, XINZHUANG_UNIT}}


def _ids(c, unit: str) -> list[int]:
    return [f["id"] for f in c.get("/forms.json", params={"unit": unit, "per_page": 200}).json()["forms"]]


@pytest.mark.parametrize("username", list(EXPECTED))
def test_scope(env, username):
    c = env.client(username)
    forms = c.get("/forms.json", params={"per_page": 200}).json()
    assert forms["pagination"]["total"] == EXPECTED[username]
    assert {f["unit"] for f in forms["forms"]} == UNIT_OF[username]
    assert c.get("/dashboard.json").json()["summary"]["forms"] == EXPECTED[username]
    assert set(c.get("/dashboard.json").json()["options"]["units"]) == UNIT_OF[username]
    findings = c.get("/findings.json", params={"per_page": 200}).json()["findings"]
    assert {x["unit"] for x in findings} <= UNIT_OF[username]
    rows = c.get("/findings.csv").content.decode("utf-8-sig").splitlines()
    assert len(rows) - 1 == c.get("/findings.json").json()["pagination"]["total"]


@pytest.mark.parametrize("username", ["unit7", "dept7"])
def test_other_unit_is_forbidden(env, username):
    finance = env.client("finance")
    other = _ids(finance, XINZHUANG_UNIT)[0]
    mine = _ids(finance, QIBAO_UNIT)[0]
    c = env.client(username)
    for url in (f"/forms/{other}", f"/forms/{other}.json", f"/forms/{other}.xlsx", f"/forms/{other}.pdf"):
        r = c.get(url)
        assert r.status_code == 403, url
    assert "无权访问" in c.get(f"/forms/{other}").text
    assert c.get(f"/forms/{other}.json").json()["error"]["status"] == 403
    key = finance.get(f"/forms/{other}.json").json()["summary"]["project_key"]
    assert c.get(f"/projects/{key}.json").status_code == 403
    fid = finance.get(f"/forms/{other}.json").json()["summary"]["file_id"]
    assert c.get(f"/files/{fid}/original").status_code == 403
    assert c.get(f"/forms/{mine}.json").status_code == 200
    # filtering on another unit gives nothing, never its forms
    assert c.get("/forms.json", params={"unit": XINZHUANG_UNIT}).json()["pagination"]["total"] == 0


@pytest.mark.parametrize("username", ["unit7", "dept7", "finance"])
def test_admin_pages_forbidden(env, username):
    c = env.client(username)
    for url in ("/users", "/users.json", "/audit", "/audit.json"):
        assert c.get(url).status_code == 403, url


@pytest.mark.parametrize("url", ["/dashboard", "/forms", "/forms/1", "/findings", "/upload", "/users", "/api",
                                 "/findings.csv", "/findings.xlsx", "/forms/1.xlsx", "/files/1/original"])
def test_anonymous(env, url):
    c = env.client()
    r = c.get(url)
    assert r.status_code in (303, 401)
    if r.status_code == 303:
        assert r.headers["location"].startswith("/login?next=")
    j = c.get(url, headers={"Accept": "application/json"})
    assert j.status_code == 401 and j.json()["error"]["status"] == 401


def test_anonymous_twins(env):
    c = env.client()
    for url in ("/dashboard.json", "/forms.json", "/forms/1.json", "/findings.json", "/upload.json", "/me.json"):
        assert c.get(url).status_code == 401, url


def test_disabled_user_loses_access(fresh):
    c = fresh.client("unit7")
    assert c.get("/dashboard.json").status_code == 200
    fresh.store.set_active("unit7", False)
    assert c.get("/dashboard.json").status_code == 401
    page = c.get("/login")
    import re

    tok = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post("/login", data={"username": "unit7", "password": "correct-horse-1", "csrf_token": tok})
    assert r.status_code == 401 and "用户名或密码错误" in r.text


def test_unit_upload_keeps_only_its_own_forms(fresh):
    from conftest import variant_files

    files = variant_files()
    c = fresh.client("unitx")
    r = c.upload([("qibao.txt", files["qibao-2024.txt"])]).json()["results"][0]
    assert r["status"] == "read" and r["n_forms"] == 0 and r["n_skipped"] == 16
    assert "不属于您的单位" in r["message"]
    r = c.upload([("xz.txt", files["xinzhuang-2024.txt"])]).json()["results"][0]
    assert r["n_forms"] == 16 and r["n_skipped"] == 0
    assert fresh.client("unit7").get("/forms.json").json()["pagination"]["total"] == 0
