"""``jixiao serve --workers 2``: two processes on one SQLite database. A write through one
worker must show in the other's dashboard at once (their caches follow meta.data_version)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx

from jixiao.cli import sample_path
from jixiao.store import Store

PASSWORD = "workers-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_workers_share_the_data(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'jixiao.sqlite3'}", rulebook="shanghai")
    store.add_user("fin", PASSWORD, "finance")
    store.close()
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-c", "from jixiao.cli import main; main()", "serve", "--port", str(port),
                             "--data-dir", str(data), "--rulebook", "shanghai", "--workers", "2"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "COLUMNS": "200"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        # several fresh connections: uvicorn's workers share the socket, so both get requests
        for _ in range(12):
            with httpx.Client(base_url=base, timeout=30) as c:
                tok = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
                assert c.post("/login", data={"username": "fin", "password": PASSWORD,
                                              "csrf_token": tok}).status_code == 303
                assert c.get("/dashboard.json").json()["summary"]["forms"] == 0
        with httpx.Client(base_url=base, timeout=120) as c:
            tok = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
            c.post("/login", data={"username": "fin", "password": PASSWORD, "csrf_token": tok})
            csrf = c.get("/me.json").json()["csrf_token"]
            r = c.post("/upload", files=[("files", ("qibao.txt", sample_path().read_bytes()))],
                       data={"csrf_token": csrf}, headers={"Accept": "application/json"})
            assert r.status_code == 200 and r.json()["results"][0]["n_forms"] == 16
            cookie = c.cookies
        for _ in range(12):  # every worker, on new connections, sees the upload
            with httpx.Client(base_url=base, timeout=30, cookies=cookie) as c:
                assert c.get("/dashboard.json").json()["summary"]["forms"] == 16
        out = (tmp_path / "serve.log").read_text()
        pids = set(re.findall(r"Started server process \[(\d+)\]", out))
        assert len(pids) == 2, out
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
