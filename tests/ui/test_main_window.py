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
