"""Report writers: the review as a terminal report, JSON, CSV and XLSX.
A higher layer: reads :class:`jixiao.checks.Review`, never the reverse."""

from .tabular import FINDING_COLUMNS, write_csv, write_json
from .terminal import print_review
from .xlsx import write_xlsx

__all__ = ["FINDING_COLUMNS", "print_review", "write_csv", "write_json", "write_xlsx"]
