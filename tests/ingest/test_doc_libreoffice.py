"""Legacy Word .doc: the seed's official tables saved as .doc by LibreOffice,
read back through jixiao's LibreOffice conversion, identical to the goldens."""

from __future__ import annotations

import subprocess

import pytest

from jixiao.ingest import read_forms

from .render_office import to_docx


@pytest.fixture(scope="module")
def doc_forms(tmp_path_factory, seed_models, need_binary):
    exe = need_binary("soffice", "libreoffice")
    tmp = tmp_path_factory.mktemp("doc")
    docx = to_docx(seed_models, tmp / "seed.docx")
    subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "doc",
                    "--outdir", str(tmp), str(docx)], check=True, capture_output=True, timeout=180)
    doc = tmp / "seed.doc"
    assert doc.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real OLE Word 97 file
    return [f.to_json_dict() for f in read_forms(doc)]


def test_doc_reads_every_seed_form(doc_forms, goldens, golden_check):
    assert len(doc_forms) == 16
    for got, want in zip(doc_forms, goldens):
        golden_check(got, want)
        assert got["source"]["format"] == "doc"
        assert got["warnings"] == []
