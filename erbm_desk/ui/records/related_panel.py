"""Related records under a record's form: a cité's operations and the contracts on them, an operation's funding
lines and contracts, a company's or beneficiary's contracts, a contract's months of hours.

Opening a row (double-click or Entrée) goes to that record's page; funding lines and months of hours have no
page of their own and open in a small form instead, where they can also be added. Everything they show is read
in workers (the database gateway).
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from erbm_desk.domain.french import format_count, format_hours
from erbm_desk.domain.entities import SPECS, Kind
from erbm_desk.domain.values import parse_month
from erbm_desk.services.records.lists import ListQuery, hours_total, record_name, record_values
from erbm_desk.ui.common.window_state import restore_geometry, save_geometry
from erbm_desk.ui.records.record_form import RecordForm
from erbm_desk.ui.records.record_table import RecordTable
from erbm_desk.ui.records.table_model import RecordTableModel
from erbm_desk.ui.records.workspace import Workspace

class RecordDialog(QDialog):
    """A record edited under another (its description's `edited_under`: a funding line under its operation, a
    month of hours under its contract), in the same generic form."""

    def __init__(self, ws: Workspace, entity: str, parent_id: int, record_id: int | None = None,
                 defaults: dict | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        key = SPECS[entity].edited_under.key
        self.setWindowTitle(SPECS[entity].label)
        self.form = RecordForm(ws, entity, fixed={key: parent_id}, parent=self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        ref = SPECS[entity].column(key).ref
        ws.read(self, lambda s: record_name(s, ref, parent_id), lambda name: self.form.set_fixed_name(key, name))
        if record_id is not None:
            self.form.load(record_id)
        else:
            self.form.new(defaults)
        self.form.saved.connect(lambda _id: self.accept())
        self.form.deleted.connect(lambda _id: self.accept())
        self.form.cancel_button.clicked.disconnect()
        self.form.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.Save, self, self.form.save)  # Entrée also saves: the default button
        self.resize(520, 300)
        restore_geometry(f"dialog_{entity}", self)
        self.form.focus_first()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.activateWindow()  # typing goes to the dialog at once, whatever the window manager does

    def done(self, result: int) -> None:
        save_geometry(f"dialog_{self.form.entity}", self)
        super().done(result)


class RelatedList(QWidget):
    def __init__(self, ws: Workspace, owner: str, title: str, entity: str, filter_key: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.title = title
        self.entity = entity
        self.filter_key = filter_key
        self.owner_id: int | None = None
        self.spec = spec = SPECS[entity]
        self.model = RecordTableModel(ws.db, ListQuery(entity, filters={filter_key: -1}, sort=spec.first_sort), self)
        self.table = RecordTable(self.model, self)
        self.table.setObjectName(f"related_{entity}")
        for i, column in enumerate(self.model.columns):  # the record we are under is not worth a column
            if column.kind is Kind.REF and column.ref == owner:
                self.table.setColumnHidden(i, True)
        self.footer = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.footer, 1)
        self.add_button: QPushButton | None = None
        self.owner = owner
        under = spec.edited_under
        # the column of the listed records that names the record shown (a contract's beneficiary_id)
        self.owner_key = next((c.key for c in spec.columns if c.kind is Kind.REF and c.ref == owner), None)
        if under is not None and spec.column(under.key).ref == owner:  # added here, under the record shown
            self.add_button = QPushButton(under.add_label)
            self.add_button.clicked.connect(self.add)
            bottom.addWidget(self.add_button)
        elif under is None and self.owner_key is not None and ws.new_record is not None:
            # « Nouveau contrat » under a person: the contract's page, the person already chosen
            self.add_button = QPushButton(spec.new_title)
            self.add_button.setToolTip(f"{spec.new_title} pour l'enregistrement affiché, sur sa page")
            self.add_button.clicked.connect(self.add_on_its_page)
            bottom.addWidget(self.add_button)
        layout.addLayout(bottom)
        self.table.opened.connect(self.open)
        self.model.loaded.connect(self._loaded)

    def show_owner(self, owner_id: int | None) -> None:
        self.owner_id = owner_id
        if self.add_button is not None:
            self.add_button.setEnabled(owner_id is not None)
        self.model.set_filter(self.filter_key, owner_id if owner_id is not None else -1)

    def _loaded(self) -> None:
        n = len(self.model.ids)
        if self.spec.summed is None:
            self.footer.setText(self.spec.short_noun.count(n))
            return
        query = self.model.query
        self.ws.read(self, lambda s: hours_total(s, query),
                     lambda total: self.footer.setText(f"{format_count(n, 'mois')} · {format_hours(total)} h au total"), latest="total")

    def open(self, record_id: int) -> None:
        if self.spec.edited_under is None:  # a record with a page of its own
            self.ws.open_record(self.entity, record_id)
            return
        key, entity = self.spec.edited_under.key, self.entity

        def arrived(found) -> None:
            if found is not None:
                RecordDialog(self.ws, entity, found[0][key], record_id, parent=self).open()

        self.ws.read(self, lambda s: record_values(s, entity, record_id), arrived, latest="open")

    def add(self) -> None:
        if self.owner_id is None:
            return
        defaults = {}
        months = [i for i, c in enumerate(self.model.columns) if c.kind is Kind.MONTH]
        if months and self.model.rows:  # a record of a month: the month after the last one typed
            last = max(parse_month(row[months[0]]) for row in self.model.rows)
            key = self.model.columns[months[0]].key
            defaults[key] = last.replace(year=last.year + last.month // 12, month=last.month % 12 + 1)
        RecordDialog(self.ws, self.entity, self.owner_id, defaults=defaults, parent=self).open()


    def add_on_its_page(self) -> None:
        if self.owner_id is None or self.ws.new_record is None:
            return
        owner, owner_id, key, entity, new_record = self.owner, self.owner_id, self.owner_key, self.entity, \
            self.ws.new_record
        self.ws.read(self, lambda s: record_name(s, owner, owner_id),
                     lambda name: new_record(entity, {key: owner_id, f"{key}_name": name}), latest="new")


class RelatedPanel(QTabWidget):
    def __init__(self, ws: Workspace, entity: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDocumentMode(True)
        self.lists = [RelatedList(ws, entity, r.title, r.entity, r.filter_key, self) for r in SPECS[entity].related]
        for i, lst in enumerate(self.lists):
            self.addTab(lst, lst.title)
            lst.model.loaded.connect(lambda i=i, lst=lst: self.setTabText(i, f"{lst.title} ({len(lst.model.ids)})"))
        self.setEnabled(False)

    def show_record(self, record_id: int | None) -> None:
        self.setEnabled(record_id is not None)
        for lst in self.lists:
            lst.show_owner(record_id)

    def refresh(self) -> None:
        for lst in self.lists:
            lst.model.reload()

