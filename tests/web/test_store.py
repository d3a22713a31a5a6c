"""Storage: migrations, sniffing, keys, the CLI commands (users, serve --sample)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from jixiao.cli import app as cli_app
from jixiao.store import UnsupportedContent, sniff_kind
from jixiao.store.keys import department_key, project_key


def test_migrated_schema(fresh):
    insp = inspect(fresh.store.engine)
    tables = set(insp.get_table_names())
    assert {"users", "sessions", "files", "forms", "indicator_rows", "findings", "review_decisions", "audit_log",
            "alembic_version"} <= tables
    idx = {i["name"] for i in insp.get_indexes("forms")}
    assert {"ix_forms_scope", "ix_forms_project", "ix_forms_grade"} <= idx
    with fresh.store.engine.connect() as conn:
        assert conn.exec_driver_sql("select version_num from alembic_version").scalar() == "0003"
    cols = {c["name"] for c in insp.get_columns("forms")}
    assert {"budget_score_reported", "budget_score_recomputed"} <= cols
    from jixiao.store import migrate

    migrate(fresh.store.engine)  # idempotent at head


def test_migrations_match_models(fresh):
    """The tables the migrations build are the models' (no column or index left out)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from jixiao.store.models import Base

    with fresh.store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if d[0] in ("add_table", "remove_table", "add_column", "remove_column",
                                        "add_index", "remove_index")] == []


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "x")
    return buf.getvalue()


def test_sniff_kinds():
    assert sniff_kind(b"%PDF-1.7 ...", "a.txt") == "pdf"
    assert sniff_kind(_zip(["[Content_Types].xml", "xl/workbook.xml"]), "a.docx") == "xlsx"
    assert sniff_kind(_zip(["[Content_Types].xml", "word/document.xml"]), "a.xlsx") == "docx"
    assert sniff_kind("<!DOCTYPE html><html>".encode(), "a.txt") == "html"
    assert sniff_kind("财政项目支出绩效自评表".encode("gb18030"), "a.pdf") == "text"
    assert sniff_kind("\ufeff财政".encode("utf-16"), "x") == "text"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)
    assert sniff_kind(ole + "Workbook".encode("utf-16-le"), "a.doc") == "xls"
    assert sniff_kind(ole + "WordDocument".encode("utf-16-le"), "a.xls") == "doc"
    for bad in (b"", b"\x89PNG\r\n\x1a\n\x00\x00", _zip(["a.txt"])):
        with pytest.raises(UnsupportedContent):
            sniff_kind(bad, "a.xlsx")


def test_keys():
    assert department_key("上海市闵行区七宝镇人民政府(汇总)") == "上海市闵行区七宝镇人民政府"
    assert department_key("某局（汇总）") == "某局"
    assert project_key("2024年政府雇员经费", "单位") == project_key("2023年度 政府雇员经费", "单位")
    assert project_key("政府雇员经费", "单位A") != project_key("政府雇员经费", "单位B")


def test_users_cli(tmp_path):
    run = CliRunner()
    d = ["--data-dir", str(tmp_path)]
    r = run.invoke(cli_app, ["users", "add", "alice", "--role", "unit", "--unit", "某单位", "--password", "pw-123456"] + d)
    assert r.exit_code == 0, r.output
    r = run.invoke(cli_app, ["users", "add", "bob", "--role", "finance"] + d, input="pw-abcdefg\npw-abcdefg\n")
    assert r.exit_code == 0, r.output
    r = run.invoke(cli_app, ["users", "add", "carol", "--role", "unit", "--password", "pw-123456"] + d)
    assert r.exit_code == 1 and "实施单位" in r.output
    r = run.invoke(cli_app, ["users", "add", "alice", "--role", "admin", "--password", "pw-123456"] + d)
    assert r.exit_code == 1 and "已存在" in r.output
    r = run.invoke(cli_app, ["users", "disable", "alice"] + d)
    assert r.exit_code == 0
    r = run.invoke(cli_app, ["users", "list"] + d)
    assert "alice\tunit" in r.output and "停用" in r.output and "bob\tfinance" in r.output
    from jixiao.store import Store, sqlite_url

    st = Store(sqlite_url(tmp_path))
    assert st.authenticate("alice", "pw-123456") is None  # disabled
    assert st.authenticate("bob", "pw-abcdefg") is not None
    assert st.get_user("bob").password_hash.startswith("$argon2")
    st.close()


