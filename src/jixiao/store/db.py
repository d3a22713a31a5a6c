"""Engine, sessions and migrations.

``open_database(url)`` creates the engine and runs ``alembic upgrade head``
programmatically with the migrations shipped in this package, so a new data
folder (SQLite) or an empty PostgreSQL database is ready on first start.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc as sa_exc
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"

# SQLite stores Numeric as REAL-compatible text; SQLAlchemy warns once per type.
# The amounts have at most 4 decimals and are quantized on the way in.
warnings.filterwarnings("ignore", category=sa_exc.SAWarning, message=r".*does \*not\* support Decimal objects.*")


def sqlite_url(data_dir: str | Path) -> str:
    d = Path(data_dir)
    d.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(d / 'jixiao.sqlite3').resolve()}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # foreign keys (ON DELETE CASCADE) and concurrent readers
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """``alembic upgrade head`` on this database."""
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_database(url: str, *, upgrade: bool = True) -> tuple[Engine, sessionmaker]:
    engine = make_engine(url)
    if upgrade:
        migrate(engine)
    return engine, sessionmaker(engine, expire_on_commit=False)
