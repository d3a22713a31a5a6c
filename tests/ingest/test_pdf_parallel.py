"""PDF reader, pages read by worker processes (``jixiao.ingest.pdfpool``):
the same forms as in one process, field by field (source locations and
warnings included), on multi-page PDFs of the seed in several layouts (forms
across pages, rows alone on a page, repeated headers, page numbers, a page
without text, turned pages); the same typed errors naming the file; a worker
that dies is a CorruptFileError, not a hang, and the next file reads. When
worker processes are used (a threshold in pages, the environment variable, the
CPU count). Speed is measured in ``benchmarks/run.py``, not here."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("pypdfium2")
pytest.importorskip("reportlab")

from jixiao.ingest import CorruptFileError, EncryptedFileError, NeedsOCRError, ReadError, pdf, pdfpool  # noqa: E402
from jixiao.ingest.pdf import pdf_to_grids, read_pdf  # noqa: E402
from jixiao.ingest.pdfium import Document  # noqa: E402

from .render_pdf import to_pdf  # noqa: E402

LAYOUTS = {
    "short-pages": dict(page_size=(595, 300)),
    "inner-borders": dict(page_size=(595, 300), borders="inner"),
    "horizontal-repeated-header": dict(page_size=(595, 300), borders="horizontal", repeat_header=1,
                                       page_numbers=True),
    "scanned-first-page": dict(page_size=(595, 300), scanned_first_page=True),
    "rotated": dict(rotate=90, page_size=(842, 300), repeat_header=1, page_numbers=True),
}


@pytest.fixture
def two_workers(monkeypatch):
    """Two worker processes whatever the machine, and a record of the reads
    that used them."""
    if not pdfpool._can_fork():
        pytest.skip("no worker processes on this platform (no fork)")
    monkeypatch.delenv(pdfpool.ENV_WORKERS, raising=False)
    monkeypatch.setattr(pdfpool, "cpu_count", lambda: 2)
    calls: list[int] = []
    real = pdfpool.map_pages

    def spy(path, n_pages, workers, fn):
        calls.append(workers)
        return real(path, n_pages, workers, fn)

    monkeypatch.setattr(pdfpool, "map_pages", spy)
    return calls


def _n_pages(path) -> int:
    with Document(path) as doc:
        return doc.n_pages


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_parallel_reads_the_same_forms(tmp_path, seed_models, two_workers, layout):
    p = to_pdf(seed_models, tmp_path / f"{layout}.pdf", **LAYOUTS[layout])
    assert _n_pages(p) >= pdfpool.MIN_PAGES
    one = [f.to_json_dict() for f in read_pdf(p, workers=1)]
    assert two_workers == []
    many = [f.to_json_dict() for f in read_pdf(p)]
    assert two_workers == [2]
    assert len(many) == len(one) == 16
    for a, b in zip(one, many):
        assert a.keys() == b.keys()
        for key in a:  # field by field: a difference names its field
            assert b[key] == a[key], key
    if layout == "scanned-first-page":
        assert all(f["warnings"][0]["code"] == "JX020" for f in many)
    if layout == "inner-borders":  # a row alone on a page: read again here, with the grid's columns
        with Document(p) as doc:
            assert any(pdf.page_tables(page).page is not None for page in doc.pages())
    # the grids too, cell by cell with their locations
    g1, nt1 = pdf_to_grids(p, workers=1)
    g2, nt2 = pdf_to_grids(p, workers=2)
    assert nt1 == nt2
    assert [g.name for g in g1] == [g.name for g in g2]
    assert [[(c.text, c.row, c.col, c.rowspan, c.colspan, c.location) for row in g.rows for c in row] for g in g1] \
        == [[(c.text, c.row, c.col, c.rowspan, c.colspan, c.location) for row in g.rows for c in row] for g in g2]


def test_worker_count(monkeypatch):
    if not pdfpool._can_fork():
        assert pdfpool.worker_count(10_000) == 1
        return
    monkeypatch.delenv(pdfpool.ENV_WORKERS, raising=False)
    cpus = os.cpu_count() or 1
    assert pdfpool.cpu_count() <= cpus
    assert pdfpool.worker_count(pdfpool.MIN_PAGES - 1) == 1  # a small PDF: one process
    assert pdfpool.worker_count(10_000) == pdfpool.cpu_count()
    assert pdfpool.worker_count(10_000, workers=1) == 1
    assert pdfpool.worker_count(10_000, workers=cpus + 5) <= cpus
    monkeypatch.setattr(pdfpool, "cpu_count", lambda: 64)
    assert pdfpool.worker_count(pdfpool.MIN_PAGES) == 2  # not a worker per page
    monkeypatch.setenv(pdfpool.ENV_WORKERS, "1")
    assert pdfpool.worker_count(10_000) == 1
    assert pdfpool.worker_count(10_000, workers=3) == 3  # the parameter wins
    monkeypatch.setenv(pdfpool.ENV_WORKERS, "3")
    assert pdfpool.worker_count(10_000) == 3
    monkeypatch.setenv(pdfpool.ENV_WORKERS, "many")  # not a number: as if unset
    assert pdfpool.worker_count(10_000) == 64


def test_no_workers_beside_other_threads(monkeypatch):
    import threading

    if not pdfpool._can_fork():
        pytest.skip("no worker processes on this platform (no fork)")
    monkeypatch.delenv(pdfpool.ENV_WORKERS, raising=False)
    monkeypatch.setattr(pdfpool, "cpu_count", lambda: 2)
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert pdfpool.worker_count(10_000) == 1
    finally:
        stop.set()
        t.join()
    assert pdfpool.worker_count(10_000) == 2


def test_chunks_cover_the_pages_in_order():
    for n in (1, 5, 16, 17, 190):
        for w in (1, 2, 3, 8):
            got = pdfpool.chunks(n, w)
            assert [i for a, b in got for i in range(a, b)] == list(range(n))


@pytest.fixture
def long_pdf(tmp_path, seed_models):
    return to_pdf(seed_models, tmp_path / "long.pdf", page_size=(595, 300))


def test_env_var_forces_one_process(long_pdf, two_workers, monkeypatch):
    monkeypatch.setenv(pdfpool.ENV_WORKERS, "1")
    assert len(list(read_pdf(long_pdf))) == 16
    assert two_workers == []


def _error(path, workers) -> ReadError:
    with pytest.raises(ReadError) as exc:
        list(read_pdf(path, workers=workers))
    assert exc.value.path == str(path)
    return exc.value


def test_errors_are_the_same(tmp_path, seed_models, two_workers):
    from reportlab.pdfgen import canvas

    scan = tmp_path / "scan.pdf"  # many pages, no text layer
    c = canvas.Canvas(str(scan))
    for _ in range(pdfpool.MIN_PAGES + 4):
        c.rect(50, 50, 400, 600, stroke=1, fill=1)
        c.showPage()
    c.save()
    locked = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(locked), encrypt="secret")
    for k in range(pdfpool.MIN_PAGES + 4):
        c.drawString(72, 720, f"locked {k}")
        c.showPage()
    c.save()
    letters = tmp_path / "letters.pdf"  # text, no form
    c = canvas.Canvas(str(letters))
    for k in range(pdfpool.MIN_PAGES + 4):
        c.drawString(72, 720, f"Dear reader {k}")
        c.showPage()
    c.save()
    for path, cls in ((scan, NeedsOCRError), (locked, EncryptedFileError), (letters, ReadError)):
        one, many = _error(path, 1), _error(path, None)
        assert type(one) is type(many) and isinstance(many, cls)
        assert str(one) == str(many)
    assert two_workers == [2, 2]  # the scan and the letters (the locked file is refused before)


def _fail_on_page(number, action):
    real = pdf.page_tables

    def page_tables(page):
        if page.number == number:
            action()
        return real(page)

    return page_tables


def test_an_exception_on_a_page_is_reported_as_in_one_process(long_pdf, two_workers, monkeypatch):
    def damaged():
        raise ValueError("bad content stream")

    monkeypatch.setattr(pdf, "page_tables", _fail_on_page(20, damaged))
    one, many = _error(long_pdf, 1), _error(long_pdf, None)
    assert isinstance(many, CorruptFileError) and str(one) == str(many)
    assert "ValueError: bad content stream" in many.reason
    assert two_workers == [2]


def test_an_exception_that_cannot_travel_keeps_its_name(long_pdf, two_workers, monkeypatch):
    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(f"{a}/{b}")

    def damaged():
        raise Odd(1, 2)  # a local class: not picklable

    monkeypatch.setattr(pdf, "page_tables", _fail_on_page(5, damaged))
    one, many = _error(long_pdf, 1), _error(long_pdf, None)
    assert str(one) == str(many) and "Odd: 1/2" in many.reason


def test_a_worker_that_dies_does_not_hang_and_the_batch_goes_on(long_pdf, tmp_path, seed_models, two_workers,
                                                                monkeypatch):
    assert pdfpool.worker_count(_n_pages(long_pdf)) == 2  # else the patched reader would end this process
    monkeypatch.setattr(pdf, "page_tables", _fail_on_page(7, lambda: os._exit(3)))
    err = _error(long_pdf, None)
    assert isinstance(err, CorruptFileError) and "子进程意外退出" in err.reason
    monkeypatch.undo()
    assert len(list(read_pdf(long_pdf))) == 16  # the next file reads


def test_the_garbage_collector_is_left_as_it_was(long_pdf, tmp_path):
    import gc

    assert gc.isenabled()
    assert len(list(read_pdf(long_pdf))) == 16
    assert gc.isenabled()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(long_pdf.read_bytes()[:3000])
    with pytest.raises(CorruptFileError):
        list(read_pdf(broken))
    assert gc.isenabled()
    gc.disable()
    try:
        pdf_to_grids(long_pdf)
        assert not gc.isenabled()  # the caller's choice stands
    finally:
        gc.enable()


def test_no_process_can_start_the_pages_are_read_here(long_pdf, two_workers, monkeypatch):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    one = [f.to_json_dict() for f in read_pdf(long_pdf, workers=1)]
    monkeypatch.setattr(os, "fork", no_fork)
    assert [f.to_json_dict() for f in read_pdf(long_pdf)] == one
    assert two_workers == [2]
