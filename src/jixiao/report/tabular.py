"""JSON and CSV forms of a review."""

from __future__ import annotations

import csv
import json
from typing import IO

from ..checks import Review

# Column order of the findings table (CSV and the XLSX sheet).
FINDING_COLUMNS = ("code", "severity", "category", "name", "project_name", "file", "field", "page", "line",
                   "end_line", "cell", "message", "hint", "evidence")


def write_json(review: Review, out: IO[str]) -> None:
    json.dump(review.to_json_dict(), out, ensure_ascii=False, indent=2)
    out.write("\n")


def finding_rows(review: Review):
    for f in review.findings:
        d = f.to_json_dict()
        loc = d.pop("location") or {}
        d["page"], d["line"], d["end_line"] = loc.get("page"), loc.get("line"), loc.get("end_line")
        cell = loc.get("cell")
        d["cell"] = (f"{loc['sheet']}!{cell}" if loc.get("sheet") and cell else cell) or None
        d["evidence"] = json.dumps(d["evidence"], ensure_ascii=False)
        yield [d.get(c) for c in FINDING_COLUMNS]


def write_csv(review: Review, out: IO[str]) -> None:
    """One row per finding. UTF-8 with BOM so Excel opens the Chinese text right."""
    out.write("\ufeff")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(FINDING_COLUMNS)
    for row in finding_rows(review):
        w.writerow(["" if v is None else v for v in row])
