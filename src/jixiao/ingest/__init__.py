"""Readers: one module per input format. A lower layer: knows the model only.

``read_forms(path)`` picks the reader for a file; ``iter_inputs(paths)``
expands folders. Readers stream forms and raise a :class:`ReadError`
subclass only when a file cannot be read at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import Form
from .celllines import looks_like_cell_lines, read_celllines
from .confidence import assess_confidence, with_confidence
from .decode import detect_encoding
from .docx import read_doc, read_docx
from .errors import (
    BinaryFileError, CorruptFileError, EmptyFileError, EncodingError, EncryptedFileError, FileTooLargeError,
    FormatMismatchError, NeedsOCRError, NoFormFoundError, NotProjectFormError, ReadError, UnsupportedFormatError,
    ZipBombError,
)
from .gridform import not_project_verdict
from .html import read_html
from .normalize import looks_traditional, normalize_cell_text
from .pdf import read_pdf
from .pipetext import looks_like_pipe_table, read_pipetext
from .runtogether import looks_run_together, read_runtogether
from .text import read_text
from .xlsx import read_xls, read_xlsx

# Refuse files larger than this before reading them (a text export of a
# thousand forms is about 6 MB).
MAX_FILE_BYTES = 200 * 1024 * 1024 - 1

TEXT_SUFFIXES = {".txt", ".text", ""}
HTML_SUFFIXES = {".html", ".htm"}
SNIFF_BYTES = 64 * 1024
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | XLSX_SUFFIXES | {".xls", ".docx", ".doc", ".pdf"}


def sniff_text(path: Path) -> str:
    """Which reader a text file needs, from its content: ``html`` (a web page
    saved as .txt), ``pipe`` (a copy of a web table), ``celllines`` (a table
    flattened to one cell per paragraph), ``runtogether`` (cells run together
    on long lines, no separators) or ``text`` (pdftotext).

    Also refuses, with the reason, a file that holds a department-whole,
    transfer-payment or rubric form (:class:`NotProjectFormError`)."""
    with open(path, "rb") as f:
        sample = f.read(SNIFF_BYTES)
    try:
        encoding = detect_encoding(path, sample)
    except ReadError:
        return "text"  # the text reader names the problem precisely (with its line)
    head = sample.decode(encoding, errors="replace")
    lines = [ln for ln in head.splitlines() if ln.strip()]
    if lines and lines[0].lstrip("\ufeff").lstrip().lower().startswith(("<!doctype html", "<html")):
        return "html"
    traditional = looks_traditional(lines[:200])
    texts = [normalize_cell_text(ln, traditional=traditional)[0] for ln in lines[:400]]
    verdict = not_project_verdict(texts)
    if verdict is not None:
        raise NotProjectFormError(path, verdict[1], form_kind=verdict[0])
    if looks_like_pipe_table(head):
        return "pipe"
    if looks_like_cell_lines(head):
        return "celllines"
    return "runtogether" if looks_run_together(head) else "text"


def _is_pdf(path: Path) -> bool:
    """A PDF saved under a text name (the first bytes are ``%PDF-``)."""
    with open(path, "rb") as f:
        return f.read(5) == b"%PDF-"


def read_forms(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> Iterator[Form]:
    """Read all forms in one file (streaming); each carries its confidence report."""
    return map(with_confidence, _reader_for(path, max_bytes))


def _reader_for(path: str | Path, max_bytes: int) -> Iterator[Form]:
    p = Path(path)
    if not p.exists():
        raise ReadError(p, "文件不存在")
    if p.is_dir():
        raise ReadError(p, "这是一个文件夹，不是文件")
    size = p.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(p, f"文件过大（{size / 1048576:.0f} MB，上限 {max_bytes / 1048576:.0f} MB），未读取")
    suffix = p.suffix.lower()
    if suffix == ".pdf" or (suffix in TEXT_SUFFIXES and _is_pdf(p)):
        return read_pdf(p)
    if suffix in HTML_SUFFIXES:
        return read_html(p)
    if suffix in TEXT_SUFFIXES:
        kind = sniff_text(p)
        if kind == "html":
            return read_html(p)
        if kind == "pipe":
            return read_pipetext(p)
        if kind == "celllines":
            return read_celllines(p)
        if kind == "runtogether":
            return read_runtogether(p)
        return read_text(p)
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(p)
    if suffix == ".xls":
        return read_xls(p)
    if suffix == ".docx":
        return read_docx(p)
    if suffix == ".doc":
        return read_doc(p)
    raise UnsupportedFormatError(p, f"暂不支持“{suffix}”格式（目前支持：文本导出 .txt、网页 .html/.htm、"
                                    "Excel .xlsx/.xlsm/.xls、Word .docx/.doc、PDF .pdf）")


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand folders (recursively, sorted) into the supported files inside them."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not f.name.startswith("."):
                    yield f
        else:
            yield p


__all__ = [
    "assess_confidence", "BinaryFileError", "CorruptFileError", "EmptyFileError", "EncodingError", "EncryptedFileError",
    "FileTooLargeError", "FormatMismatchError", "NeedsOCRError", "NoFormFoundError", "NotProjectFormError",
    "ReadError", "UnsupportedFormatError", "ZipBombError", "iter_inputs", "read_doc", "read_docx", "read_forms",
    "read_celllines", "read_html", "read_runtogether", "read_pdf", "read_pipetext", "read_text", "read_xls", "read_xlsx", "sniff_text", "MAX_FILE_BYTES",
]
