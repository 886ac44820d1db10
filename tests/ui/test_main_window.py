from erbm_desk.ui.main_window import MainWindow


def test_window_shows_the_database_and_the_comite_sentence(qtbot, db, small_dataset):
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert db.label in window.windowTitle()
    assert "477 heures d'insertion réalisées par 3 personnes" in window.dashboard.sentence.text()
