"""Checks made on Office files before a library opens them.

``.xlsx``/``.xlsm``/``.docx`` are zip packages. Before openpyxl or
python-docx sees one, :func:`check_office_zip` refuses, with a typed
:class:`~.errors.ReadError`:

* a damaged zip (:class:`CorruptFileError`);
* a zip bomb: members that would unpack to more than :data:`MAX_UNZIPPED_BYTES`
  in all, or a large member compressed more than :data:`MAX_RATIO` times
  (:class:`ZipBombError`). Only the zip directory is read for this; Python's
  ``zipfile`` never inflates a member past its declared size, so the declared
  sizes bound what the libraries can unpack later;
* a package that is not what its extension says (a .xlsx holding a Word
  document, or not a zip at all: a web page, plain text, a PDF, a legacy OLE
  file) (:class:`FormatMismatchError`), saying what the file really is.

:func:`sniff_kind` names what a file's first bytes show; the ``.xls`` reader
uses it too (budget systems often save a web page or an .xlsx as ``.xls``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import CorruptFileError, EmptyFileError, FormatMismatchError, ZipBombError

MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
# A member is checked for its ratio only from this size on (small XML parts
# of real files can compress very well).
RATIO_MIN_BYTES = 10 * 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# What each kind is called in messages.
KIND_NAMES = {
    "xlsx": "Excel 工作簿（.xlsx）",
    "docx": "Word 文档（.docx）",
    "zip": "zip 压缩包（不是 Excel 或 Word 文件）",
    "ole": "旧版 Office 文件（.xls/.doc），或加密的 Office 文件",
    "html": "网页（HTML）文件",
    "pdf": "PDF 文件",
    "text": "纯文本文件",
    "binary": "无法识别的二进制文件",
    "empty": "空文件",
}


def sniff_kind(path: Path) -> str:
    """``xlsx``, ``docx``, ``zip`` (another zip), ``ole``, ``html``, ``pdf``,
    ``text``, ``binary`` or ``empty``, from the content only. A damaged zip
    raises :class:`CorruptFileError`."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if not head:
        return "empty"
    if head.startswith(b"PK"):
        return _zip_kind(path)
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    stripped = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<table" in stripped[:2048]:
        return "html"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    if b"\x00" in head:
        return "binary"
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
        except UnicodeDecodeError:
            # a multi-byte character cut at the end of the sample
            try:
                head[:-3].decode(enc)
            except UnicodeDecodeError:
                continue
        return "text"
    return "binary"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise CorruptFileError(path, f"文件已损坏：不是完整的 zip 包，无法打开（{exc}）") from None
    if "[Content_Types].xml" in names:
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("word/") for n in names):
            return "docx"
    return "zip"


def check_office_zip(path: Path, expected: str) -> None:
    """Refuse ``path`` unless it is a sound zip package of kind ``expected``
    (``xlsx`` or ``docx``); see the module docstring."""
    kind = sniff_kind(path)
    if kind == "empty":
        raise EmptyFileError(path, "文件是空的（0 字节）")
    if kind not in ("xlsx", "docx", "zip"):
        raise FormatMismatchError(path, f"文件内容与扩展名“{path.suffix}”不符：这是{KIND_NAMES[kind]}，"
                                        f"不是{KIND_NAMES[expected]}")
    # any zip is checked for its sizes before its kind is held against it
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:  # pragma: no cover - sniffed above
        raise CorruptFileError(path, f"文件已损坏，无法打开（{exc}）") from None
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise ZipBombError(path, f"解压后将达 {total / 1048576:.0f} MB（上限 {MAX_UNZIPPED_BYTES / 1048576:.0f} MB），"
                                 "疑似压缩炸弹，未读取")
    for i in infos:
        if i.file_size >= RATIO_MIN_BYTES and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise ZipBombError(path, f"压缩包中的“{i.filename}”压缩比超过 {MAX_RATIO} 倍"
                                     f"（{i.compress_size} → {i.file_size} 字节），疑似压缩炸弹，未读取")
    if kind != expected:
        raise FormatMismatchError(path, f"文件内容与扩展名“{path.suffix}”不符：这是{KIND_NAMES['zip']}，"
                                        f"不是{KIND_NAMES[expected]}")
