"""The window's tests run with Qt in French as the app starts it (ui/app.py): the French locale and Qt's own
French texts, whatever the machine's language."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _qt_in_french(qapp):
    from erbm_desk.ui.common.french_qt import install_french

    assert install_french(qapp), "the French translations shipped with PySide6 were not found"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """A test about unsaved changes that failed half-way leaves some: the window pytest-qt closes after it must
    not wait for an answer (a question of Qt's own buttons waits in a loop of its own)."""
    if item.module.__name__.endswith("test_unsaved_changes"):
        from tests.ui.helpers import answer_when_asked

        timer = answer_when_asked(None, "Ne pas enregistrer")
        try:
            return (yield)
        finally:
            timer.stop()
    return (yield)


@pytest.fixture(autouse=True)
def _no_answer_left_waiting():
    """An answer a test prepared for a question that never came must not answer the next test's."""
    yield
    from tests.ui.helpers import _TIMERS

    for timer in _TIMERS:
        timer.stop()
    _TIMERS.clear()
