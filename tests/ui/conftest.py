"""The window's tests run with Qt in French as the app starts it (ui/app.py): the French locale and Qt's own
French texts, whatever the machine's language."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _qt_in_french(qapp):
    from erbm_desk.ui.common.french_qt import install_french

    assert install_french(qapp), "the French translations shipped with PySide6 were not found"
