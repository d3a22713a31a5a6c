"""Storage of the web app: SQLAlchemy 2 models, Alembic migrations, and the
:class:`Store` the web layer calls (with the role scope applied in one place).

    store = Store.open("sqlite:///jixiao-data/jixiao.sqlite3")   # migrates to head
    store.add_user("finance1", "secret", "finance")
    result = store.add_file(data, "自评表.pdf", user)

A layer above ``ingest``/``scoring``/``checks``: it reads and reviews uploaded
files with the library and keeps the results; it knows nothing of HTTP.
"""

from .db import migrate, open_database, sqlite_url
from .editing import STATUS_ZH, EditConflict
from .models import ROLE_ZH, ROLES
from .sniff import UnsupportedContent, sniff_kind
from .store import FileResult, Limits, Store, StoreError, UploadTooLarge

__all__ = ["EditConflict", "STATUS_ZH", "FileResult", "Limits", "ROLES", "ROLE_ZH", "Store", "StoreError", "UnsupportedContent", "UploadTooLarge",
           "migrate", "open_database", "sniff_kind", "sqlite_url"]
