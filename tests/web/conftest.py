"""Fixtures of the web tests: every test runs against SQLite and against a real
PostgreSQL server (started once per session, see pgserver.py).

``env`` is a loaded app shared by the read-only tests of one backend: the sample
(七宝镇, 2024), the same forms as 2023, the same forms of another town (莘庄镇), and one
form whose project name holds ``<script>``; one user per role and scope.
``fresh`` is an empty app for tests that upload or change things.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from anyio.from_thread import start_blocking_portal

from jixiao.cli import sample_path
from jixiao.store import Limits, Store
from jixiao.web import create_app

from pgserver import PgServer, require_pg_bin

# Cheap argon2 parameters in tests (the hash format and checks are the same; production
# keeps argon2-cffi's defaults): the suite creates and logs in hundreds of users.
import jixiao.store.passwords as _passwords  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402

_passwords._PH = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)

PASSWORD = "correct-horse-1"
QIBAO_UNIT = "上海市闵行区七宝镇城市运行管理中心"
QIBAO_DEPT = "上海市闵行区七宝镇人民政府"
XINZHUANG_UNIT = "上海市闵行区莘庄镇城市运行管理中心"
XINZHUANG_DEPT = "上海市闵行区莘庄镇人民政府"
SCRIPT_NAME = '<script>alert("x")</script>政府雇员经费'

USERS = {  # username: (role, unit, department)
    "unit7": ("unit", QIBAO_UNIT, QIBAO_DEPT),
    "dept7": ("department", "", QIBAO_DEPT),
    "unitx": ("unit", XINZHUANG_UNIT, XINZHUANG_DEPT),
    "deptx": ("department", "", XINZHUANG_DEPT),
    "finance": ("finance", "", ""),
    "admin": ("admin", "", ""),
}
TEST_LIMITS = Limits(max_file_bytes=2 * 1024 * 1024, max_files=5)


def sample_text() -> str:
    return sample_path().read_text(encoding="utf-8")


def variant_files() -> dict[str, bytes]:
    """The files loaded into ``env`` (name -> bytes)."""
    text = sample_text()
    first = text[: text.index("财政项目支出绩效自评表", text.index("财政项目支出绩效自评表") + 1)]
    script = first.replace("（2024年度）", "（2022年度）").replace("项目名称 政府雇员经费", f"项目名称 {SCRIPT_NAME}")
    return {
        "qibao-2024.txt": text.encode("utf-8"),
        "qibao-2023.txt": text.replace("（2024年度）", "（2023年度）").encode("utf-8"),
        "xinzhuang-2024.txt": text.replace("七宝镇", "莘庄镇").encode("utf-8"),
        "script-2022.txt": script.encode("utf-8"),
    }


class Client:
    """A synchronous face on httpx.AsyncClient over the ASGI app (in process)."""

    def __init__(self, portal, app, **kw):
        self.portal = portal
        self.c = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, **kw), base_url="http://testserver")
        self.csrf = ""

    def request(self, method: str, url: str, **kw) -> httpx.Response:
        return self.portal.call(lambda: self.c.request(method, url, **kw))

    def get(self, url: str, **kw) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw) -> httpx.Response:
        return self.request("POST", url, **kw)

    def login(self, username: str, password: str = PASSWORD) -> "Client":
        page = self.get("/login")
        tok = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = self.post("/login", data={"username": username, "password": password, "csrf_token": tok,
                                      "next": "/dashboard"})
        assert r.status_code == 303, r.text
        self.csrf = self.get("/me.json").json()["csrf_token"]
        return self

    def upload(self, files: list[tuple[str, bytes]], *, as_json: bool = True, csrf: bool = True) -> httpx.Response:
        headers = {"Accept": "application/json"} if as_json else {}
        data = {"csrf_token": self.csrf} if csrf else {}
        return self.post("/upload", files=[("files", (n, b)) for n, b in files], data=data, headers=headers)


@dataclass
class Env:
    backend: str
    store: Store
    app: object
    portal: object

    def client(self, username: str | None = None, **kw) -> Client:
        c = Client(self.portal, self.app, **kw)
        return c.login(username) if username else c


@pytest.fixture(scope="session")
def portal():
    with start_blocking_portal() as p:
        yield p


@pytest.fixture(scope="session")
def pg():
    server = PgServer(require_pg_bin()).start()
    yield server
    server.stop()


_db_numbers = itertools.count(1)


def _new_store(backend: str, request, tmp_path_factory) -> Store:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'jixiao.sqlite3'}"
    else:
        url = request.getfixturevalue("pg").create_database(f"jixiao_test_{next(_db_numbers)}")
    return Store(url, rulebook="shanghai", limits=TEST_LIMITS)


def _add_users(store: Store) -> None:
    for name, (role, unit, dept) in USERS.items():
        store.add_user(name, PASSWORD, role, unit=unit, department=dept)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def env(request, tmp_path_factory, portal) -> Env:
    store = _new_store(request.param, request, tmp_path_factory)
    _add_users(store)
    finance = store.get_user("finance")
    for name, data in variant_files().items():
        res = store.add_file(data, name, finance)
        assert res.status == "read", res
    yield Env(request.param, store, create_app(store), portal)
    store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request, tmp_path_factory, portal) -> Env:
    store = _new_store(request.param, request, tmp_path_factory)
    _add_users(store)
    yield Env(request.param, store, create_app(store), portal)
    store.close()
