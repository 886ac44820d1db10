"""The cités' pages of a long bilan drawn by several processes at once, then put together in order.

A bilan of the territory at ten times ERBM's size has some 350 pages of cités, each drawn by matplotlib in about a
tenth of a second on one core. Here the cités are cut into consecutive runs, one per worker process (spawned:
nothing of the caller's threads, database connections or Qt is inherited; started, and their modules imported,
while the caller still reads the data); each draws its pages exactly as the single-process bilan does
(`bilan_pages.cite_page`, the same numbers « page n / N ») into a PDF of its own, the last part ending with the
bilan's last page, while the caller draws the first pages; the parts are then joined with pypdf. Progress comes
back page by page through a queue, and cancelling stops every worker at its next page. Only the data of the
pages travels to the workers (plain dataclasses), never the database.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import queue as queues
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

from erbm_desk.domain.figures import CiteSeries
from erbm_desk.services.progress import Cancelled, Progress
from erbm_desk.services.reporting.bilan_tables import Tables

MIN_CITES = 12  # below, one process is as quick: starting a worker costs about a second
MAX_WORKERS = 4

_queue = None  # in a worker: where each page drawn is told, and the event that asks it to stop
_stop = None


def worker_count(cites: int) -> int:
    """How many processes draw the cités' pages: one per core (at most four), none for a short bilan."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2 or cites < MIN_CITES:
        return 0
    return min(cores, MAX_WORKERS, cites // (MIN_CITES // 2))


def _init(page_queue, stop) -> None:
    global _queue, _stop
    _queue, _stop = page_queue, stop
    # A spawned worker ends with the interpreter's full shutdown: tearing down matplotlib's modules and caches
    # took some 0.4 s, which the bilan waited for before returning. By the time this handler runs, the worker
    # has sent its results and multiprocessing has flushed its queues (its own exit handler, run at the end of
    # Process._bootstrap), and nothing else in the worker needs to end cleanly.
    atexit.register(os._exit, 0)


class _WorkerProgress:
    def start(self, total: int, label: str = "") -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        _queue.put(steps)

    def cancelled(self) -> bool:
        return _stop.is_set()


def _warm() -> None:
    """Worker side, as soon as it starts: what drawing a page needs, imported while the caller reads the data."""
    from matplotlib.backends import backend_pdf  # noqa: F401

    from erbm_desk.services.reporting import bilan_pages  # noqa: F401


def _draw_part(path: str, metadata: dict, first_page: int, total: int, label: str, as_of: date,
               series: list[CiteSeries], tables: Tables, data_problems: list[str] | None) -> str:
    """Worker side: the pages of `series`, numbered from `first_page`, into the PDF at `path`, then the bilan's
    last page when `data_problems` is given (the last part: a file of its own would embed the fonts once more)."""
    from matplotlib.backends.backend_pdf import PdfPages

    from erbm_desk.services.reporting.bilan_layout import Pages, drawing_pages
    from erbm_desk.services.reporting.bilan_pages import cite_page
    from erbm_desk.services.reporting.bilan_parcours import definitions_page

    with drawing_pages(), PdfPages(path, metadata=metadata) as pdf:
        pages = Pages(pdf, total, label, as_of, _WorkerProgress())
        pages.number = first_page - 1
        for one in series:
            cite_page(pages, one, tables)
        if data_problems is not None:
            definitions_page(pages, data_problems)
    return path


class CitePages:
    """The cités' pages being drawn by `workers` processes: `start(...)`, then `join(progress)` for the parts'
    paths in page order."""

    def __init__(self, workers: int, folder: Path):
        context = multiprocessing.get_context("spawn")
        self.queue = context.Queue()
        self.stop = context.Event()
        self.pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init,
                                        initargs=(self.queue, self.stop))
        self.workers = workers
        self.folder = folder
        self.futures: list[Future] = []
        for _ in range(workers):  # each submission starts a process (spawned: a second to import)
            self.pool.submit(_warm)

    def start(self, metadata: dict, first_page: int, total: int, label: str, as_of: date,
              series: list[CiteSeries], tables: Tables, data_problems: list[str]) -> None:
        """The pages of `series` from `first_page` on, then the last page (`bilan_parcours.definitions_page`)."""
        size = -(-len(series) // self.workers)
        for i in range(0, len(series), size):
            part = series[i:i + size]
            path = str(self.folder / f"partie-{i:05d}.pdf")
            last = data_problems if i + size >= len(series) else None
            self.futures.append(self.pool.submit(_draw_part, path, metadata, first_page + i, total, label, as_of,
                                                 part, tables, last))

    def pump(self, progress: Progress) -> None:
        """Pass on the pages drawn so far; ask the workers to stop when the user cancels."""
        while True:
            try:
                progress.advance(self.queue.get_nowait())
            except queues.Empty:
                break
        if progress.cancelled():
            self.stop.set()

    def join(self, progress: Progress) -> list[Path]:
        while not all(f.done() for f in self.futures):
            self.pump(progress)
            try:
                progress.advance(self.queue.get(timeout=0.1))
            except queues.Empty:
                pass
        self.pump(progress)
        if self.stop.is_set():
            raise Cancelled()
        return [Path(f.result()) for f in self.futures]

    def close(self) -> None:
        self.stop.set()  # a failure on the caller's side: the workers stop at their next page
        self.pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def cite_pages(workers: int) -> Iterator[CitePages]:
    with tempfile.TemporaryDirectory(prefix="erbm-bilan-") as folder:
        pages = CitePages(workers, Path(folder))
        try:
            yield pages
        finally:
            pages.close()


def join_pdfs(parts: list[Path], target: Path, metadata: dict) -> None:
    """The parts, one after the other, in one PDF (its metadata those of the bilan)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    writer.add_metadata({f"/{key}": value for key, value in metadata.items()})
    with open(target, "wb") as out:
        writer.write(out)
