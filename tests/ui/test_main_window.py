from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStatusBar, QToolTip

from erbm_desk.ui.window.main_window import MainWindow
from erbm_desk.ui.window.status_bar import StatusBar


def test_window_shows_the_database_and_the_comite_sentence(qtbot, db, small_dataset):
    window = MainWindow(db)
    qtbot.addWidget(window)
    charts = []  # the charts are drawn after the figures: let them finish before the window goes
    if hasattr(window.dashboard, "charts_ready"):
        window.dashboard.charts_ready.connect(lambda: charts.append(True))
    window.show()
    assert db.label in window.windowTitle()
    # The dashboard computes in a worker (DESIGN rule 2): the sentence arrives a moment after the window shows.
    qtbot.waitUntil(lambda: "477 heures d'insertion réalisées par 3 personnes" in window.dashboard.sentence.text(),
                    timeout=20_000)
    if hasattr(window.dashboard, "charts_ready"):
        qtbot.waitUntil(lambda: bool(charts), timeout=30_000)


def _ink_columns(image, left: int, right: int) -> list[int]:
    """The columns between left and right (excluded) where some pixel is dark: text."""
    return [x for x in range(max(left, 0), min(right, image.width()))
            if any(image.pixelColor(x, y).lightness() < 110 for y in range(image.height()))]


def test_a_long_status_message_stays_clear_of_the_base_summary(qtbot, db, small_dataset):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    label = window.counts_label
    qtbot.waitUntil(lambda: "cités" in label.text(), timeout=20_000)
    bar = window.statusBar()
    whole = "Import terminé — " + "Cités : 19 ajoutées, 16 modifiées ; " * 12
    bar.showMessage(whole)
    image = bar.grab().toImage()
    message = _ink_columns(image, 0, label.x())
    summary = _ink_columns(image, label.x(), label.x() + 60)
    assert message and summary  # the message ends where the summary begins, and both are drawn
    assert summary[0] - message[-1] > 8  # a gap, not « …modifiéesdst3.sqlite — 35 cités »
    drawn = QStatusBar.currentMessage(bar)
    assert drawn.endswith("…") and whole.startswith(drawn[:-1])  # said to go on, not cut mid-word in silence
    assert bar.fontMetrics().horizontalAdvance(drawn) < label.x()
    assert bar.toolTip() == whole and bar.currentMessage() == whole  # the whole text, for who wants it
    # Hovering the summary shows where the base is, not the message's text.
    QApplication.sendEvent(label, QHelpEvent(QEvent.Type.ToolTip, QPoint(5, 5), label.mapToGlobal(QPoint(5, 5))))
    qtbot.waitUntil(lambda: QToolTip.isVisible(), timeout=5_000)
    assert QToolTip.text() == f"Base ouverte : {db.path or db.label}"
    QToolTip.hideText()

    bar.showMessage("Import terminé — Cités : 1 modifiée.")
    assert QStatusBar.currentMessage(bar) == "Import terminé — Cités : 1 modifiée." and not bar.toolTip()
    bar.clearMessage()
    assert bar.currentMessage() == "" and not bar.toolTip()


def test_a_long_message_is_fitted_again_when_the_summary_beside_it_grows(qtbot):
    window = QMainWindow()
    window.setStatusBar(StatusBar(window))
    bar = window.statusBar()
    label = QLabel("vide.sqlite — 16 cités")  # the base's summary, before an import is counted…
    bar.addPermanentWidget(label)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    qtbot.waitExposed(window)
    whole = "Import terminé — " + "Cités : 19 ajoutées, 16 modifiées ; " * 12
    bar.showMessage(whole, 60_000)
    before = QStatusBar.currentMessage(bar)
    assert before.endswith("…")
    label.setText("vide.sqlite — 35 cités · 159 opérations · 120 entreprises · 2 000 bénéficiaires · "
                  "2 531 contrats")
    qtbot.waitUntil(lambda: len(QStatusBar.currentMessage(bar)) < len(before))  # …and once it is
    drawn = QStatusBar.currentMessage(bar)
    assert drawn.endswith("…") and bar.fontMetrics().horizontalAdvance(drawn) < label.x()
    assert bar.currentMessage() == whole and bar.toolTip() == whole
