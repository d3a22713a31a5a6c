"""What an uploaded file is, from its bytes (never from its name alone).

The readers pick a reader by the file's suffix; the web app stores files by id,
so it decides the suffix here from the content and refuses what no reader
supports before anything is stored. The uploaded name only breaks the tie
between the two legacy OLE formats (.xls / .doc) when the directory does not.
"""

from __future__ import annotations

import io
import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SUFFIX = {"pdf": ".pdf", "xlsx": ".xlsx", "xls": ".xls", "docx": ".docx", "doc": ".doc", "html": ".html",
          "text": ".txt"}
KIND_ZH = {"pdf": "PDF", "xlsx": "Excel", "xls": "Excel（.xls）", "docx": "Word", "doc": "Word（.doc）",
           "html": "网页", "text": "文本"}


class UnsupportedContent(ValueError):
    """The bytes are not any format the readers support (the message is Chinese)."""


def _utf16_name(name: str) -> bytes:
    return name.encode("utf-16-le")


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnsupportedContent("压缩包已损坏，无法识别为 Excel 或 Word 文件") from None
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        return "docx"
    raise UnsupportedContent("这是一个压缩包（zip），但不是 Excel（.xlsx）或 Word（.docx）文件")


def _looks_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in head:
        return False
    # control bytes other than tab/newline/CR/formfeed/escape are rare in any text encoding
    bad = sum(1 for b in head if b < 9 or 13 < b < 27 and b != 12)
    return bad <= len(head) // 200


def sniff_kind(data: bytes, filename: str = "") -> str:
    """``pdf``, ``xlsx``, ``docx``, ``xls``, ``doc``, ``html`` or ``text``; else :class:`UnsupportedContent`."""
    if not data:
        raise UnsupportedContent("文件是空的")
    head = data[:4096]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(OLE_MAGIC):
        if _utf16_name("WordDocument") in data[:1 << 20] or _utf16_name("WordDocument") in data[-(1 << 20):]:
            return "doc"
        if _utf16_name("Workbook") in data or _utf16_name("Book") in data:
            return "xls"
        return "doc" if filename.lower().endswith(".doc") else "xls"
    if _looks_text(head):
        start = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
        if start.startswith((b"<!doctype html", b"<html")):
            return "html"
        return "text"
    raise UnsupportedContent("不支持的文件类型（支持：PDF、Excel .xlsx/.xls、Word .docx/.doc、网页 .html、文本 .txt）")
