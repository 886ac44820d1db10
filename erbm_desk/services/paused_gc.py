"""Pausing Python's cyclic garbage collector during bulk work: the import and export of a workbook, the pages
of a bilan.

Planning an import keeps hundreds of thousands of live objects (one checked row each, their values); the
collector, triggered by allocations, scans that growing heap again and again without finding garbage (rows
hold no reference cycles): about a sixth of an import's time at 100 000 hour rows. A bilan page is tens of
thousands of objects in reference cycles, alive while it is drawn and garbage as a whole once saved: it is
collected then, once (services/reporting/bilan_layout.py). Reference counting still frees everything as usual;
only the search for cycles waits.

A job whose result lives on (an import's plan, kept while the user reads the preview, then written) asks the
pause to `keep` it: when the pause ends, the objects alive then are moved out of the collector's generations
(`gc.freeze`) instead of being left in the youngest one, whose size made the very next allocation start a full
collection — 0.3-0.4 s for a plan of 250 000 rows, at the end of every preview. They go back to the
oldest generation (`gc.unfreeze`) when the next pause begins: from then on only a full collection looks at them,
as for any old object, and cyclic garbage among them waits at most until then.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False
_keep = False


@contextmanager
def paused_gc(keep: bool = False) -> Iterator[None]:
    """No cyclic collection inside (nested and concurrent uses share one pause; the collector comes back as it
    was when the last one ends). With `keep`, what is alive when the pause ends is set aside from the young
    generations (see above)."""
    global _depth, _was_enabled, _keep
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
            gc.unfreeze()  # what the last kept job set aside becomes old, collectable again
        _depth += 1
        _keep = _keep or keep
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _keep and _was_enabled:
                    gc.freeze()
                _keep = False
                if _was_enabled:
                    gc.enable()
