"""Files that cannot be read give a typed error naming the file; a batch goes on."""

from __future__ import annotations

import pytest

from jixiao.ingest import (
    BinaryFileError, EmptyFileError, EncodingError, FileTooLargeError, NoFormFoundError, ReadError,
    UnsupportedFormatError, read_forms,
)


def _read(path):
    return list(read_forms(path))


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(EmptyFileError) as e:
        _read(p)
    assert str(p) in str(e.value) and "为空" in str(e.value)


def test_binary_file(tmp_path):
    p = tmp_path / "binary.txt"
    p.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(BinaryFileError) as e:
        _read(p)
    assert str(p) in str(e.value)


def test_nul_in_the_middle(tmp_path, seed_blocks):
    p = tmp_path / "nul.txt"
    p.write_bytes(seed_blocks[0].encode() + b"\x00\x00garbage\n")
    with pytest.raises(BinaryFileError) as e:
        _read(p)
    assert e.value.line is not None


def test_gbk_file_reads(tmp_path, seed_blocks):
    p = tmp_path / "gbk.txt"
    p.write_bytes(seed_blocks[0].encode("gbk"))
    [f] = _read(p)
    assert f.project_name == "政府雇员经费" and f.source.encoding == "gb18030"


def test_invalid_bytes_after_the_sample(tmp_path, seed_text, monkeypatch):
    # Valid UTF-8 at the start, an invalid byte later: error with the line.
    import jixiao.ingest.decode as decode
    monkeypatch.setattr(decode, "SAMPLE_BYTES", 1024)
    p = tmp_path / "bad.txt"
    p.write_bytes(seed_text.encode() + b"\n\xff\xfe\xfd bad\n")
    with pytest.raises(EncodingError) as e:
        _read(p)
    assert e.value.line is not None and e.value.line > 2000


def test_undecodable(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes(b"\x81\x20" * 100)
    with pytest.raises((EncodingError, BinaryFileError)):
        _read(p)


def test_no_form_in_file(tmp_path):
    p = tmp_path / "letter.txt"
    p.write_text("关于报送2024年度绩效自评结果的通知\n各单位：请按时报送。\n", encoding="utf-8")
    with pytest.raises(NoFormFoundError) as e:
        _read(p)
    assert "没有找到" in str(e.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ReadError):
        _read(tmp_path / "nope.txt")
    with pytest.raises(ReadError):
        _read(tmp_path)


def test_size_limit_checked_before_reading(tmp_path, seed_blocks):
    p = tmp_path / "big.txt"
    p.write_text(seed_blocks[0], encoding="utf-8")
    with pytest.raises(FileTooLargeError):
        list(read_forms(p, max_bytes=100))


def test_unsupported_format(tmp_path):
    p = tmp_path / "form.odt"
    p.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedFormatError):
        _read(p)


def test_pdf_stub_is_corrupt(tmp_path):
    p = tmp_path / "form.pdf"
    p.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(ReadError) as e:
        _read(p)
    assert e.value.kind == "corrupt"


def test_errors_are_read_errors_with_dict(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(ReadError) as e:
        _read(p)
    d = e.value.to_dict()
    assert d["file"] == str(p) and d["error"] == "empty"
