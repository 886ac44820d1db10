"""Step 1 — the file: its sheets, which ones to import and from which header row (proposed, correctable), a
preview of the selected sheet with its header row in bold, the saved mapping recognised for it, or one opened from a
JSON file."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from erbm_desk.domain.french import format_count
from erbm_desk.services.exchange.mapping.intake import Intake
from erbm_desk.services.exchange.mapping.layout import data_rows, detect_header, propose_sheets
from erbm_desk.ui.exchange.import_wizard.mapping_models import (
    PREVIEW_COLUMNS,
    PREVIEW_ROWS,
    PreviewModel,
    SheetRow,
    SheetsModel,
)
from erbm_desk.ui.exchange.import_wizard.mapping_files import open_mapping_file
from erbm_desk.ui.exchange.import_wizard.parts import message_label, table

AUTOMATIC = "Proposition automatique (d'après les en-têtes)"


class FilePage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.w = wizard
        self.setTitle("1. Fichier et feuilles")
        self.setSubTitle("Cochez les feuilles à importer ; corrigez la ligne d'en-tête si elle n'est pas la bonne.")
        layout = QVBoxLayout(self)
        self.file_label = message_label()
        layout.addWidget(self.file_label)
        row = QHBoxLayout()
        row.addWidget(QLabel("&Correspondance :"))
        self.mapping_box = QComboBox()
        self.mapping_box.setObjectName("saved_mapping")
        row.itemAt(0).widget().setBuddy(self.mapping_box)
        row.addWidget(self.mapping_box, 1)
        self.open_mapping = QPushButton("&Ouvrir une correspondance…")
        self.open_mapping.setToolTip("Une correspondance exportée dans un fichier JSON (d'un autre poste, ou par "
                                     "erbm-desk mappings --export)")
        self.open_mapping.clicked.connect(lambda: open_mapping_file(self, self.w, self._mapping_opened))
        row.addWidget(self.open_mapping)
        layout.addLayout(row)
        split = QSplitter(Qt.Vertical)
        self.sheets_model = SheetsModel(self._sheet_changed, self)
        self.sheets = table("sheets", self.sheets_model, editable=True)
        self.sheets.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._preview(cur.row()))
        split.addWidget(self.sheets)
        self.preview_model = PreviewModel(self)
        self.preview = table("preview", self.preview_model)
        self.preview.setSelectionBehavior(QTableView.SelectItems)
        self.preview.horizontalHeader().setStretchLastSection(False)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.preview.horizontalHeader().setDefaultSectionSize(110)
        split.addWidget(self.preview)
        split.setSizes([160, 420])
        layout.addWidget(split, 1)
        self.mapping_box.activated.connect(self._mapping_chosen)

    def initializePage(self) -> None:
        intake = self.w.intake
        book = intake.book
        notes = f" — {', '.join(book.notes)}" if book.notes else ""
        self.file_label.setText(f"<b>{book.path.name}</b> ({book.kind.upper()}{notes}) — "
                                f"{format_count(len(book.sheets), 'feuille')}.")
        self.mapping_box.blockSignals(True)
        self.mapping_box.clear()
        self.mapping_box.addItem(AUTOMATIC, None)
        for saved in self.w.saved:
            self.mapping_box.addItem(f"« {saved.name} » — {saved.description}", saved.name)
        self.mapping_box.setCurrentIndex(max(self.mapping_box.findData(intake.saved_name), 0))
        self.mapping_box.blockSignals(False)
        self._fill()

    def _fill(self) -> None:
        intake = self.w.intake
        rows = []
        for choice in propose_sheets(intake.book):
            mapped = intake.mapping.sheet(choice.name)
            sheet = intake.book.sheet(choice.name)
            header = mapped.header_row if mapped else choice.header_row
            rows.append(SheetRow(choice.name, mapped is not None, header, _info(sheet, header, choice.reason)))
        self.sheets_model.set_rows(rows)
        self.sheets.resizeColumnsToContents()
        first = next((i for i, r in enumerate(rows) if r.used), 0)
        if rows:
            flags = QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows
            self.sheets.selectionModel().setCurrentIndex(self.sheets_model.index(first, 0), flags)
            self._preview(first)
        self.completeChanged.emit()

    def _preview(self, row: int) -> None:
        if 0 <= row < len(self.sheets_model.rows):
            r = self.sheets_model.rows[row]
            self.preview_model.show_sheet(self.w.intake.book.sheet(r.name), r.header_row)
            self.preview.clearSpans()
            for r1, c1, r2, c2 in self.preview_model.merged:
                rows, columns = min(r2, PREVIEW_ROWS - 1) - r1 + 1, min(c2, PREVIEW_COLUMNS - 1) - c1 + 1
                self.preview.setSpan(r1, c1, rows, columns)
            self.preview.resizeRowsToContents()

    def _sheet_changed(self, row: SheetRow, used: bool, header_row: int | None) -> None:
        intake: Intake = self.w.intake
        sheet = intake.book.sheet(row.name)
        header_row = header_row or detect_header(sheet) or 1
        row.header_row = header_row
        mapped = intake.mapping.sheet(row.name)
        if used and mapped is not None and mapped.header_row != header_row:
            intake.set_header_row(row.name, header_row)
        else:
            intake.use_sheet(row.name, used, header_row)
        row.info = _info(sheet, header_row, "")
        self.w.forget()
        self._preview(self.sheets_model.rows.index(row))
        self.completeChanged.emit()

    def _mapping_chosen(self, position: int) -> None:
        name = self.mapping_box.itemData(position)
        saved = [s.mapping for s in self.w.saved if s.name == name]
        intake = Intake.of(self.w.intake.book, saved)
        if name and intake.saved_name != name:
            self.file_label.setText(self.file_label.text().split("<br>")[0] +
                                    f"<br>La correspondance « {name} » ne convient pas à ce fichier (ses en-têtes "
                                    "sont différents) : proposition automatique.")
            self.mapping_box.setCurrentIndex(0)
        self.w.replace_intake(intake)
        self._fill()

    def _mapping_opened(self, name: str | None, message: str) -> None:
        if name is not None:
            self.initializePage()  # the combo lists the opened mapping, chosen
        self.file_label.setText(self.file_label.text().split("<br>")[0] + f"<br>{message}")

    def isComplete(self) -> bool:
        return any(r.used for r in self.sheets_model.rows)


def _info(sheet, header_row: int | None, reason: str) -> str:
    if header_row is None:
        return reason or "aucun tableau reconnu"
    rows = sum(1 for _ in data_rows(sheet, header_row))
    text = f"{format_count(rows, 'ligne')} de données sous l'en-tête"
    return f"{text} — {reason}" if reason else text
