"""CSRF, escaping, upload safety (traversal names, sizes, sniffing), cookies, error pages."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD, SCRIPT_NAME, TEST_LIMITS, variant_files


def _login_token(c) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)


def test_login_without_csrf_is_rejected(env):
    c = env.client()
    c.get("/login")
    r = c.post("/login", data={"username": "finance", "password": PASSWORD})
    assert r.status_code == 403 and "CSRF" in r.text
    r = c.post("/login", data={"username": "finance", "password": PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 403
    assert "jx_session" not in c.c.cookies


def test_post_without_csrf_is_rejected(fresh):
    c = fresh.client("finance")
    r = c.upload([("a.txt", variant_files()["script-2022.txt"])], csrf=False)
    assert r.status_code == 403 and r.json()["error"]["status"] == 403
    assert fresh.store.counts()["files"] == 0
    r = c.post("/upload", files=[("files", ("a.txt", b"x"))], data={"csrf_token": "wrong"})
    assert r.status_code == 403
    assert c.post("/logout", data={}).status_code == 403
    assert c.get("/dashboard.json").status_code == 200  # still logged in
    assert c.post("/logout", data={"csrf_token": c.csrf}).status_code == 303
    assert c.get("/dashboard.json").status_code == 401


def test_session_cookie_flags(env):
    c = env.client()
    tok = _login_token(c)
    r = c.post("/login", data={"username": "finance", "password": PASSWORD, "csrf_token": tok})
    cookie = r.headers["set-cookie"]
    assert "jx_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in the test


def test_secure_cookie_over_https(env):
    import httpx

    from conftest import Client

    c = Client(env.portal, env.app)
    c.c = httpx.AsyncClient(transport=httpx.ASGITransport(app=env.app), base_url="https://testserver")
    tok = _login_token(c)
    r = c.post("/login", data={"username": "finance", "password": PASSWORD, "csrf_token": tok})
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


def test_open_redirect_after_login_refused(env):
    c = env.client()
    tok = _login_token(c)
    r = c.post("/login", data={"username": "finance", "password": PASSWORD, "csrf_token": tok,
                               "next": "//evil.example/x"})
    assert r.headers["location"] == "/dashboard"


def test_script_in_project_name_is_inert(env):
    c = env.client("finance")
    forms = c.get("/forms.json", params={"year": 2022}).json()["forms"]
    assert forms[0]["project_name"] == SCRIPT_NAME  # kept as data
    fid = forms[0]["id"]
    for url in (f"/forms/{fid}", "/forms?year=2022", "/findings?year=2022", "/dashboard?year=2022",
                f"/projects/{forms[0]['project_key']}"):
        html = c.get(url).text
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;" in html or "script" not in html.replace('src="/static/upload.js"', ""), url
    assert "Content-Security-Policy" in c.get(f"/forms/{fid}").headers
    q = c.get("/forms", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)" not in q and "&lt;script&gt;alert(1)" in q


@pytest.mark.parametrize("name", ["../../../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/cron.d/x.txt",
                                  "a/../../b.txt\x00.pdf"])
def test_traversal_filename_is_only_a_label(fresh, name, tmp_path):
    c = fresh.client("finance")
    import hashlib

    data = variant_files()["script-2022.txt"] + hashlib.sha1(name.encode()).hexdigest().encode()  # a new file each
    r = c.upload([(name, data)]).json()["results"][0]
    assert r["status"] == "read" and r["n_forms"] == 1
    assert "/" not in r["filename"] and "\\" not in r["filename"] and "\x00" not in r["filename"]
    files = c.get("/upload.json").json()["files"]
    assert files[0]["filename"] == r["filename"]
    got = c.get(f"/files/{r['file_id']}/original")
    assert got.content == data
    assert "%2F" not in got.headers["content-disposition"] and "%5C" not in got.headers["content-disposition"]
    assert not list(tmp_path.iterdir())


def test_oversized_upload_is_refused(fresh):
    c = fresh.client("finance")
    big = b"x" * (TEST_LIMITS.max_file_bytes + 10)
    r = c.upload([("big.txt", big)]).json()["results"][0]
    assert r["status"] == "too_large" and "文件过大" in r["message"] and "MB" in r["message"]
    huge = b"x" * (TEST_LIMITS.max_request_bytes + 10)
    r = c.upload([("huge.txt", huge)])
    assert r.status_code == 413 and "上传内容过大" in r.json()["error"]["message"]
    page = c.upload([("huge.txt", huge)], as_json=False)
    assert page.status_code == 413 and "上传内容过大" in page.text and "Traceback" not in page.text
    many = [(f"{i}.txt", b"a") for i in range(TEST_LIMITS.max_files + 1)]
    r = c.upload(many)
    assert r.status_code == 413 and "一次最多上传" in r.json()["error"]["message"]
    assert fresh.store.counts()["files"] == 0


def test_chunked_upload_is_limited_while_streaming(fresh):
    """A body without Content-Length is counted as it arrives and refused past the limit:
    the rest is never read (the generator stops early) and nothing is stored."""
    c = fresh.client("finance")
    boundary = "jxboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{c.csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"huge.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()
    chunk = b"x" * (1 << 20)
    n_chunks = TEST_LIMITS.max_request_bytes // len(chunk) + 4
    sent = []

    async def body():
        yield head
        for i in range(n_chunks):
            sent.append(i)
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    for accept in ("application/json", "text/html"):
        sent.clear()
        r = c.post("/upload", content=body(), headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": accept})
        assert "content-length" not in {k.lower() for k in r.request.headers}
        assert r.status_code == 413
        assert "上传内容过大" in (r.json()["error"]["message"] if accept == "application/json" else r.text)
        assert len(sent) < n_chunks  # stopped while streaming
    small = head + variant_files()["script-2022.txt"] + f"\r\n--{boundary}--\r\n".encode()

    async def small_body():
        yield small

    r = c.post("/upload", content=small_body(), headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"})
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "read"  # a small one goes through
    assert fresh.store.counts()["files"] == 1


def test_unsupported_content_not_stored(fresh):
    c = fresh.client("finance")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)
    r = c.upload([("form.pdf", png), ("form.xlsx", exe), ("empty.txt", b"")]).json()["results"]
    assert [x["status"] for x in r] == ["rejected", "rejected", "rejected"]
    assert "不支持的文件类型" in r[0]["message"]
    assert fresh.store.counts()["files"] == 0


def test_upload_results_and_no_duplicates(fresh):
    c = fresh.client("finance")
    files = variant_files()
    not_project = "部门整体支出绩效自评表\n（2024年度）\n部门名称 某某局\n".encode()
    r = c.upload([("a.txt", files["qibao-2024.txt"]), ("dept.txt", not_project), ("bad.pdf", b"%PDF-1.4\nbroken")])
    res = r.json()["results"]
    assert res[0]["status"] == "read" and res[0]["n_forms"] == 16 and res[0]["n_findings"] > 0
    assert res[1]["status"] == "not_project_form" and res[1]["message"]
    assert res[2]["status"] == "unreadable" and res[2]["message"]
    again = c.upload([("copy-of-a.txt", files["qibao-2024.txt"])]).json()["results"][0]
    assert again["status"] == "duplicate" and again["n_forms"] == 16 and "未重复保存" in again["message"]
    assert fresh.store.counts()["forms"] == 16
    # the HTML answer (no JavaScript): one row per file
    page = c.upload([("a.txt", files["qibao-2024.txt"])], as_json=False)
    assert page.status_code == 200 and "已上传过" in page.text


def test_duplicate_upload_adds_forms_outside_first_scope(fresh):
    files = variant_files()
    fresh.client("unitx").upload([("q.txt", files["qibao-2024.txt"])])
    r = fresh.client("unit7").upload([("q.txt", files["qibao-2024.txt"])]).json()["results"][0]
    assert r["n_forms"] == 16
    assert fresh.store.counts() == {**fresh.store.counts(), "files": 1, "forms": 16}


def test_error_pages_are_chinese_without_traces(env):
    c = env.client("finance")
    r = c.get("/no/such/page")
    assert r.status_code == 404 and "页面不存在" in r.text and "Traceback" not in r.text
    assert c.get("/forms/999999").status_code == 404
    assert c.get("/forms/999999.json").json()["error"]["status"] == 404
    r = c.get("/forms.json", params={"year": "abc"})
    assert r.status_code == 400 and "整数" in r.json()["error"]["message"]
    r = c.request("DELETE", "/forms")
    assert r.status_code == 405 and "不支持" in r.text


def test_server_error_page(fresh, monkeypatch):
    from conftest import Client

    c = Client(fresh.portal, fresh.app, raise_app_exceptions=False).login("finance")

    def boom(*a, **k):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(fresh.store, "dashboard", boom)
    r = c.get("/dashboard")
    assert r.status_code == 500 and "服务器内部错误" in r.text
    assert "secret internal detail" not in r.text and "Traceback" not in r.text
    assert c.get("/dashboard.json").json()["error"]["status"] == 500
