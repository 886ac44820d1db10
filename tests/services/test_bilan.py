"""The bilan PDF, read back with pdftotext: the comité sentence, one page per cité, small counts hidden."""

import re
import shutil
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from erbm_desk.cli import main
from erbm_desk.db.models import Cite
from erbm_desk.services.bilan import masked, write_bilan
from erbm_desk.services.indicators import Period, Scope, ScopeError
from erbm_desk.services.progress import Cancelled

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) manquant")

SENTENCE = "477 heures d'insertion réalisées par 3 personnes dont 2 bénéficiaires du RSA et 1 jeune de moins de 26 ans"
NAMES = ("DURAND", "Léa", "MARTIN", "Kévin", "NOWAK", "Piotr", "LEROY", "Hugo")


def pages_of(path) -> list[str]:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def squeeze(text: str) -> str:
    """pdftotext keeps or drops the spaces of matplotlib's text runs depending on size: compare without them."""
    return re.sub(r"\s+", "", text)


class Recorder:
    def __init__(self, cancel_after: int | None = None):
        self.total, self.steps, self.cancel_after = 0, 0, cancel_after

    def start(self, total, label=""):
        self.total, self.steps = total, 0

    def advance(self, steps=1):
        self.steps += steps

    def cancelled(self):
        return self.cancel_after is not None and self.steps >= self.cancel_after


_WRITTEN: dict[str, tuple] = {}  # backend -> the territory's bilan: written once, read by several tests


@pytest.fixture
def bilan(request, backend, tmp_path_factory):
    if backend not in _WRITTEN:
        db = request.getfixturevalue("db")
        request.getfixturevalue("small_dataset")
        out = tmp_path_factory.mktemp("bilan") / "bilan.pdf"
        progress = Recorder()
        with db.sessions() as s:
            summary = write_bilan(s, out, progress=progress, today=date(2026, 1, 15))
            cites = s.scalar(select(func.count()).select_from(Cite))
        _WRITTEN[backend] = (summary, pages_of(out), cites, progress)
    return _WRITTEN[backend]


def test_the_comite_sentence_with_the_hand_built_numbers(bilan):
    summary, pages, _cites, _p = bilan
    assert squeeze(f"« {SENTENCE} »") in squeeze(pages[0])
    assert "Territoire ERBM" in pages[0] and "Édité le 15/01/2026" in pages[0]
    assert squeeze("477,42 h / 1 500,5 h (31,8 %)") in squeeze(pages[0])


def test_one_page_per_cite_numbered_and_dated(bilan):
    summary, pages, cites, progress = bilan
    assert summary.pages == len(pages) and summary.cites == cites == 18  # 16 cités of seeds/ and the 2 built
    assert progress.steps == progress.total == len(pages)
    for n, page in enumerate(pages, 1):
        assert squeeze(f"page {n} / {len(pages)}") in squeeze(page)
        assert squeeze("Données arrêtées au 28/02/2023") in squeeze(page)
    cite_pages = [p for p in pages if p.lstrip().startswith("Cité ") and "Bailleur :" in p]
    assert len(cite_pages) == cites
    a = next(p for p in cite_pages if p.lstrip().startswith("Cité Test A — Lens (CALL)"))
    assert "Maisons & Cités — 2 opérations" in a and squeeze("441,92 h") in squeeze(a)


def test_small_counts_are_hidden_in_the_tables(bilan):
    _summary, pages, _cites, _p = bilan
    epci_table = next(p for p in pages if p.lstrip().startswith("Indicateurs par EPCI"))
    cite_table = next(p for p in pages if p.lstrip().startswith("Indicateurs par cité"))
    a = next(p for p in pages if p.lstrip().startswith("Cité Test A — Lens"))
    for page in (epci_table, cite_table, a):
        assert "<5" in squeeze(page)
    # Cité Test A: 2 people, 1 RSA, 1 under 26, 1 woman, 3 contracts -> five « < 5 » on its page.
    figures = squeeze(a.split("Personnes", 1)[1].split("Logements livrés", 1)[0])
    assert figures.count("<5") == 5 and not re.search(r"RSA\d", figures)
    assert "Document anonyme" in pages[0]


def test_no_name_of_a_person_anywhere(bilan):
    _summary, pages, _cites, _p = bilan
    text = "\n".join(pages)
    for name in NAMES:
        assert name not in text


def test_masking_rule():
    assert masked(0) == masked(4) == "< 5"
    assert masked(5) == "5" and masked(1234) == "1\u00a0234"


def test_scope_and_period(db, small_dataset, tmp_path):
    out = tmp_path / "caph.pdf"
    with db.sessions() as s:
        summary = write_bilan(s, out, Scope("epci", "CAPH"), Period(date(2023, 1, 1), date(2023, 12, 1)))
    pages = pages_of(out)
    assert "de janv. 2023 à déc. 2023" in pages[0]
    assert squeeze("« 36 heures d'insertion réalisées par 1 personne dont 1 bénéficiaire du RSA et 0 jeune "
                   "de moins de 26 ans »") in squeeze(pages[0])
    assert summary.cites == 3 and not any("Cité Test A" in p for p in pages)


def test_cancel_leaves_the_previous_file(db, small_dataset, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "bilan.pdf"
    out.write_bytes(b"previous")
    with db.sessions() as s, pytest.raises(Cancelled):
        write_bilan(s, out, progress=Recorder(cancel_after=3))
    assert out.read_bytes() == b"previous"
    assert [p.name for p in folder.iterdir()] == ["bilan.pdf"]  # no temporary file left behind


def test_unknown_scope(db, small_dataset, tmp_path):
    with db.sessions() as s, pytest.raises(ScopeError):
        write_bilan(s, tmp_path / "x.pdf", Scope("cite", "Nulle part"))
    assert not (tmp_path / "x.pdf").exists()


def test_command_line(db, small_dataset, tmp_path, capsys):
    out = tmp_path / "cite.pdf"
    assert main(["--db", db.url, "bilan", str(out), "--cite", "Cité Test B"]) == 0
    assert "Bilan écrit dans" in capsys.readouterr().out
    pages = pages_of(out)
    assert "Cité Test B" in pages[0] and squeeze("35,5 h") in squeeze(pages[0])
    assert sum(1 for p in pages if "Bailleur :" in p) == 1
    assert main(["--db", db.url, "bilan", str(tmp_path / "x.txt")]) == 2
    assert ".pdf" in capsys.readouterr().err
    assert main(["--db", db.url, "bilan", str(tmp_path / "nope" / "x.pdf")]) == 1
    assert main(["--db", db.url, "bilan", str(out), "--epci", "XYZ"]) == 1
    assert "EPCI introuvable" in capsys.readouterr().err
