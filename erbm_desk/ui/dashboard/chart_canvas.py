"""A chart on screen: a matplotlib Figure in a FigureCanvasQTAgg, with the exact value of the bar, point or
commune under the mouse in a tooltip, and « Copier » / « Enregistrer sous… » (PNG, SVG, PDF) in a context
menu and as small buttons. Clicking a cité (map point, comparison bar) emits `cite_clicked(id)`.

Copying and saving render the chart in a worker (a 200 dpi image, a file written and synced to disk: never on
the UI thread), from a figure of its own: rebuilt by the chart's pure function when the page gives one
(`set_figure(figure, rebuild)`), else a copy of the one on screen. `saved(path)` and `copied()` tell when done.
"""

from __future__ import annotations

import copy
import io
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QCursor, QImage
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QMenu,
    QMessageBox,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from erbm_desk.charts.style import tip_for
from erbm_desk.services.atomic_files import atomic_path
from erbm_desk.ui.database.workers import run_job

# matplotlib (and the map module, which needs it) is imported when the first figure is set: the dashboard creates
# its canvases empty while the window starts, and the figures come once the data is computed, after the window
# shows (start-up time: tests/test_startup_imports.py).
if TYPE_CHECKING:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure

FORMATS = {
    ".png": "Image PNG (*.png)",
    ".svg": "Image vectorielle SVG (*.svg)",
    ".pdf": "Document PDF (*.pdf)",
}
EXPORT_DPI = 200


def file_stem(title: str) -> str:
    """« Heures d'insertion cumulées » -> 'heures-d-insertion-cumulees' (a file name without accents)."""
    bare = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-") or "graphique"


def _tip_artists(figure: Figure):
    """Artists carrying a tooltip, the topmost first (points above polygons, bars above grid)."""
    found = []
    for ax in figure.get_children():
        if not hasattr(ax, "get_children"):
            continue
        for artist in ax.get_children():
            if getattr(artist, "erbm_tip", None) is not None and artist.get_visible():
                found.append(artist)
    return sorted(found, key=lambda a: -a.get_zorder())


