"""Step 5 — the review before anything is written: per entity what is new, changed, unchanged or in error; the rows
in error of each sheet with their faulty cells in red, corrected in place (a cell typed again turns yellow until
« Vérifier à nouveau », F5) or left out; the errors exported to a workbook and taken back corrected; the name the
mapping is remembered under. « Importer » writes everything in one transaction, after a backup, only once no
error is left. The mapping can also be exported as a JSON file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from erbm_desk.domain.french import agree, agreed, count_agreed, format_count
from erbm_desk.services.exchange.mapping.error_workbook import read_error_workbook, write_error_workbook
from erbm_desk.services.exchange.mapping.intake import apply_review, review
from erbm_desk.services.exchange.mapping.layout import header_cells
from erbm_desk.ui.exchange.import_wizard.mapping_files import export_mapping_file
from erbm_desk.ui.exchange.import_wizard.parts import message_label, table
from erbm_desk.ui.exchange.import_wizard.review_models import CountsModel, ErrorRow, ErrorsModel

XLSX_FILTER = "Classeur Excel (*.xlsx)"
MAX_LISTED = 12


class ReviewPage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.w = wizard
        self.setTitle("5. Vérification avant l'import")
        self.setSubTitle("Rien n'est écrit tant qu'une ligne est en erreur : corrigez ses cellules en rouge, ou "
                         "cochez « Laisser de côté ».")
        self.setButtonText(QWizard.NextButton, "&Importer")
        layout = QVBoxLayout(self)
        self.counts_model = CountsModel(self)
        self.counts = table("counts", self.counts_model)
        self.counts.horizontalHeader().setStretchLastSection(False)
        self.counts.verticalHeader().setDefaultSectionSize(22)
        self.counts.setMaximumHeight(24 + 22 * 8)
        layout.addWidget(self.counts)
        self.notices = message_label()
        self.notices.setObjectName("notices")
        layout.addWidget(self.notices)
        top = QHBoxLayout()
        label = QLabel("Lignes en erreur de la &feuille :")
        self.sheet_box = QComboBox()
        self.sheet_box.setObjectName("errors_sheet")
        label.setBuddy(self.sheet_box)
        top.addWidget(label)
        top.addWidget(self.sheet_box, 1)
        self.recheck = QPushButton("&Vérifier à nouveau (F5)")
        self.export_button = QPushButton("E&xporter les erreurs…")
        self.take_back = QPushButton("&Reprendre un classeur corrigé…")
        for button in (self.recheck, self.export_button, self.take_back):
            top.addWidget(button)
        layout.addLayout(top)
        self.errors_model = ErrorsModel(self._corrected, self._left_out, self)
        self.errors = table("errors", self.errors_model, editable=True)
        layout.addWidget(self.errors, 1)
        self.no_error = message_label("Aucune ligne en erreur.")
        self.no_error.setObjectName("no_error")
        self.no_error.setVisible(False)
        layout.addWidget(self.no_error)
        self.general = message_label(error=True)
        self.general.setObjectName("general_problems")
        layout.addWidget(self.general)
        save = QHBoxLayout()
        self.save_box = QCheckBox("Enregistrer la correspondance &sous :")
        self.save_box.setChecked(True)
        self.save_name = QLineEdit()
        self.save_name.setObjectName("mapping_name")
        save.addWidget(self.save_box)
        save.addWidget(self.save_name, 1)
        self.export_mapping = QPushButton("Exporter la &correspondance…")
        self.export_mapping.setToolTip("La correspondance dans un fichier JSON, pour un autre poste ou la ligne de "
                                       "commande (erbm-desk import --mapping)")
        self.export_mapping.clicked.connect(
            lambda: export_mapping_file(self, self.w, self.save_name.text(), self.status.setText))
        save.addWidget(self.export_mapping)
        layout.addLayout(save)
        self.status = message_label()
        self.status.setObjectName("review_status")
        layout.addWidget(self.status)
        self.recheck.clicked.connect(self.check)
        QShortcut(QKeySequence("F5"), self, self.check)
        self.export_button.clicked.connect(self._export)
        self.take_back.clicked.connect(self._take_back)
        self.sheet_box.currentIndexChanged.connect(lambda _i: self._show_errors())
        self.loading = False
        self.importing = False

    # --- checking ------------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        if not self.save_name.text():
            self.save_name.setText(self.w.intake.saved_name or self.w.intake.book.path.stem)
        self.check()

    def check(self) -> None:
        """Review the file again (in a worker): after a correction, a row left out, a workbook taken back."""
        if self.loading or self.importing:
            return
        self.loading = True
        self.completeChanged.emit()
        self.status.setText("Vérification en cours…")
        intake, db = self.w.intake, self.w.db
        analysis = self.w.analysis if self.w.analysis is not None and not intake.corrections \
            and not intake.left_out else None

        def work(progress):
            with db.sessions() as s:
                return review(s, intake, analysis, progress)

        def done(result) -> None:
            self.loading = False
            self.w.result = result
            self.w.analysis = None  # corrections and rows left out change the records: analysed again next time
            self._fill()

        self.w.run(work, done, "Vérification de chaque ligne…")

    def _fill(self) -> None:
        result = self.w.result
        self.counts_model.set_rows(list(result.counts.items()))
        self.counts.resizeColumnsToContents()
        for column in range(1, self.counts_model.columnCount()):
            self.counts.setColumnWidth(column, max(self.counts.columnWidth(column), 110))
        lines = [f"Remarque : {n}" for n in result.notices[:MAX_LISTED]]
        for change in result.changes[:MAX_LISTED]:
            what = " ; ".join(f"{column} : {here or '(vide)'} → {there or '(vide)'}"
                              for column, here, there in change.differences)
            where = f"ligne {change.row} — " if change.row else ""
            lines.append(f"Modifié : {where}{change.label} — {what}")
        if len(result.changes) > MAX_LISTED:
            lines.append(f"… et {len(result.changes) - MAX_LISTED} autres modifications.")
        self.notices.setText("\n".join(lines))
        rows = result.rows_in_error()
        self.sheet_box.blockSignals(True)
        current = self.sheet_box.currentText()
        self.sheet_box.clear()
        for sm in self.w.intake.mapping.sheets:
            n = sum(1 for s, _r in rows if s == sm.sheet)
            touched = any(s == sm.sheet for s, _r in self.w.intake.left_out) or \
                any(s == sm.sheet for s, _r, _c in self.w.intake.corrections)
            if n or touched:
                self.sheet_box.addItem(f"{sm.sheet} — {format_count(n, 'ligne')} en erreur", sm.sheet)
        self.sheet_box.setCurrentIndex(max(self.sheet_box.findData(current.split(" — ")[0]), 0))
        self.sheet_box.blockSignals(False)
        self._show_errors()
        general = result.general_problems()
        self.general.setText("\n".join(str(p) for p in general[:20]))
        self._status()
        self.completeChanged.emit()

    def _show_errors(self) -> None:
        result, intake = self.w.result, self.w.intake
        sheet = self.sheet_box.currentData()
        if result is None or sheet is None:
            self.errors_model.show_rows([], [])
            return
        sm = intake.mapping.sheet(sheet)
        heads = [(h.index, h.text) for h in header_cells(intake.book.sheet(sheet), sm.header_row)]
        in_error = result.rows_in_error()
        cells = dict(intake.prepared_rows(sheet, with_left_out=True))
        corrected: dict[int, set[int]] = {}
        for s, r, c in intake.corrections:
            if s == sheet:
                corrected.setdefault(r, set()).add(c)
        wanted = sorted({r for s, r in in_error if s == sheet} | {r for s, r in intake.left_out if s == sheet}
                        | set(corrected))
        rows = [ErrorRow(r, list(cells.get(r, [])), in_error.get((sheet, r), []), (sheet, r) in intake.left_out,
                         corrected.get(r, set()) if (sheet, r) not in in_error else set())
                for r in wanted]
        self.errors_model.show_rows(heads, rows)
        self.errors.setVisible(bool(rows))
        self.no_error.setVisible(not rows)
        self.errors.resizeColumnsToContents()
        self.errors.setColumnWidth(2, 420)
        self.errors.resizeRowsToContents()
        first = next((n for n, r in enumerate(rows) if r.problems), None)
        if first is not None:  # the first faulty cell has the keyboard: typing corrects it
            problems = rows[first].problems
            column = next((self.errors_model.view_column(p.col) for p in problems if p.col is not None), None)
            self.errors.setCurrentIndex(self.errors_model.index(first, column or ErrorsModel.FIRST))
            self.errors.setFocus()

    def _status(self) -> None:
        result = self.w.result
        if result is None:
            return
        if not result.ok:
            self.status.setText(f"{format_count(len(result.problems), 'erreur')} : rien ne sera écrit tant "
                                "qu'il en reste. "
                                "Corrigez les cellules en rouge puis « Vérifier à nouveau » (F5).")
        elif result.writes:
            self.status.setText(f"Prêt : {format_count(result.writes, 'enregistrement')} "
                                f"{agree(result.writes, 'sera écrit', 'seront écrits')} "
                                "en une seule fois, après "
                                "une sauvegarde de la base.")
        else:
            self.status.setText("Rien à importer : la base contient déjà tout ce fichier.")

    def _corrected(self, row: int, col: int, text: str) -> None:
        self.w.intake.correct(self.sheet_box.currentData(), row, col, text)
        self.status.setText("Cellule corrigée : « Vérifier à nouveau » (F5) pour contrôler la ligne.")
        self.w.result = None
        self.completeChanged.emit()

    def _left_out(self, row: int, out: bool) -> None:
        self.w.intake.leave_out(self.sheet_box.currentData(), row, out)
        self.w.result = None
        self.completeChanged.emit()

    # --- the errors in a workbook --------------------------------------------------------------------------

    def _export(self) -> None:
        result = self.w.result
        if result is None or result.ok:
            return
        default = str(self.w.intake.book.path.with_name(f"{self.w.intake.book.path.stem} - erreurs.xlsx"))
        name, _ = QFileDialog.getSaveFileName(self, "Exporter les lignes en erreur", default, XLSX_FILTER)
        if not name:
            return
        path = Path(name if name.lower().endswith(".xlsx") else f"{name}.xlsx")
        intake = self.w.intake
        self.w.run(lambda _p: write_error_workbook(intake, result, path),
                   lambda n: self.status.setText(f"{format_count(n, 'ligne')} en erreur {agreed(n, 'écrit', True)} "
                                                 f"dans « {path.name} » : "
                                                 f"{agree(n, 'corrigez-la', 'corrigez-les')} dans le tableur, puis "
                                                 "« Reprendre un classeur corrigé… »."),
                   "Export des lignes en erreur…")

    def _take_back(self) -> None:
        folder = str(self.w.intake.book.path.parent)
        name, _ = QFileDialog.getOpenFileName(self, "Reprendre un classeur corrigé", folder, XLSX_FILTER)
        if name:
            self.take_back_file(Path(name))

    def take_back_file(self, path: Path) -> None:
        intake = self.w.intake

        def done(counts) -> None:
            corrected, left = counts
            self.status.setText(f"« {path.name} » : {count_agreed(corrected, 'cellule', 'corrigé', True)}, "
                                f"{count_agreed(left, 'ligne', 'laissé', True)} de côté.")
            self.check()

        self.w.run(lambda _p: read_error_workbook(intake, path), done, "Lecture du classeur corrigé…")

    # --- importing -----------------------------------------------------------------------------------------

    def isComplete(self) -> bool:
        result = self.w.result
        return not self.loading and not self.importing and result is not None and result.ok

    def validatePage(self) -> bool:
        """« Importer »: the backup and the one transaction in the writer; the next page once written."""
        if self.w.summary is not None:
            return True
        if not self.isComplete():
            return False
        self.importing = True
        self.completeChanged.emit()
        intake, result, db = self.w.intake, self.w.result, self.w.db
        save_as = self.save_name.text().strip() if self.save_box.isChecked() else None

        def work(progress):
            return apply_review(db, intake, result, progress, save_as=save_as or None)

        def done(summary) -> None:
            self.importing = False
            self.w.summary = summary
            self.w.saved_as = save_as or None
            self.w.next()

        self.w.run(work, done, "Import en cours…", writes=True)
        return False
