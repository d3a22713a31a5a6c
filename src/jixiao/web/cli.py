"""Commands of the web app: ``jixiao serve`` and ``jixiao users add|list|disable``.

Registered on the main CLI by ``jixiao/cli.py`` (``register(app)``). Thin: they open the
:class:`~jixiao.store.Store` and call it, or start uvicorn on :func:`jixiao.web.create_app`.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DataDir = Annotated[Path, typer.Option("--data-dir", help="数据文件夹（SQLite 数据库），默认 ./jixiao-data")]
DbUrl = Annotated[Optional[str], typer.Option(
    "--database-url", help="数据库地址，如 postgresql+psycopg://用户:密码@主机/库名；不给时用数据文件夹中的 SQLite")]

users_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                        help="管理网页应用的用户 / manage the web app's users.")

# Demo accounts of ``serve --sample``: the sample's unit and department.
SAMPLE_UNIT = "上海市闵行区七宝镇城市运行管理中心"
SAMPLE_DEPARTMENT = "上海市闵行区七宝镇人民政府"


def _url(data_dir: Path, database_url: str | None) -> str:
    from ..store import sqlite_url

    return database_url or sqlite_url(data_dir)


def _open(data_dir: Path, database_url: str | None, rulebook: str = "national", limits=None):
    from ..store import Store

    try:
        return Store(_url(data_dir, database_url), rulebook=rulebook, limits=limits)
    except Exception as exc:  # a wrong URL, a server that is down: say so, no trace
        err.print(f"[red]无法打开数据库：[/red]{type(exc).__name__}: {exc}")
        raise typer.Exit(1)


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[str, typer.Option("--role", help="角色：unit（填报单位）、department（主管部门）、finance（财政）、admin")],
    unit: Annotated[str, typer.Option("--unit", help="实施单位（填报单位用户必填）")] = "",
    department: Annotated[str, typer.Option("--department", help="主管部门（主管部门用户必填；填报单位用户可选）")] = "",
    display_name: Annotated[str, typer.Option("--name", help="显示名称")] = "",
    password: Annotated[str, typer.Option("--password", prompt="密码", hide_input=True, confirmation_prompt=True,
                                          help="密码（至少 8 个字符；不给时提示输入）")] = "",
    data_dir: DataDir = Path("jixiao-data"),
    database_url: DbUrl = None,
):
    """添加用户 / add a user."""
    from ..store import StoreError

    store = _open(data_dir, database_url)
    try:
        user = store.add_user(username, password, role, unit=unit, department=department, display_name=display_name)
    except StoreError as exc:
        err.print(f"[red]错误：[/red]{exc}")
        raise typer.Exit(1)
    finally:
        store.close()
    out.print(f"已添加用户 {user.username}（{role}）")


@users_app.command("list")
def users_list(data_dir: DataDir = Path("jixiao-data"), database_url: DbUrl = None):
    """列出用户 / list users."""
    from ..store import ROLE_ZH

    store = _open(data_dir, database_url)
    try:
        for u in store.list_users():
            scope = u.unit or u.department or "全部"
            typer.echo(f"{u.username}\t{u.role}\t{ROLE_ZH.get(u.role, u.role)}\t{scope}\t{'启用' if u.active else '停用'}")
    finally:
        store.close()


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="用户名")],
                  data_dir: DataDir = Path("jixiao-data"), database_url: DbUrl = None):
    """停用用户（并结束其登录）/ disable a user and end their sessions."""
    from ..store import StoreError

    store = _open(data_dir, database_url)
    try:
        store.set_active(username, False)
    except StoreError as exc:
        err.print(f"[red]错误：[/red]{exc}")
        raise typer.Exit(1)
    finally:
        store.close()
    out.print(f"已停用用户 {username}")


def load_sample(store) -> dict[str, str]:
    """Load the 16 sample forms and create one demo user per role; returns {username: password}."""
    from ..cli import sample_path

    logins = {}
    demo = [("unit", "demo-unit", SAMPLE_UNIT, SAMPLE_DEPARTMENT), ("department", "demo-dept", "", SAMPLE_DEPARTMENT),
            ("finance", "demo-finance", "", ""), ("admin", "demo-admin", "", "")]
    for role, name, unit, dept in demo:
        pw = secrets.token_urlsafe(9)
        store.add_user(name, pw, role, unit=unit, department=dept, actor="serve --sample")
        logins[name] = pw
    finance = store.get_user("demo-finance")
    store.add_file(sample_path().read_bytes(), sample_path().name, finance)
    return logins


def serve(
    sample: Annotated[bool, typer.Option("--sample", help="在新的临时 SQLite 数据库中载入 16 张样例自评表，并打印各角色的演示账户")] = False,
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    data_dir: DataDir = Path("jixiao-data"),
    database_url: DbUrl = None,
    rulebook: Annotated[Optional[str], typer.Option("--rulebook", "-r", help="评分规则（默认 national，--sample 时 shanghai）")] = None,
    max_file_mb: Annotated[int, typer.Option("--max-file-mb", help="单个上传文件的上限（MB）")] = 20,
    max_files: Annotated[int, typer.Option("--max-files", help="一次上传的文件数上限")] = 50,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64,
                                         help="工作进程数（默认 1；多核服务器可设为 CPU 核数）")] = 1,
):
    """启动网页应用 / start the web app."""
    import uvicorn

    from ..store import Limits
    from . import create_app

    tmp = None
    if sample and database_url is None:
        tmp = tempfile.TemporaryDirectory(prefix="jixiao-sample-")
        data_dir = Path(tmp.name)
    rb = rulebook or ("shanghai" if sample else "national")
    store = _open(data_dir, database_url, rb, Limits(max_file_bytes=max_file_mb * 1024 * 1024, max_files=max_files))
    if sample:
        logins = load_sample(store)
        out.print(f"已载入样例：{store.counts()['forms']} 张自评表（评分规则 {rb}），数据在 {data_dir if tmp is None else '临时文件夹'}")
        out.print("演示账户（密码每次启动随机生成）：")
        for name, pw in logins.items():
            out.print(f"  {name:<13} 密码 {pw}")
    out.print(f"网页应用：http://{host}:{port}/  （API 说明：/api，OpenAPI：/openapi.json）")
    try:
        if workers == 1:
            uvicorn.run(create_app(store), host=host, port=port, log_level="info", proxy_headers=True)
        else:
            # Each worker process opens the database itself (already migrated above) through
            # jixiao.web.asgi, configured by environment variables; caches follow
            # meta.data_version, so a write in one worker expires the others' results.
            os.environ.update(JIXIAO_DATABASE_URL=store.url, JIXIAO_RULEBOOK=rb,
                              JIXIAO_MAX_FILE_BYTES=str(store.limits.max_file_bytes),
                              JIXIAO_MAX_FILES=str(store.limits.max_files))
            uvicorn.run("jixiao.web.asgi:create", factory=True, workers=workers, host=host, port=port,
                        log_level="info", proxy_headers=True)
    finally:
        store.close()
        if tmp is not None:
            tmp.cleanup()


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.command("serve")(serve)
