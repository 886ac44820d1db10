"""Pausing Python's cyclic garbage collector during bulk work: the import and export of a workbook, the pages
of a bilan.

Planning an import keeps hundreds of thousands of live objects (one checked row each, their values); the
collector, triggered by allocations, scans that growing heap again and again without finding garbage (rows
hold no reference cycles): about a sixth of an import's time at 100 000 hour rows. A bilan page is tens of
thousands of objects in reference cycles, alive while it is drawn and garbage as a whole once saved: it is
collected then, once (services/reporting/bilan_layout.py). Reference counting still frees everything as usual;
only the search for cycles waits.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside (nested and concurrent uses share one pause; the collector comes back as it
    was when the last one ends)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
