"""A chart on screen: a matplotlib Figure in a FigureCanvasQTAgg, with the exact value of the bar, point or
commune under the mouse in a tooltip, and « Copier » / « Enregistrer sous… » (PNG, SVG, PDF) in a context
menu and as small buttons. Clicking a cité (map point, comparison bar) emits `cite_clicked(id)`.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

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

# matplotlib (and the map module, which needs it) is imported when the first figure is set: the dashboard creates
# its canvases empty while the window starts, and the figures come once the data is computed, after the window
# shows (issue 8: start-up time; tests/test_startup_imports.py).
if TYPE_CHECKING:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure
from erbm_desk.services.atomic_files import atomic_path

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


class ChartCanvas(QWidget):
    cite_clicked = Signal(int)

    def __init__(self, figure: Figure | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas: FigureCanvasQTAgg | None = None
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

    def set_figure(self, figure: Figure) -> None:
        """Show `figure` (replacing the previous one) at its own size."""
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        old = self.canvas
        canvas = FigureCanvasQTAgg(figure)
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

    def image(self, dpi: int = EXPORT_DPI) -> QImage:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        return QImage.fromData(buffer.getvalue(), "PNG")

    def copy_to_clipboard(self) -> None:
        if self.figure is not None:
            QApplication.clipboard().setImage(self.image())

    def save_to(self, path: str | Path) -> Path:
        """Write the chart to `path`; the format follows the extension (.png, .svg or .pdf)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in FORMATS:
            raise ValueError(f"Format non pris en charge : « {path.suffix or path.name} » (PNG, SVG ou PDF).")
        with atomic_path(path) as tmp:
            self.figure.savefig(tmp, format=suffix[1:], dpi=EXPORT_DPI, facecolor="white")
        return path

    def save_with_dialog(self) -> Path | None:
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
        except (OSError, ValueError) as exc:
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
