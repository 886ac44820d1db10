from erbm_desk.ui.main_window import MainWindow


def test_window_shows_the_database_and_the_comite_sentence(qtbot, db, small_dataset):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert db.label in window.windowTitle()
    # The dashboard computes in a worker (DESIGN rule 2): the sentence arrives a moment after the window shows.
    qtbot.waitUntil(lambda: "477 heures d'insertion réalisées par 3 personnes" in window.dashboard.sentence.text(),
                    timeout=20_000)
