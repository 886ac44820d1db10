"""Qt's own texts are French whatever the machine's language: file dialogs, calendars, context menus. Each
language is tried in a fresh interpreter, as the app starts: the locale is read when Qt starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, sys
from PySide6.QtWidgets import QApplication, QCalendarWidget, QFileDialog, QLabel, QLineEdit, QToolButton
from erbm_desk.ui.common.french_qt import install_french

app = QApplication(sys.argv)
install_french(app)
dialog = QFileDialog(None, "Importer")
dialog.setOption(QFileDialog.DontUseNativeDialog)
dialog.show()
calendar = QCalendarWidget()
calendar.setCurrentPage(2024, 12)
calendar.show()
app.processEvents()
header = calendar.findChild(QToolButton, "qt_calendar_monthbutton").text()
field = QLineEdit()
menu = field.createStandardContextMenu()
print(json.dumps({
    "dialog": sorted(label.text() for label in dialog.findChildren(QLabel) if label.text()),
    "month": header,
    "monday": calendar.locale().dayName(1, calendar.locale().FormatType.ShortFormat),
    "menu": [a.text().split("\t")[0] for a in menu.actions() if a.text()],
    "decimal": calendar.locale().decimalPoint(),
}))
"""


@pytest.mark.parametrize("lang", ["C.UTF-8", "fr_FR.UTF-8"])
def test_qts_own_texts_are_french_whatever_lang(lang):
    env = dict(os.environ, LANG=lang, LC_ALL=lang, QT_QPA_PLATFORM="offscreen")
    env.pop("LANGUAGE", None)
    proc = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.splitlines()[-1])
    assert "&Regarder dans\u00a0:" in seen["dialog"] and "&Nom de fichier\u00a0:" in seen["dialog"]
    assert not any("Look in" in text or "Files of" in text for text in seen["dialog"])
    assert seen["month"] == "décembre" and seen["monday"] == "lun."
    assert "Tout sélectionner" in seen["menu"] and "Co&ller" in seen["menu"]
    assert seen["decimal"] == ","