def render_png(figure: Figure, dpi: int = EXPORT_DPI) -> bytes:
    """Worker side: the chart as PNG bytes on a white background."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def write_chart(figure: Figure, path: Path) -> Path:
    """Worker side: the chart written atomically to `path`, in the format of its extension."""
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format=path.suffix.lower()[1:], dpi=EXPORT_DPI, facecolor="white")
    return path


class ChartCanvas(QWidget):
    cite_clicked = Signal(int)
    saved = Signal(object)  # the Path written by `save_to`
    copied = Signal()  # the image is in the clipboard

    def __init__(self, figure: Figure | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas: FigureCanvasQTAgg | None = None
        self._rebuild: Callable[[], Figure] | None = None
        self._tip_artists: list = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 4, 0)
        buttons.addStretch()
        self.copy_button = self._button("Copier", "Copier le graphique dans le presse-papiers", self.copy_to_clipboard)
        self.save_button = self._button("Enregistrer…", "Enregistrer le graphique en PNG, SVG ou PDF",
                                        self.save_with_dialog)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self._layout = layout
        if figure is not None:
            self.set_figure(figure)

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setStyleSheet("QToolButton { font-size: 11px; color: #4b5563; padding: 1px 4px; }")
        button.clicked.connect(slot)
        return button

    # ---------------------------------------------------------------------------------------------- figure

    @property
    def figure(self) -> Figure | None:
        return self.canvas.figure if self.canvas is not None else None

    def set_figure(self, figure: Figure, rebuild: Callable[[], Figure] | None = None) -> None:
        """Show `figure` (replacing the previous one) at its own size. `rebuild()` makes the same figure anew (the
        chart's pure function over its data): copies and files are rendered from it in a worker."""
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        self._rebuild = rebuild
        old = self.canvas
        canvas = _page_canvas_class(FigureCanvasQTAgg)(figure)
        canvas.setParent(self)
        width, height = figure.get_size_inches() * figure.dpi
        canvas.setFixedSize(int(round(width)), int(round(height)))
        self.setFixedWidth(canvas.width())  # the buttons stand above the chart's right edge
        canvas.setContextMenuPolicy(Qt.CustomContextMenu)
        canvas.customContextMenuRequested.connect(self._context_menu)
        canvas.mpl_connect("motion_notify_event", self._hover)
        canvas.mpl_connect("pick_event", self._picked)
        canvas.mpl_connect("figure_leave_event", lambda _e: QToolTip.hideText())
        if old is not None:
            self._layout.replaceWidget(old, canvas)
            old.setParent(None)
            old.deleteLater()
        else:
            self._layout.addWidget(canvas)
        self.canvas = canvas
        self._tip_artists = _tip_artists(figure)

    # ---------------------------------------------------------------------------------------------- tooltips

    def tip_at(self, event) -> tuple[str | None, bool]:
        """(the exact value under a matplotlib mouse event, whether a click there opens a cité)."""
        for artist in self._tip_artists:
            hit, info = artist.contains(event)
            if not hit:
                continue
            ind = info.get("ind") if isinstance(info, dict) else None
            index = int(ind[0]) if ind is not None and len(ind) else None
            text = tip_for(artist, index)
            if text:
                clickable = getattr(artist, "erbm_cite_ids", None) is not None or hasattr(artist, "erbm_cite_id")
                return text, clickable
        return None, False

    def _hover(self, event) -> None:
        text, clickable = self.tip_at(event) if event.inaxes is not None else (None, False)
        if text:
            QToolTip.showText(QCursor.pos(), text, self.canvas)
        else:
            QToolTip.hideText()
        self.canvas.setCursor(Qt.PointingHandCursor if clickable else Qt.ArrowCursor)

    def _picked(self, event) -> None:
        from erbm_desk.charts.map import picked_cite

        cite_id = picked_cite(event)
        if cite_id is not None:
            self.cite_clicked.emit(int(cite_id))

    # ---------------------------------------------------------------------------------------------- export

    def _worker_figure(self) -> Callable[[], Figure]:
        """How a worker gets a figure of its own: the chart's function, else a copy made now of the one on screen
        (the screen's figure is drawn by the UI thread: a worker must not render it at the same time)."""
        if self._rebuild is not None:
            return self._rebuild
        figure = copy.deepcopy(self.figure)
        return lambda: figure

    def copy_to_clipboard(self) -> None:
        """Put the chart in the clipboard as an image, rendered in a worker."""
        if self.figure is None:
            return
        make = self._worker_figure()

        def rendered(png: bytes) -> None:
            QApplication.clipboard().setImage(QImage.fromData(png, "PNG"))
            self.copied.emit()

        run_job(lambda _p: render_png(make()), rendered, self._failed("Copier le graphique"), owner=self)

    def save_to(self, path: str | Path) -> Path:
        """Write the chart to `path` in a worker (the format follows the extension: .png, .svg or .pdf); `saved`
        tells when it is written. Returns the path; a format not offered raises ValueError at once."""
        path = Path(path)
        if path.suffix.lower() not in FORMATS:
            raise ValueError(f"Format non pris en charge : « {path.suffix or path.name} » (PNG, SVG ou PDF).")
        make = self._worker_figure()
        run_job(lambda _p: write_chart(make(), path), self.saved.emit,
                self._failed("Enregistrer le graphique", f"Impossible d'enregistrer « {path} »"), owner=self)
        return path

    def _failed(self, title: str, what: str = "Opération impossible") -> Callable[[BaseException], None]:
        return lambda exc: QMessageBox.warning(self, title, f"{what} : {exc}")

    def save_with_dialog(self) -> Path | None:
        """Ask where, then write the chart there in a worker; the path chosen (None when the user cancelled)."""
        if self.figure is None:
            return None
        default = str(Path.home() / f"{file_stem(getattr(self.figure, 'erbm_title', '') or 'graphique')}.png")
        path, chosen = QFileDialog.getSaveFileName(self, "Enregistrer le graphique", default,
                                                   ";;".join(FORMATS.values()))
        if not path:
            return None
        if Path(path).suffix.lower() not in FORMATS:
            path += next((ext for ext, label in FORMATS.items() if label == chosen), ".png")
        try:
            return self.save_to(path)
        except ValueError as exc:
            QMessageBox.warning(self, "Enregistrer le graphique", f"Impossible d'enregistrer « {path} » : {exc}")
            return None

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction("Copier l'image", self.copy_to_clipboard)
        menu.addAction("Enregistrer sous… (PNG, SVG, PDF)", self.save_with_dialog)
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu()
        menu.exec(self.canvas.mapToGlobal(pos))
        menu.deleteLater()


_PAGE_CANVAS: dict = {}


def _page_canvas_class(base):
    """A matplotlib canvas that lets the mouse wheel go to the page: the charts do not zoom, and a wheel turned
    over a chart must scroll the dashboard as anywhere else on it."""
    if base not in _PAGE_CANVAS:

        class PageCanvas(base):
            def wheelEvent(self, event):
                event.ignore()  # handed on to the scroll area holding the chart

        _PAGE_CANVAS[base] = PageCanvas
    return _PAGE_CANVAS[base]
