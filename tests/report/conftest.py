"""Shared fixtures: the sample reviewed under its rulebook, and its report built once."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import require_binary

from jixiao.checks import ReviewConfig, Reviewer
from jixiao.cli import sample_path
from jixiao.ingest import read_forms
from jixiao.scoring import load_rulebook

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def need_chromium() -> str:
    """The Chromium path; skip without it, unless JIXIAO_REQUIRE_ALL=1 (then fail)."""
    return require_binary("chromium", "chromium-browser")


def review_of(forms, rulebook: str = "shanghai", **kw):
    rb = load_rulebook(rulebook)
    r = Reviewer(rb, ReviewConfig.build(rb), **kw)
    for f in forms:
        r.add(f)
    return r.finish()


@pytest.fixture(scope="session")
def sample_forms():
    return list(read_forms(sample_path()))


@pytest.fixture(scope="session")
def sample_review(sample_forms):
    return review_of(sample_forms)


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory, sample_forms, sample_review) -> dict[str, Path]:
    """The sample's report as HTML and XLSX (and PDF when Chromium is there)."""
    from jixiao.report.build import build_report

    out = tmp_path_factory.mktemp("report")
    import shutil

    formats = ("html", "xlsx", "pdf") if shutil.which("chromium") else ("html", "xlsx")
    return build_report(sample_forms, sample_review, out, formats=formats)


@pytest.fixture(scope="session")
def report_html(report_dir) -> str:
    return report_dir["html"].read_text(encoding="utf-8")
