"""Step 2 — the columns: the field each column feeds, proposed from the entity descriptions (green: sure; yellow:
to check; red: ambiguous), chosen from a list or ignored; the year of month columns that name none; the fields
still missing and a value for every row where the file has no column."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWizardPage,
)

from erbm_desk.domain.entities import SPECS, Kind
from erbm_desk.services.exchange.mapping.columns import AMBIGUOUS, IGNORED
from erbm_desk.services.exchange.mapping.fields import MONTH_HOURS, YEAR, links, needed, target, targets
from erbm_desk.services.exchange.mapping.layout import data_rows, header_cells
from erbm_desk.services.exchange.mapping.months import month_header, year_steps
from erbm_desk.services.exchange.mapping.prepare import HOURS, MONTH, sheet_month
from erbm_desk.services.exchange.mapping.values import choices
from erbm_desk.ui.exchange.import_wizard.mapping_models import (
    CHOSEN,
    ColumnRow,
    ColumnsModel,
    cell_text,
    target_label,
)
from erbm_desk.ui.exchange.import_wizard.parts import message_label, table

SAMPLES = 3


class ColumnsPage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.w = wizard
        self.setTitle("2. Colonnes")
        self.setSubTitle("Le champ de l'application que chaque colonne alimente. Sélectionnez une cellule de la "
                         "colonne « Champ » et tapez F2 (ou les premières lettres) pour en choisir un autre.")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        sheet_label = QLabel("&Feuille :")
        self.sheet_box = QComboBox()
        self.sheet_box.setObjectName("columns_sheet")
        sheet_label.setBuddy(self.sheet_box)
        top.addWidget(sheet_label)
        top.addWidget(self.sheet_box, 1)
        self.year_label = QLabel("&Année des mois sans année :")
        self.year = QSpinBox()
        self.year.setObjectName("month_year")
        self.year.setRange(1999, 2099)
        self.year.setSpecialValueText("inconnue")
        self.year_label.setBuddy(self.year)
        top.addWidget(self.year_label)
        top.addWidget(self.year)
        layout.addLayout(top)
        self.model = ColumnsModel(self._column_changed, self)
        self.view = table("columns", self.model, editable=True)
        self.view.setColumnWidth(0, 230)
        self.view.setColumnWidth(1, 260)
        self.view.setColumnWidth(2, 300)
        layout.addWidget(self.view, 1)
        self.missing = message_label(error=True)
        self.missing.setObjectName("missing_fields")
        layout.addWidget(self.missing)
        row = QHBoxLayout()
        self.constant_button = QPushButton("&Valeur pour toutes les lignes…")
        self.constant_button.setToolTip("Pour un champ qu'aucune colonne ne donne : la même valeur pour chaque ligne")
        self.constant_button.clicked.connect(self._ask_constant)
        row.addStretch(1)
        row.addWidget(self.constant_button)
        layout.addLayout(row)
        self.sheet_box.currentIndexChanged.connect(lambda _i: self._fill())
        self.year.valueChanged.connect(self._year_changed)

    def initializePage(self) -> None:
        self.sheet_box.blockSignals(True)
        self.sheet_box.clear()
        for sm in self.w.intake.mapping.sheets:
            self.sheet_box.addItem(sm.sheet)
        self.sheet_box.blockSignals(False)
        self.year.blockSignals(True)
        self.year.setValue(self.w.intake.mapping.year or self.year.minimum())
        self.year.blockSignals(False)
        self._fill()

    def _fill(self) -> None:
        intake = self.w.intake
        sm = intake.mapping.sheet(self.sheet_box.currentText())
        if sm is None:
            self.model.set_rows([])
            return
        proposals = {p.index: p for p in intake.proposals.get(sm.sheet, ())}
        sheet = intake.book.sheet(sm.sheet)
        heads = {h.index: h for h in header_cells(sheet, sm.header_row)}
        samples: dict[int, list[str]] = {c.index: [] for c in sm.columns}
        for _n, cells in data_rows(sheet, sm.header_row):
            for j, found in samples.items():
                if len(found) < SAMPLES and j < len(cells) and cells[j] not in (None, ""):
                    text = cell_text(cells[j])
                    if text not in found:
                        found.append(text)
            if all(len(v) >= SAMPLES for v in samples.values()):
                break
        rows = []
        for c in sm.columns:
            p = proposals.get(c.index)
            head = heads.get(c.index)
            is_month = month_header(head.cell if head else c.header) is not None
            state = p.state if p is not None and p.target == c.target else (CHOSEN if c.target else IGNORED)
            rows.append(ColumnRow(c.index, c.header, " ; ".join(samples.get(c.index, ())), c.target, state,
                                  p.reason if p is not None and p.target == c.target else "", is_month))
        self.model.set_rows(rows)
        self._update()

    def _column_changed(self, row: ColumnRow) -> None:
        sm = self.w.intake.mapping.sheet(self.sheet_box.currentText())
        for c in sm.columns:
            if c.index == row.index:
                c.target = row.target
            elif row.target and row.target not in (MONTH_HOURS,) and c.target == row.target:
                c.target = None  # one column per field: the other one is now ignored
        self.w.forget()
        current = self.view.currentIndex()
        self._fill()
        self.view.setCurrentIndex(self.model.index(current.row(), current.column()))
        self.view.setFocus()  # the keyboard stays in the table

    def _year_changed(self, value: int) -> None:
        self.w.intake.mapping.year = None if value == self.year.minimum() else value
        self.w.forget()
        self._update()

    def missing_fields(self) -> list[str]:
        """Codes of the required fields no column or value for every row gives, for the entities of the file."""
        mapping = self.w.intake.mapping
        used = mapping.targets_used()
        present = {targets()[c].entity for c in used if c in targets() and targets()[c].entity}
        if MONTH_HOURS in used:  # month columns give both the month and the hours
            present.add("hours_entry")
            used = used | {"hours_entry.month", "hours_entry.hours"}
        sheet_months = self._sheet_months()
        if sheet_months and all(sheet_months.values()):
            used = used | {MONTH}  # each sheet of hours is the month its name or title says
        out = []
        for entity in needed(present):
            linked = {key for key, _ref, _req in links(entity)}
            for column in SPECS[entity].columns:
                code = f"{entity}.{column.key}"
                if column.required and column.key not in linked and code not in used and code in targets():
                    if entity == "beneficiary" and column.key in ("last_name", "first_name") and \
                            "beneficiary.full_name" in used:
                        continue
                    out.append(code)
        return out

    def _sheet_months(self) -> dict[str, object]:
        """Sheet → the month its name or title gives, for the sheets of hours that have no « Mois » column."""
        intake = self.w.intake
        return {sm.sheet: sheet_month(intake.book, intake.mapping, sm) for sm in intake.mapping.sheets
                if HOURS in {c.target for c in sm.columns} and MONTH not in {c.target for c in sm.columns}
                and MONTH not in intake.mapping.constants}

    def _update(self) -> None:
        mapping = self.w.intake.mapping
        months_without_year = any(c.target == MONTH_HOURS and (m := month_header(c.header)) is not None
                                  and m.year is None for s in mapping.sheets for c in s.columns)
        year_column = YEAR in mapping.targets_used()
        self.year.setVisible(months_without_year and not year_column)
        self.year_label.setVisible(months_without_year and not year_column)
        lines = []
        for code in self.missing_fields():
            lines.append(f"« {target(code).label} » : aucune colonne — nécessaire pour créer de nouveaux "
                         "enregistrements (associez une colonne, ou « Valeur pour toutes les lignes… »).")
        ambiguous = [r for r in self.model.rows if r.state == AMBIGUOUS and r.target is None]
        for r in ambiguous:
            lines.append(f"Colonne « {r.header} » : ambiguë{' — ' + r.reason if r.reason else ''}, ignorée tant "
                         "qu'aucun champ n'est choisi.")
        sheet_months = self._sheet_months()
        known = [f"« {sheet} » {month:%m/%Y}" for sheet, month in sheet_months.items() if month]
        if known:
            lines.append("Mois des heures, d'après le nom ou le titre de chaque feuille : " + ", ".join(known) + ".")
        for sheet in (sheet for sheet, month in sheet_months.items() if not month):
            lines.append(f"Feuille « {sheet} » : le mois des heures est inconnu — associez la colonne « Mois » ou "
                         "« Valeur pour toutes les lignes… ».")
        for sm in mapping.sheets:
            months = [(c.index, m) for c in sm.columns if c.target == MONTH_HOURS and (m := month_header(c.header))]
            wraps = year_steps(months)
            if wraps:
                first = next(c.header for c in sm.columns if c.index == min(wraps))
                year = f"{mapping.year + 1}" if mapping.year and not year_column else "l'année suivante"
                lines.append(f"Feuille « {sm.sheet} » : les mois passent au-delà de décembre : « {first} » et les "
                             f"colonnes suivantes sont de {year}.")
        if months_without_year and not year_column and not mapping.year:
            lines.append("Année des colonnes de mois inconnue : indiquez-la ci-dessus.")
        for code, value in mapping.constants.items():
            lines.append(f"Pour toutes les lignes : « {target(code).label} » = « {self._shown(code, value)} ».")
        self.missing.setText("\n".join(lines))

    @staticmethod
    def _shown(code: str, value: str) -> str:
        t = target(code)
        if t.maps_values:
            return dict(choices(t)).get(value, value)
        return value

    def _ask_constant(self) -> None:
        fields = self.missing_fields() or [c for c, t in targets().items() if t.column is not None
                                           and t.column.kind is not Kind.REF]
        labels = [target_label(c) for c in fields]
        label, ok = QInputDialog.getItem(self, "Valeur pour toutes les lignes", "Champ :", labels, 0, False)
        if not ok:
            return
        code = fields[labels.index(label)]
        t = target(code)
        if t.maps_values:
            options = choices(t)
            text, ok = QInputDialog.getItem(self, t.label, "Valeur :", [lbl for _c, lbl in options], 0, False)
            value = dict((lbl, c) for c, lbl in options).get(text)
        else:
            value, ok = QInputDialog.getText(self, t.label, "Valeur :")
        if ok and value:
            self.w.intake.mapping.constants[code] = value
            self.w.forget()
            self._update()
