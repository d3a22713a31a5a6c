"""The data model. A lower layer: imports nothing else from jixiao."""

from .form import (
    Confidence, ConfidenceReason, Form, FundRow, Funds, Goal, Indicator, Location, ParsedValue, ReadWarning,
    Source, form_json_schema,
)
from .values import normalize_comparison, parse_number, parse_value

__all__ = [
    "Confidence", "ConfidenceReason", "Form", "FundRow", "Funds", "Goal", "Indicator", "Location", "ParsedValue",
    "ReadWarning", "Source",
    "form_json_schema", "normalize_comparison", "parse_number", "parse_value",
]
