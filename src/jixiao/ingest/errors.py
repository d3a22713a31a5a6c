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


class CorruptFileError(ReadError):
    """A file of a known format that its library cannot open (a damaged zip,
    a workbook or document whose parts are missing or malformed)."""

    kind = "corrupt"


class NeedsOCRError(ReadError):
    """A PDF with no text layer (a scan or images of pages): only OCR could
    read it, and jixiao does not guess at images."""

    kind = "needs_ocr"


class EncryptedFileError(ReadError):
    """A file that cannot be opened without a password (an encrypted PDF)."""

    kind = "encrypted"


class ZipBombError(ReadError):
    """An Office (zip) file that would unpack to far more than any real form
    file: refused before any part of it is decompressed."""

    kind = "zip_bomb"


class FormatMismatchError(ReadError):
    """The content does not match the extension (a .xlsx that is really a Word
    document, a web page or plain text); the message says what it is."""

    kind = "format_mismatch"


class NotProjectFormError(ReadError):
    """The file holds a form, but not a project self-evaluation form
    (部门整体 / 转移支付 / the old 决策-管理-绩效 rubric): reading it as one
    would half-read it, so it is refused with the reason. ``form_kind`` names
    what it is: ``department_whole``, ``transfer_payment`` or ``rubric``."""

    kind = "not_project_form"

    def __init__(self, path: str | Path, reason: str, *, form_kind: str, line: int | None = None):
        self.form_kind = form_kind
        super().__init__(path, reason, line=line)

    def to_dict(self) -> dict:
        return {**super().to_dict(), "form_kind": self.form_kind}
