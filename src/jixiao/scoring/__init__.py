"""Scoring: recompute a form's scores under a regional rulebook.

    from jixiao.scoring import load_rulebook, score_form
    res = score_form(form, load_rulebook("shanghai"))
    res.differences  # printed figures that do not match the recomputation
"""

from .engine import (
    Difference, FundsScore, IndicatorScore, ScoreResult, ScoreSet, budget_score, execution_rate,
    qualitative_score, quantitative_score, score_form, score_funds, score_indicator, units_match,
)
from .rulebook import Rulebook, RulebookError, load_rulebook, rulebook_from_dict, shipped_rulebooks

__all__ = [
    "Difference", "FundsScore", "IndicatorScore", "Rulebook", "RulebookError", "ScoreResult", "ScoreSet",
    "budget_score", "execution_rate", "load_rulebook", "qualitative_score", "quantitative_score",
    "rulebook_from_dict", "score_form", "score_funds", "score_indicator", "shipped_rulebooks", "units_match",
]
