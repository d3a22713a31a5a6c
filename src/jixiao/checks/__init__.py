"""Review: a catalogue of quality checks over forms, working like a linter.

Each family module registers its checks (codes JX1xx arithmetic, JX2xx
score vs values, JX3xx deviation notes, JX4xx consistency, JX5xx indicator
design, JX6xx actual values, JX7xx satisfaction, JX8xx narrative, JX9xx
across forms). A lower layer: knows the model and the scoring engine.
"""

from __future__ import annotations

import importlib

from .base import CATEGORIES, REGISTRY, SEVERITIES, SEVERITY_RANK, SEVERITY_ZH, CheckInfo, Finding, Hit
from .config import ReviewConfig, ReviewConfigError, Settings
from .context import FormContext
from .runner import FormRecord, Review, Reviewer, review_forms

FAMILIES = ("arithmetic", "score", "deviation", "consistency", "design", "actual", "satisfaction", "narrative",
            "batch")


def load_families() -> None:
    """Import every family module so its checks register (idempotent)."""
    for fam in FAMILIES:
        try:
            importlib.import_module(f"{__name__}.{fam}")
        except ModuleNotFoundError as exc:  # a family not written yet
            if exc.name != f"{__name__}.{fam}":
                raise


__all__ = [
    "CATEGORIES", "FAMILIES", "REGISTRY", "SEVERITIES", "SEVERITY_RANK", "SEVERITY_ZH", "CheckInfo", "Finding",
    "FormContext", "FormRecord", "Hit", "Review", "ReviewConfig", "ReviewConfigError", "Reviewer", "Settings",
    "load_families", "review_forms",
]
