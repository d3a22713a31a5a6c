"""A large PDF's pages read by worker processes, handed back in page order.

What the reader does with a page up to its tables (PDFium parsing the page,
its characters and ruling lines, the tables and their cells' text:
:func:`.pdf.page_tables`) depends on that page alone; only joining the tables
into grids across pages is sequential. So for a PDF of many pages the pages
are cut into contiguous chunks that worker processes read, each with its own
:class:`~.pdfium.Document` (PDFium documents are not shared across processes),
and this process joins the results in page order as they come (and reads the
forms of each grid once it is complete) while the workers go on.

The workers are forked: they start at once, with the reader's modules already
imported (a spawned process would start Python and import them again:
0.25-0.35 s here, as long as reading some 25 pages). Hence no worker processes

* where ``fork`` is not a start method (Windows), and on macOS (a forked child
  of a process that loaded Apple's frameworks may crash; Python spawns there);
* when the process runs other threads (a web server's worker threads): a
  forked child inherits the locks those threads hold;
* in a daemonic process (a ``multiprocessing.Pool`` worker may not have children);
* for a PDF of fewer than :data:`MIN_PAGES` pages, or when the caller or the
  ``JIXIAO_PDF_WORKERS`` environment variable asks for one worker.

Never more workers than CPUs (``os.cpu_count()``, and those the process may
run on). The result is the same either way (``tests/ingest/test_pdf_parallel.py``).
An exception on a page comes back as itself, after the results of the pages
before it, so the reader reports it as it does in one process; a worker that
dies (PDFium crashing on a damaged file) breaks the pool: :class:`WorkerCrash`,
never a hang. When no process can be started (a limit on processes or
memory), the pages are read in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable, Generator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

# The fewest pages worth worker processes. Measured with the benchmark's forms
# (A4, about two forms a page; 2-CPU VM; PDFs of 4 to 190 pages): a page costs
# about 10 ms of CPU in one process, of which about 4 ms joining tables and
# reading forms, which stay in this process. Two workers cost about 25 ms more
# CPU in all (forking, each worker opening the PDF, shutting down) plus about
# 1 ms a page (results pickled back). With the second CPU free the time falls
# by about 40% on 190 pages, and the fixed cost is paid back from about 8
# pages; with another program busy on a CPU, two workers lose 10-20% at any
# size (the fixed cost, and three processes on one CPU). 16 pages: the gain
# on a free machine is then well above the fixed cost; smaller PDFs, where a
# busy machine would cost most in proportion, stay in one process.
MIN_PAGES = 16
# Pages per task: small enough that the first results come back early (the
# joining starts while the workers read on) and that the workers finish
# together; large enough that the round trips do not add up (a task costs
# about 1 ms).
CHUNK_PAGES = 6
# The environment variable that caps the number of worker processes (1: read
# in the calling process only).
ENV_WORKERS = "JIXIAO_PDF_WORKERS"


class WorkerCrash(Exception):
    """A worker process ended without handing back its pages."""


class RemoteError(Exception):
    """An exception raised in a worker that cannot travel between processes
    as itself: its type's name (``remote_type``) and its message."""

    def __init__(self, remote_type: str, text: str) -> None:
        super().__init__(text)
        self.remote_type = remote_type

    def __reduce__(self):
        return RemoteError, (self.remote_type, str(self))


def cpu_count() -> int:
    """The CPUs this process may run on (never more than ``os.cpu_count()``)."""
    n = os.cpu_count() or 1
    try:
        n = min(n, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on every platform
        pass
    return max(n, 1)


def _requested(workers: int | None) -> int | None:
    if workers is not None:
        return workers
    raw = os.environ.get(ENV_WORKERS, "").strip()
    try:
        return int(raw) if raw else None
    except ValueError:  # not a number: as if unset
        return None


def worker_count(n_pages: int, workers: int | None = None) -> int:
    """How many worker processes read a PDF of ``n_pages`` pages; 1 means none
    (the calling process reads it). ``workers`` caps the number (None: the
    ``JIXIAO_PDF_WORKERS`` environment variable, else one per CPU)."""
    asked = _requested(workers)
    if asked is not None and asked <= 1:
        return 1
    if n_pages < MIN_PAGES or not _can_fork():
        return 1
    if threading.active_count() > 1 or multiprocessing.current_process().daemon:
        return 1
    n = cpu_count() if asked is None else min(asked, cpu_count())
    return max(1, min(n, n_pages // (MIN_PAGES // 2)))


def _can_fork() -> bool:
    # macOS offers fork, but a child of a process that loaded Apple's system
    # frameworks (PDFium's font support there) may crash: Python's default
    # there is spawn since 3.8
    return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"


def chunks(n_pages: int, workers: int) -> list[tuple[int, int]]:
    """Contiguous page ranges ``(start, stop)``, 0-based, in page order."""
    size = max(1, min(CHUNK_PAGES, -(-n_pages // workers)))
    return [(a, min(a + size, n_pages)) for a in range(0, n_pages, size)]


# What the workers read: (path, page function); set before they are forked, so
# they inherit it (nothing is pickled); and, in a worker, its open document.
_job: tuple[Path, Callable[[Any], Any]] | None = None
_doc: Any = None


def _start_worker() -> None:
    global _doc
    from .pdfium import Document

    # what the worker inherited is never garbage here: the collector leaves it
    # alone (no time spent walking it, no memory pages copied by touching it)
    gc.freeze()
    assert _job is not None
    _doc = Document(_job[0])


def _read_chunk(start: int, stop: int) -> tuple[list, BaseException | None]:
    """In a worker: the page function's results for pages ``start``..``stop``;
    on an exception, the results before it and the exception."""
    assert _job is not None
    fn = _job[1]
    out = []
    try:
        for page in _doc.pages(start, stop):
            out.append(fn(page))
    except Exception as exc:
        return out, _portable(exc)
    return out, None


def _portable(exc: Exception) -> Exception:
    """``exc`` if it comes through pickling unchanged, else a :class:`RemoteError`."""
    try:
        back = pickle.loads(pickle.dumps(exc))
        if type(back) is type(exc) and str(back) == str(exc):
            return exc
    except Exception:
        pass
    return RemoteError(type(exc).__name__, str(exc))


def map_pages(path: Path, n_pages: int, workers: int, fn: Callable[[Any], Any]) -> Generator[Any, None, None]:
    """``fn(page)`` for every page of the PDF at ``path``, in page order, each
    computed by one of ``workers`` forked processes. The first exception (in
    page order) is raised after the results before it; a worker that dies
    raises :class:`WorkerCrash`. Closing the iterator stops the workers."""
    global _job
    _job = (path, fn)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker)
    try:
        try:
            try:
                futures = [pool.submit(_read_chunk, a, b) for a, b in chunks(n_pages, workers)]  # forks at the first
            except OSError:  # no process can be started (a limit on processes, memory): read here
                futures = []
            _job = None
            if not futures:
                from .pdfium import Document

                with Document(path) as doc:
                    for page in doc.pages():
                        yield fn(page)
                return
            for f in futures:
                got, err = f.result()
                yield from got
                if err is not None:
                    raise err
        except BrokenProcessPool:  # a worker died (or could not open the file)
            raise WorkerCrash("a worker process ended abruptly") from None
    finally:
        _job = None
        pool.shutdown(wait=True, cancel_futures=True)
