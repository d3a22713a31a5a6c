"""A throwaway PostgreSQL cluster for the web tests: Debian's server binaries
(``/usr/lib/postgresql/*/bin``), a temp folder owned by ``postgres`` (initdb refuses
root, so as root the binaries run through ``runuser -u postgres``), a free port on
127.0.0.1, trust authentication; stopped and removed afterwards."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def find_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def require_pg_bin() -> Path:
    """The folder of initdb/pg_ctl, or skip (fail under JIXIAO_REQUIRE_ALL=1), as support.require_binary."""
    b = find_bin()
    if b is not None:
        return b
    msg = "需要 PostgreSQL 服务器程序 initdb/pg_ctl（apt-get install postgresql）"
    if os.environ.get("JIXIAO_REQUIRE_ALL") == "1":
        pytest.fail(f"JIXIAO_REQUIRE_ALL=1 时不得跳过：{msg}")
    pytest.skip(msg)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.tmp = Path(tempfile.mkdtemp(prefix="jixiao-pg-"))
        self.data = self.tmp / "data"
        self.port = _free_port()
        if self.as_root:
            shutil.chown(self.tmp, "postgres", "postgres")
            os.chmod(self.tmp, 0o700)

    def _run(self, *args: str, timeout: float = 60) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.tmp)
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{res.stdout}\n{res.stderr}")

    def start(self) -> "PgServer":
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        opts = f"-p {self.port} -k {self.tmp} -c listen_addresses=127.0.0.1 -c fsync=off " \
               "-c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.tmp / "log"), "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except Exception:
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{db}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
