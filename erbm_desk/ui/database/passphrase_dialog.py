"""The passphrase of an encrypted database file (or its recovery key), checked in a worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from erbm_desk.services.database import sqlcipher as encryption
from erbm_desk.ui.common.form_dialog import FormDialog
from erbm_desk.ui.database.workers import run_job


class PassphraseDialog(FormDialog):
    def __init__(self, path: Path, parent: QWidget | None = None):
        super().__init__("Base chiffrée", f"La base « {path.name} » est chiffrée. Donnez sa phrase de passe (ou, à "
                         "défaut, la clé de secours reçue lors du chiffrement).", parent)
        self.path = path
        self.passphrase = self.field("Phrase de passe :", secret=True)
        self.recovery = self.field("ou clé de secours :")
        self.key: bytes | None = None

    def submit(self) -> None:
        self.busy(True)
        passphrase, recovery = self.passphrase.text(), self.recovery.text().strip() or None
        run_job(lambda _p: encryption.unlock(self.path, passphrase, recovery), self._done, self._failed, owner=self)

    def _done(self, key: bytes) -> None:
        self.busy(False)
        self.key = key
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy(False)
        self.error.setText(str(exc))
