"""Shared fixtures: the seed text, its forms as text blocks, the goldens."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jixiao.cli import sample_path

HERE = Path(__file__).parent
GOLDEN_DIR = HERE / "golden" / "seed"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return sample_path()


@pytest.fixture(scope="session")
def seed_text(seed_path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_blocks(seed_text) -> list[str]:
    """The seed split into one text block per form (each starts with its title)."""
    parts = re.split(r"(?m)^(?=财政项目支出绩效自评表$)", seed_text)
    blocks = [p for p in parts if "项目名称" in p]
    assert len(blocks) == 16
    return blocks


@pytest.fixture(scope="session")
def goldens() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLDEN_DIR.glob("*.json"))]
