"""The PySide6 window. Nothing outside this package imports Qt.

A guard against a PySide6 bug, set up before any widget exists: on CPython 3.11 with PySide6 6.12, reading an
empty QVariant back into Python (`QModelIndex.data()` of a role a model leaves empty, `QComboBox.currentData()`
of an item without data…) drops one reference to `None` each time. After a few thousand such reads None's
count reaches zero and CPython aborts ("deallocating None"): a crash hours into a session, anywhere in the UI.
From Python 3.12 on, None is immortal; here we give it a reference count no session can exhaust.
"""

import sys

if sys.version_info < (3, 12):  # pragma: no branch
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40

# Workers hold the GIL while they build rows in Python; each Python call the UI thread makes from Qt (a model's
# data(), a slot) then waits for it, up to the switch interval each time: 5 ms by default, which adds up to
# hundreds of milliseconds of frozen window while one page is painted. 1 ms keeps the window fluid; measured
# with bench/bench_ui.py ("UI thread blocked ≤ …").
sys.setswitchinterval(0.001)
