"""Typed errors for "cannot read this file at all".

Readers raise these only when nothing trustworthy can come out of a file;
everything short of that is a warning on the form. Each error names the file
and, where known, the place, and has a Chinese message for the user.
"""

from __future__ import annotations

from pathlib import Path


class ReadError(Exception):
    """A file that cannot be read. ``reason`` is Chinese, for the user."""

    kind = "unreadable"

    def __init__(self, path: str | Path, reason: str, *, line: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}" + (f" 第{line}行" if line else "")
        super().__init__(f"{where}：{reason}")

    def to_dict(self) -> dict:
        return {"file": self.path, "error": self.kind, "message": str(self), "line": self.line}


class EmptyFileError(ReadError):
    kind = "empty"


class BinaryFileError(ReadError):
    kind = "binary"


class EncodingError(ReadError):
    kind = "encoding"


class NoFormFoundError(ReadError):
    kind = "no_form"


class FileTooLargeError(ReadError):
    kind = "too_large"


class UnsupportedFormatError(ReadError):
    kind = "unsupported_format"
