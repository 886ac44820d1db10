from erbm_desk.ui.window.main_window import MainWindow


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
    bar.showMessage("Import terminé — " + "Cités : 19 ajoutées, 16 modifiées ; " * 12)
    image = bar.grab().toImage()
    message = _ink_columns(image, 0, label.x())
    summary = _ink_columns(image, label.x(), label.x() + 60)
    assert message and summary  # the message is cut where the summary begins, and both are drawn
    assert summary[0] - message[-1] > 8  # a gap, not « …modifiéesdst3.sqlite — 35 cités »
