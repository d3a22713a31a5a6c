"""Shared fixtures: the seed text, its forms as text blocks, the goldens."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from support import require_binary

# Speed is measured in benchmarks, not in tests: no per-example deadline (a loaded CI
# machine must not fail a property for being slow).
hypothesis_settings.register_profile("jixiao", deadline=None)
hypothesis_settings.load_profile("jixiao")

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


def assert_matches_golden(got: dict, want: dict) -> None:
    """A form's JSON (``Form.to_json_dict()``) against a hand-checked golden, field by field."""
    for key in ("project_name", "department", "implementing_unit", "year", "funds_unit", "total", "grade"):
        assert got[key] == want[key], key
    for key in ("initial_budget", "adjusted_budget", "executed", "weight", "rate", "score"):
        assert got["funds"][key] == want["funds"][key], f"funds.{key}"
    assert [{k: r[k] for k in ("source", "initial_budget", "adjusted_budget", "executed")}
            for r in got["funds"]["rows"]] == want["funds"]["rows"]
    assert got["goal"] == want["goal"]
    assert len(got["indicators"]) == len(want["indicators"])
    for j, (g, w) in enumerate(zip(got["indicators"], want["indicators"])):
        for key, val in w.items():
            assert g[key] == val, f"indicators[{j}].{key}"


@pytest.fixture(scope="session")
def golden_check():
    """The field-by-field golden comparison, for tests in any folder."""
    return assert_matches_golden


@pytest.fixture(scope="session")
def need_binary():
    """:func:`support.require_binary` as a fixture."""
    return require_binary
