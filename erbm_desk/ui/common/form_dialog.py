"""A small dialog of labelled fields with an introduction, a French error line and OK / Cancel: the shape of the
sign-in, new-account and passphrase dialogs. `submit()` (OK) is theirs; `busy(True)` while a worker checks."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from erbm_desk.paths import APP_NAME
from erbm_desk.ui.common.dialogs import ok_cancel


class FormDialog(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{title} — {APP_NAME}")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = ok_cancel(self, on_ok=self.submit)
        layout.addWidget(self.buttons)

    def field(self, label: str, secret: bool = False, text: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        if secret:
            edit.setEchoMode(QLineEdit.Password)
        self.form.addRow(label, edit)
        return edit

    def busy(self, on: bool) -> None:
        self.buttons.setEnabled(not on)

    def submit(self) -> None:  # pragma: no cover - overridden
        self.accept()
