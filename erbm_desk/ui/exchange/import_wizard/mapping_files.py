"""A mapping as a JSON file from the wizard: exported from the review (the columns, values and matches chosen, under
the name typed there), and opened on the first step for the file of another site or another computer — the same
file `erbm-desk import --mapping FICHIER.json` and `erbm-desk mappings --export` use."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QFileDialog, QWidget

from erbm_desk.db.models import utcnow
from erbm_desk.services.exchange.mapping.intake import Intake
from erbm_desk.services.exchange.mapping.model import Mapping, MappingFileError
from erbm_desk.services.exchange.mapping.saved import SavedMapping, clean_name, export_mapping, read_mapping_file

JSON_FILTER = "Correspondance d'import (*.json)"


def export_mapping_file(parent: QWidget, wizard, name: str, said: Callable[[str], None]) -> None:
    """Ask where, then write the wizard's mapping under `name` in a worker; `said` gets the French outcome."""
    intake = wizard.intake
    try:
        name = clean_name(name or intake.book.path.stem)
    except ValueError as exc:
        said(str(exc))
        return
    default = str(intake.book.path.with_name(f"{name}.json"))
    chosen, _ = QFileDialog.getSaveFileName(parent, "Exporter la correspondance", default, JSON_FILTER)
    if not chosen:
        return
    path = Path(chosen if chosen.lower().endswith(".json") else f"{chosen}.json")
    mapping = Mapping.from_dict(intake.mapping.to_dict())  # a copy: the wizard's own keeps changing
    mapping.name = name
    def work(_progress) -> Path:
        try:
            return export_mapping(mapping, path)
        except OSError as exc:
            raise MappingFileError(f"Impossible d'écrire « {path.name} » : {exc.strerror or exc}.") from None

    wizard.run(work,
               lambda _r: said(f"Correspondance « {name} » écrite dans « {path.name} » : elle s'ouvre à la première "
                               "étape de l'assistant ou avec « erbm-desk import --mapping »."),
               "Export de la correspondance…")


def open_mapping_file(parent: QWidget, wizard, opened: Callable[[str | None, str], None]) -> None:
    """Ask which file, read it in a worker and apply it to the wizard's file when its headers are the same;
    `opened(name or None, French message)`."""
    folder = str(wizard.intake.book.path.parent)
    chosen, _ = QFileDialog.getOpenFileName(parent, "Ouvrir une correspondance", folder, JSON_FILTER)
    if not chosen:
        return
    path = Path(chosen)

    def done(mapping: Mapping) -> None:
        intake = Intake.of(wizard.intake.book, [mapping])
        if intake.saved_name != mapping.name:
            opened(None, f"La correspondance « {mapping.name} » de « {path.name} » ne convient pas à ce fichier (ses "
                         "en-têtes sont différents).")
            return
        wizard.saved = [s for s in wizard.saved if s.name != mapping.name]
        wizard.saved.insert(0, SavedMapping(mapping.name, mapping.shape, mapping, utcnow(), None))
        wizard.replace_intake(intake)
        opened(mapping.name, f"Correspondance « {mapping.name} » ouverte depuis « {path.name} ».")

    wizard.run(lambda _p: read_mapping_file(path), done, "Lecture de la correspondance…")
