"""Fixtures for the grid readers: the seed laid out as the official table."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.ingest.text import read_text

from .render import to_html, to_markdown

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="session")
def seed_models(seed_path):
    return list(read_text(seed_path))


@pytest.fixture(scope="session")
def seed_html(tmp_path_factory, seed_models) -> Path:
    p = tmp_path_factory.mktemp("html") / "seed.html"
    p.write_text(to_html(seed_models), encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def seed_pipe(tmp_path_factory, seed_models) -> Path:
    p = tmp_path_factory.mktemp("pipe") / "seed-pipe.txt"
    p.write_text(to_markdown(seed_models), encoding="utf-8")
    return p
