"""Readers: one module per input format. A lower layer: knows the model only.

``read_forms(path)`` picks the reader for a file; ``iter_inputs(paths)``
expands folders. Readers stream forms and raise a :class:`ReadError`
subclass only when a file cannot be read at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import Form
from .errors import (
    BinaryFileError, EmptyFileError, EncodingError, FileTooLargeError, NoFormFoundError, ReadError,
    UnsupportedFormatError,
)
from .text import read_text

# Refuse files larger than this before reading them (a text export of a
# thousand forms is about 6 MB).
MAX_FILE_BYTES = 200 * 1024 * 1024 - 1

TEXT_SUFFIXES = {".txt", ".text", ""}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES


def read_forms(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> Iterator[Form]:
    """Read all forms in one file (streaming)."""
    p = Path(path)
    if not p.exists():
        raise ReadError(p, "文件不存在")
    if p.is_dir():
        raise ReadError(p, "这是一个文件夹，不是文件")
    size = p.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(p, f"文件过大（{size / 1048576:.0f} MB，上限 {max_bytes / 1048576:.0f} MB），未读取")
    suffix = p.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return read_text(p)
    raise UnsupportedFormatError(p, f"暂不支持“{suffix}”格式（目前支持：文本导出 .txt）")


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
    "BinaryFileError", "EmptyFileError", "EncodingError", "FileTooLargeError", "NoFormFoundError", "ReadError",
    "UnsupportedFormatError", "iter_inputs", "read_forms", "read_text", "MAX_FILE_BYTES",
]
