"""The app for ``jixiao serve --workers N`` (and any ASGI server): ``jixiao.web.asgi:create``
is a factory configured by environment variables, because each worker process opens its own
store. ``JIXIAO_DATABASE_URL`` (required), ``JIXIAO_RULEBOOK`` (default national),
``JIXIAO_MAX_FILE_BYTES``, ``JIXIAO_MAX_FILES``. Example::

    JIXIAO_DATABASE_URL=postgresql+psycopg://… uvicorn --factory jixiao.web.asgi:create --workers 4
"""

from __future__ import annotations

import os

from ..store import Limits, Store
from .app import create_app


def create():
    url = os.environ.get("JIXIAO_DATABASE_URL")
    if not url:
        raise RuntimeError("JIXIAO_DATABASE_URL 未设置（例如 sqlite:///jixiao-data/jixiao.sqlite3）")
    d = Limits()
    limits = Limits(max_file_bytes=int(os.environ.get("JIXIAO_MAX_FILE_BYTES", d.max_file_bytes)),
                    max_files=int(os.environ.get("JIXIAO_MAX_FILES", d.max_files)))
    return create_app(Store(url, rulebook=os.environ.get("JIXIAO_RULEBOOK", "national"), limits=limits))
