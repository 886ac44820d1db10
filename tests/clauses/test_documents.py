"""The reminder letter and the attestation, read back with pdftotext, on the hand-built dataset."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from types import SimpleNamespace

import pytest

from erbm_desk.cli.main import main
from erbm_desk.services.clauses.attestation import write_attestation
from erbm_desk.services.clauses.relance import DocumentError, write_relance
from erbm_desk.services.clauses.statement import person_caption
from erbm_desk.services.exchange.sheet_format import derived_pseudonym
from erbm_desk.services.progress import Cancelled
from tests.clauses.dataset import AS_OF_FINISHED, AS_OF_RUNNING

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
SIRET_A, SIRET_B = "73282932000074", "35600000000048"


def text_of(path) -> str:
    """The PDF's text with its layout flattened: words separated by single spaces."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.replace("\u00a0", " ").split())


class CancelAt:
    def __init__(self, after: int):
        self.after, self.steps = after, 0

    def start(self, total, label=""):
        pass

    def advance(self, steps=1):
        self.steps += steps

    def cancelled(self):
        return self.steps >= self.after


def test_the_reminder_letter_says_what_is_owed_done_and_missing(tmp_path, db, clauses_dataset):
    path = tmp_path / "relance.pdf"
    with db.session() as s:
        summary = write_relance(s, SIRET_A, path, AS_OF_RUNNING, today=date(2022, 4, 5))
    assert summary.pages == 2
    text = text_of(path)
    for expected in (
        "Bâtiment Gohelle", "SIRET 73282932000074", "Le 05/04/2022",
        "Objet : clause d'insertion — retard dans la réalisation des heures d'insertion",
        "Réf. : marché 2021-MC-001 (lot 1) — maître d'ouvrage : Maisons & Cités",
        "du 01/07/2021 au 30/06/2022",  # the works period, no date broken across lines
        "Au 31/03/2022, les heures réalisées sont en deçà",
        "833 h", "625,32 h", "441,92 h", "183,4 h",  # required, expected, realised, missing
        "Il manque ainsi 183,4 heures à ce jour",
        "pénalité par heure d'insertion non réalisée à l'échéance du lot (lot 1 du marché 2021-MC-001 : 50,00 €)",
        "Relevé mensuel des heures d'insertion — 03/2022",
        "Lot 1 — Gros œuvre (marché 2021-MC-001)", "DURAND Léa", "MARTIN Kévin",
        "01/2022 100,25 h 100,25 h", "02/2022 201,67 h 301,92 h", "03/2022 140 h 441,92 h",
        "page 1 / 2", "page 2 / 2",
    ):
        assert expected in text, expected
    assert "Isolation" not in text  # the lot not behind is not in the letter
    assert "Menuiseries" not in text  # another titulaire's lot


def test_no_letter_for_a_company_that_is_not_behind(tmp_path, db, clauses_dataset):
    # the ETTI's lot starts on 01/01/2022: nothing is expected of it yet
    with db.session() as s, pytest.raises(DocumentError, match="n'est en retard sur aucun lot au 31/12/2021"):
        write_relance(s, SIRET_B, tmp_path / "x.pdf", date(2021, 12, 31))
    assert not (tmp_path / "x.pdf").exists()


def test_the_attestation_of_a_finished_lot_with_its_shortfall_and_penalty(tmp_path, db, clauses_dataset):
    path = tmp_path / "attestation.pdf"
    with db.session() as s:
        write_attestation(s, clauses_dataset["l11"], path, AS_OF_FINISHED, today=date(2023, 1, 10))
    text = text_of(path)
    for expected in (
        "Attestation de bonne exécution de la clause d'insertion",
        "Maître d'ouvrage Maisons & Cités", "Marché 2021-MC-001 — Réhabilitation de 40 logements",
        "Lot 1 — Gros œuvre", "Titulaire Bâtiment Gohelle (SIRET 73282932000074)",
        "Période d'exécution du 01/07/2021 au 30/06/2022",
        "Montant HT 1 000 000,00 € × part de main-d'œuvre 50 % × taux d'insertion 5 % ÷ coût horaire 30,00 € "
        "= 833,33 h, arrondi à l'heure : 833 heures exigées",
        "Au 31/12/2022 : 441,92 heures réalisées pour 833 exigées, soit un taux de réalisation de 53,1 %, par 2 "
        "personnes",
        "Embauche directe 2 2 441,92 h",
        "Bénéficiaires du RSA 1 150,25 h", "Jeunes de moins de 26 ans 1 150,25 h",
        "Demandeurs d'emploi de longue durée 1 291,67 h", "Femmes 1 150,25 h", "Toutes les personnes 2 441,92 h",
        "il manque 391,08 heures sur les 833 exigées",
        "pénalité de 50,00 € par heure manquante, soit 19 554,00 €",
        "Fait le 10/01/2023",
    ):
        assert expected in text, expected
    assert "DURAND" not in text  # counts only, no person named


def test_the_attestation_of_a_lot_fully_done_and_of_one_not_finished(tmp_path, db, clauses_dataset):
    with db.session() as s:
        with pytest.raises(DocumentError, match="n'est pas terminé au 31/12/2023 .fin d'exécution le 31/12/2024."):
            write_attestation(s, clauses_dataset["l21"], tmp_path / "a.pdf", date(2023, 12, 31))
        write_attestation(s, clauses_dataset["l21"], tmp_path / "a.pdf", date(2025, 1, 31))
    text = text_of(tmp_path / "a.pdf")
    assert "La clause d'insertion est exécutée : 300 heures réalisées pour 300 heures exigées" in text
    assert "Mise à disposition" not in text and "Embauche directe 1 1 300 h" in text


def test_a_cancelled_document_leaves_the_previous_file(tmp_path, db, clauses_dataset):
    path = tmp_path / "relance.pdf"
    path.write_bytes(b"before")
    with db.session() as s, pytest.raises(Cancelled):
        write_relance(s, SIRET_A, path, AS_OF_RUNNING, progress=CancelAt(1))
    assert path.read_bytes() == b"before"


def test_the_statement_names_a_person_as_the_workbooks_do():
    row = SimpleNamespace(last_name=None, first_name=None, pseudonym=None,
                          ben_uuid="0b5f7c1e-2a9d-4c3b-8e6f-1d2c3b4a5f60")
    assert person_caption(row) == derived_pseudonym(row.ben_uuid)


def test_cli_relance_and_attestation(tmp_path, db, clauses_dataset, capsys):
    if not db.url.startswith("sqlite"):
        pytest.skip("the CLI test uses the SQLite file")
    base = db.url.removeprefix("sqlite:///")
    letter, workbook = tmp_path / "b.pdf", tmp_path / "b.xlsx"
    assert main(["--db", base, "relance", "--siret", SIRET_B, "--au", "31/03/2022", str(letter),
                 "--releve", str(workbook)]) == 0
    out = capsys.readouterr().out
    assert "Lettre de relance à ETTI du Bassin enregistrée" in out and "Relevé d'heures de ETTI du Bassin" in out
    assert "Menuiseries extérieures" in text_of(letter) and workbook.exists()
    assert main(["--db", base, "attestation", "--lot", str(clauses_dataset["l21"]), str(tmp_path / "c.pdf"),
                 "--au", "31/12/2023"]) == 1
    assert "n'est pas terminé" in capsys.readouterr().err
    assert main(["--db", base, "attestation", "--lot", "999", str(tmp_path / "c.pdf")]) == 1
    assert "Aucun lot n° 999" in capsys.readouterr().err
    assert main(["--db", base, "relance", "--siret", SIRET_B, str(tmp_path / "c.txt")]) == 2
