"""Debug aid: log every time the UI thread is blocked for longer than a threshold.

A timer ticks every 50 ms on the main thread; a tick that comes late means the event loop could not run in the
meantime (a query, a file read, a slow paint). Turned on by ERBM_DESK_DEBUG_BLOCKS=1; the benchmark uses the same
watcher to report the longest block of each step.
"""

from __future__ import annotations

import logging
import os
import time

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger("erbm_desk.blocks")

ENV_VAR = "ERBM_DESK_DEBUG_BLOCKS"


class BlockWatcher(QObject):
    def __init__(self, threshold_ms: float = 200, interval_ms: int = 50, parent: QObject | None = None):
        super().__init__(parent)
        self.threshold = threshold_ms / 1000
        self.interval = interval_ms / 1000
        self.blocks: list[float] = []  # seconds, each block over the threshold
        self.longest = 0.0  # the longest lateness seen since `reset()`, whatever the threshold
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = time.perf_counter()

    def start(self) -> "BlockWatcher":
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.stop()

    def reset(self) -> None:
        self.blocks.clear()
        self.longest = 0.0
        self._last = time.perf_counter()

    def _tick(self) -> None:
        now = time.perf_counter()
        late = now - self._last - self.interval
        self._last = now
        self.longest = max(self.longest, late)
        if late > self.threshold:
            self.blocks.append(late)
            log.warning("Fil principal bloqué pendant %.0f ms", late * 1000)


def watch_if_asked(parent: QObject) -> BlockWatcher | None:
    """Start a watcher when ERBM_DESK_DEBUG_BLOCKS is set (logging to stderr)."""
    if os.environ.get(ENV_VAR, "") in ("", "0"):
        return None
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    log.info("Surveillance des blocages du fil principal (> %d ms)", 200)
    return BlockWatcher(parent=parent).start()
