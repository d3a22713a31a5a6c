"""Helpers shared by the test folders (importable as ``support``: pytest's
``pythonpath`` has ``tests``)."""

from __future__ import annotations

import os
import shutil

import pytest

INSTALL_HINT = {
    "chromium": "apt-get install chromium fonts-noto-cjk",
    "soffice": "apt-get install libreoffice-calc-nogui libreoffice-writer-nogui",
    "libreoffice": "apt-get install libreoffice-calc-nogui libreoffice-writer-nogui",
    "pdftoppm": "apt-get install poppler-utils",
    "pdftotext": "apt-get install poppler-utils",
    "pdffonts": "apt-get install poppler-utils",
}


def require_binary(*names: str) -> str:
    """The path of the first of ``names`` found on PATH; otherwise skip the
    test, or fail it when ``JIXIAO_REQUIRE_ALL=1`` (CI installs every system
    package through scripts/system-deps.sh, so a missing one there is an
    installation bug, not a reason to skip)."""
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    hint = INSTALL_HINT.get(names[0], "scripts/system-deps.sh")
    msg = f"需要系统程序 {' 或 '.join(names)}（{hint}）"
    if os.environ.get("JIXIAO_REQUIRE_ALL") == "1":
        pytest.fail(f"JIXIAO_REQUIRE_ALL=1 时不得跳过：{msg}")
    pytest.skip(msg)
