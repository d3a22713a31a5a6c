"""Turn the bytes of a text export into lines, whatever the encoding.

Published text exports come as UTF-8 (with or without BOM), UTF-16 (with BOM,
from Windows tools) or GB18030/GBK (from older Chinese systems). We detect
from a sample at the start and then decode the stream strictly, so a batch of
large files never needs to be held in memory.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path

from .errors import BinaryFileError, EmptyFileError, EncodingError

SAMPLE_BYTES = 1 << 20

# Control bytes that never occur in a text export (NUL aside, which UTF-16 has).
_BINARY_BYTES = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}


def _is_utf8_prefix(sample: bytes) -> bool:
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        dec.decode(sample, final=False)  # a character cut at the sample's end is fine
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: str | Path, sample: bytes) -> str:
    """Return the codec name for ``sample`` (the first bytes of ``path``)."""
    if not sample:
        raise EmptyFileError(path, "文件为空")
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    # UTF-16 without BOM: every other byte NUL for ASCII-heavy text.
    head = sample[:4096]
    if len(head) >= 4:
        even_nuls = head[1::2].count(0)
        odd_nuls = head[0::2].count(0)
        if even_nuls > len(head) // 4 and odd_nuls == 0:
            return "utf-16-le"
        if odd_nuls > len(head) // 4 and even_nuls == 0:
            return "utf-16-be"
    bad = sum(1 for b in head if b in _BINARY_BYTES)
    if bad > max(2, len(head) // 100):
        raise BinaryFileError(path, "不是文本文件（含有二进制控制字符），无法按文本读取")
    if _is_utf8_prefix(sample):
        return "utf-8"
    try:
        codecs.getincrementaldecoder("gb18030")("strict").decode(sample, final=False)
    except UnicodeDecodeError as exc:
        raise EncodingError(path, f"无法识别文本编码（既不是 UTF-8/UTF-16，也不是 GB18030/GBK；第{exc.start}字节处）") from None
    return "gb18030"


def iter_lines(path: str | Path) -> tuple[str, bool, Iterator[str]]:
    """Open ``path`` and return (encoding, has_pages, iterator over its lines
    without line ends).

    Form feeds (page breaks in ``pdftotext`` output) are kept in the lines so
    the reader can count pages; ``has_pages`` says whether the sample at the
    start of the file had any, i.e. whether page numbers mean anything.
    """
    f = open(path, "rb")
    sample = f.read(SAMPLE_BYTES)
    try:
        encoding = detect_encoding(path, sample)
    except Exception:
        f.close()
        raise
    f.seek(0)

    if encoding.startswith("utf-16"):
        def lines() -> Iterator[str]:
            text = io.TextIOWrapper(f, encoding=encoding, errors="strict", newline=None)
            lineno = 0
            try:
                for lineno, line in enumerate(text, 1):  # noqa: B007 - lineno used in the error
                    yield line.rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise EncodingError(path, f"按 {encoding} 解码失败：文件中途出现无效字节（{exc.reason}）",
                                    line=lineno + 1) from None
            finally:
                text.close()
    else:
        # ASCII-compatible encodings: decode about a megabyte of whole lines
        # at a time (fast); when a block fails, decode it line by line to name
        # the exact line.
        def lines() -> Iterator[str]:
            base = 0  # lines before the current block
            try:
                while True:
                    block = f.readlines(SAMPLE_BYTES)
                    if not block:
                        return
                    data = b"".join(block)
                    if b"\x00" in data:
                        k = next(i for i, raw in enumerate(block) if b"\x00" in raw)
                        raise BinaryFileError(path, "含有空字符（NUL），不是文本文件", line=base + k + 1)
                    try:
                        text = data.decode(encoding)
                    except UnicodeDecodeError:
                        for k, raw in enumerate(block):
                            try:
                                raw.decode(encoding)
                            except UnicodeDecodeError as exc:
                                raise EncodingError(
                                    path, f"按 {encoding} 解码失败：第{exc.start + 1}字节处有无效字节",
                                    line=base + k + 1) from None
                        raise  # pragma: no cover - a block fails only if one of its lines does
                    parts = text.split("\n")
                    if parts and parts[-1] == "":
                        parts.pop()
                    if "\r" in text:
                        parts = [line.rstrip("\r") for line in parts]
                    yield from parts
                    base += len(block)
            finally:
                f.close()

    # Page breaks (form feeds) in the sample mean page numbers are meaningful.
    head = codecs.getincrementaldecoder(encoding)("replace").decode(sample, final=False)
    return encoding, "\f" in head, lines()
