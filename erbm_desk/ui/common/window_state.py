"""What the window remembers between sessions (QSettings): geometry, splitters, recent databases."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMargins, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSplitter, QWidget

from erbm_desk.paths import APP_AUTHOR, APP_NAME

MAX_RECENT = 8


_settings: QSettings | None = None


def settings() -> QSettings:
    """The one QSettings object of the process: a new one per call reads the file and writes it back when
    dropped (tens of milliseconds on the UI thread, hundreds on a busy disk); this one keeps changes in memory
    and Qt writes them in the background of the event loop and at exit."""
    global _settings
    if _settings is None:
        _settings = QSettings(APP_AUTHOR, APP_NAME)
    return _settings


def save_geometry(key: str, widget: QWidget) -> None:
    settings().setValue(f"geometry/{key}", widget.saveGeometry())


def restore_geometry(key: str, widget: QWidget) -> bool:
    value = settings().value(f"geometry/{key}")
    return isinstance(value, QByteArray) and widget.restoreGeometry(value)


# What a window manager adds around a window (title bar, borders): a window must fit with it, or its bottom
# row (status bar, « Enregistrer le mois ») ends under the panel of a 1366×768 laptop.
FRAME_ALLOWANCE = QMargins(8, 34, 8, 8)


def fit_on_screen(widget: QWidget, preferred: QSize) -> None:
    """The preferred size where the screen has room for it, else all the room the screen has; centred on the
    screen's available area."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        widget.resize(preferred)
        return
    area = screen.availableGeometry().marginsRemoved(FRAME_ALLOWANCE)
    # a screen too small for the preferred size in either direction is a laptop's: the window takes it all
    fits = preferred.width() <= area.width() and preferred.height() <= area.height()
    size = preferred if fits else area.size()
    widget.resize(size)
    widget.move(area.x() + (area.width() - size.width()) // 2, area.y() + (area.height() - size.height()) // 2)


def restore_geometry_on_screen(key: str, widget: QWidget, preferred: QSize) -> None:
    """The geometry the window had last time if it still fits the screen, else the preferred one fitted."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if restore_geometry(key, widget) and screen is not None:
        area = screen.availableGeometry().marginsRemoved(FRAME_ALLOWANCE)
        if area.contains(widget.geometry()):
            return
    fit_on_screen(widget, preferred)


def remember_splitter(key: str, splitter: QSplitter) -> bool:
    """Restore the splitter's sizes now and save them whenever the user moves it; whether sizes were restored."""
    value = settings().value(f"splitter/{key}")
    restored = isinstance(value, QByteArray) and splitter.restoreState(value)
    splitter.splitterMoved.connect(lambda *_: settings().setValue(f"splitter/{key}", splitter.saveState()))
    return bool(restored)


def recent_databases() -> list[str]:
    value = settings().value("database/recent", [])
    if isinstance(value, str):  # QSettings hands back a lone string for a one-item list
        value = [value]
    return [str(v) for v in value or []]


def add_recent_database(path: str) -> None:
    paths = [path] + [p for p in recent_databases() if p != path]
    s = settings()
    s.setValue("database/recent", paths[:MAX_RECENT])
    s.setValue("database/last", path)


def forget_recent_database(path: str) -> None:
    settings().setValue("database/recent", [p for p in recent_databases() if p != path])
