"""Aide > À propos: what the application is, its version, and the database open."""

from __future__ import annotations

import sys

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from erbm_desk import __version__
from erbm_desk.paths import APP_NAME


def about_text(database: str) -> str:
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Suivi de l'Engagement pour le Renouveau du Bassin Minier (ERBM, 2017–2027) : rénovation des cités "
        "minières du Nord et du Pas-de-Calais, et emplois d'insertion créés par les clauses sociales.</p>"
        f"<p>Base ouverte : <b>{database}</b></p>"
        f"<p><small>Licence EUPL-1.2 · Python {sys.version.split()[0]} · Qt {qVersion()} · "
        f"PySide6 {PySide6.__version__}</small></p>"
    )


def show_about(parent: QWidget, database: str) -> None:
    QMessageBox.about(parent, f"À propos d'{APP_NAME}", about_text(database))