def test_serve_sample_loads_forms_and_demo_logins(tmp_path, portal):
    from jixiao.store import Store, sqlite_url
    from jixiao.web import create_app
    from jixiao.web.cli import load_sample

    from conftest import Client

    st = Store(sqlite_url(tmp_path), rulebook="shanghai")
    logins = load_sample(st)
    assert set(logins) == {"demo-unit", "demo-dept", "demo-finance", "demo-admin"}
    assert st.counts()["forms"] == 16
    app = create_app(st)
    for name, pw in logins.items():
        c = Client(portal, app).login(name, pw)
        assert c.get("/forms.json").json()["pagination"]["total"] == 16, name
    st.close()


def test_serve_help():
    r = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert r.exit_code == 0 and "--sample" in r.output and "--database-url" in r.output


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_keep_data(backend, request, tmp_path):
    """0001 → head on a database with a form: the JSON moves to form_data, findings get their
    rank, nothing is lost (no table copy that would cascade deletes), and 0003 builds the
    dashboard summaries from the rows already there."""
    from alembic import command
    from sqlalchemy import MetaData, insert, select

    from jixiao.store.db import alembic_config, make_engine, migrate

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        url = request.getfixturevalue("pg").create_database("jixiao_migration_0002")
    engine = make_engine(url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    md = MetaData()
    md.reflect(engine)
    t = md.tables
    now = datetime.now(timezone.utc)
    with engine.begin() as c:
        c.execute(insert(t["files"]), [dict(id=1, sha256="a" * 64, size=1, kind="text", filename="a.txt", content=b"x",
                                            uploaded_at=now, status="read", message="", rulebook="national",
                                            n_forms=1, n_skipped=0)])
        c.execute(insert(t["forms"]), [dict(id=1, file_id=1, index_in_file=0, data={"project_name": "甲"},
                                            rulebook="national", department="d", unit="u", project_name="甲",
                                            project_key="k" * 40, funds_unit="万元", complete=True, has_errors=True,
                                            n_errors=1, n_warnings=1, n_infos=0, n_indicators=0, created_at=now)])
        c.execute(insert(t["findings"]), [
            dict(id=i, form_id=1, file_id=1, code=code, name="", severity=sev, category="c", field="", message="m",
                 hint="", project_name="甲", evidence={}, department="d", unit="u")
            for i, (code, sev) in enumerate([("JX101", "error"), ("JX201", "warning"), ("JX301", "info")], 1)])
    migrate(engine)
    md = MetaData()
    md.reflect(engine)
    t = md.tables
    with engine.connect() as c:
        assert c.execute(select(t["form_data"].c.data)).scalar_one() == {"project_name": "甲"}
        assert "data" not in t["forms"].c
        assert c.execute(select(t["forms"].c.project_name)).scalar_one() == "甲"
        ranks = dict(c.execute(select(t["findings"].c.severity, t["findings"].c.severity_rank)).all())
        assert ranks == {"error": 0, "warning": 1, "info": 2}
        # 0003: workflow columns with their defaults, and the dashboard summaries built from the rows
        assert c.execute(select(t["forms"].c.status, t["forms"].c.version, t["forms"].c.origin)).one() == \
            ("submitted", 1, "upload")
        df, dg = t["dash_forms"].c, t["dash_findings"].c
        for unit in ("u", "*"):  # the unit's row and its department's rollup
            d = c.execute(select(df.n, df.n_errors, df.rep_pt, df.year, df.department).where(df.unit == unit)).one()
            assert tuple(d) == (1, 1, -1, 0, "d")
            counts = dict(c.execute(select(dg.code, dg.n).where(dg.unit == unit)).all())
            assert counts == {"JX101": 1, "JX201": 1, "JX301": 1}
        assert c.execute(select(t["meta"].c.value)).scalar_one() == 1
    engine.dispose()
