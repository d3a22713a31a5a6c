"""Fixtures for the render tests: the seed forms, one Chromium and one LibreOffice run per session.

``require_binary`` (tests/support.py) skips a test when a system program is missing and
fails it under ``JIXIAO_REQUIRE_ALL=1`` (CI).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support import require_binary

from jixiao.ingest.text import read_text
from jixiao.scoring import load_rulebook


@pytest.fixture(scope="session")
def require():
    """``require_binary`` as a fixture, for tests in other folders."""
    return require_binary


@pytest.fixture(scope="session")
def forms(seed_path):
    return list(read_text(seed_path))


@pytest.fixture(scope="session")
def shanghai():
    return load_rulebook("shanghai")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    require_binary("chromium")
    from jixiao.render.browser import Browser

    with Browser() as b:
        yield b


@pytest.fixture(scope="session")
def seed_pdfs(tmp_path_factory, forms, browser, shanghai) -> list[Path]:
    from jixiao.render.pdf import write_form_pdf

    d = tmp_path_factory.mktemp("pdf")
    return [write_form_pdf(f, d / f"{i + 1:02d}.pdf", rulebook=shanghai, browser=browser)
            for i, f in enumerate(forms)]
