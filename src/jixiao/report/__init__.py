"""Report writers: the review as a terminal report, JSON, CSV and XLSX, and the
review report (HTML + XLSX + PDF with charts, :func:`build_report`).
A higher layer: reads :class:`jixiao.checks.Review`, never the reverse."""

from .build import build_report
from .tabular import FINDING_COLUMNS, write_csv, write_json
from .terminal import print_review
from .xlsx import write_xlsx

__all__ = ["FINDING_COLUMNS", "build_report", "print_review", "write_csv", "write_json", "write_xlsx"]
