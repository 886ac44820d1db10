"""A file name to write, with « Parcourir… »: the export, relevé, bilan-like dialogs share it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget


def with_suffix(text: str, suffix: str) -> Path:
    """`text` as a path ending in `suffix` (« .xlsx »), whatever case it was typed in; « ~ » expanded."""
    return Path(text if text.lower().endswith(suffix) else f"{text}{suffix}").expanduser()


class SavePathField(QWidget):
    """A line edit holding the file's path, and « Parcourir… » opening a save dialog filtered on `file_filter`."""

    def __init__(self, default: Path, caption: str, file_filter: str, suffix: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.caption, self.file_filter, self.suffix = caption, file_filter, suffix
        self.edit = QLineEdit(str(default))
        browse = QPushButton("Parcourir…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(browse)

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.caption, self.edit.text(), self.file_filter)
        if name:
            self.edit.setText(str(with_suffix(name, self.suffix)))

    @property
    def path(self) -> Path:
        return with_suffix(self.edit.text().strip(), self.suffix)
