"""The bilan PDF, read back with pdftotext: the comité sentence, one page per cité, small counts hidden."""

import gc
import re
import shutil
import subprocess
import weakref
from datetime import date

import pytest
from sqlalchemy import func, select

from erbm_desk.cli.main import main
from erbm_desk.db.models import Cite
from erbm_desk.domain.figures import GroupRow
from erbm_desk.services.reporting.bilan import write_bilan
from erbm_desk.services.reporting.bilan_tables import COUNTS, disclose_tables
from erbm_desk.services.reporting.indicators import Period, Scope, ScopeError
from erbm_desk.services.progress import Cancelled

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) manquant")

SENTENCE = "477 heures d'insertion réalisées par 3 personnes dont 2 bénéficiaires du RSA et 1 jeune de moins de 26 ans"
SMALL_SENTENCE = ("477 heures d'insertion réalisées par moins de 5 personnes dont moins de 5 bénéficiaires du RSA "
                  "et moins de 5 jeunes de moins de 26 ans")
NAMES = ("DURAND", "Léa", "MARTIN", "Kévin", "NOWAK", "Piotr", "LEROY", "Hugo")


def pages_of(path, layout: bool = False) -> list[str]:
    """The text of each page; with `layout`, table rows stay on one line."""
    options = ["-layout"] if layout else []
    text = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
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
        _WRITTEN[backend] = (summary, pages_of(out), cites, progress, pages_of(out, layout=True))
    return _WRITTEN[backend]


def test_the_comite_sentence_with_the_hand_built_numbers(bilan):
    summary, pages, _cites, _p, _laid_out = bilan
    # the bilan is anonymous: the sentence obeys the tables' small-count rule (3 people, 2 RSA, 1 under 26)
    assert squeeze(f"« {SMALL_SENTENCE} »") in squeeze(pages[0])
    assert squeeze("moins de 5 dont moins de 5 femmes") in squeeze(pages[0])  # « Personnes en parcours »
    assert SENTENCE.split(" par ")[1] not in pages[0]
    assert "Territoire ERBM" in pages[0] and "Édité le 15/01/2026" in pages[0]
    assert squeeze("477,42 h / 1 500,5 h (31,8 %)") in squeeze(pages[0])


def test_one_page_per_cite_numbered_and_dated(bilan):
    summary, pages, cites, progress, _laid_out = bilan
    assert summary.pages == len(pages) and summary.cites == cites == 18  # 16 cités of seeds/ and the 2 built
    assert progress.steps == progress.total == len(pages)
    for n, page in enumerate(pages, 1):
        assert squeeze(f"page {n} / {len(pages)}") in squeeze(page)
        assert squeeze("Données arrêtées au 28/02/2023") in squeeze(page)
    cite_pages = [p for p in pages if p.lstrip().startswith("Cité ") and "Bailleur :" in p]
    # a page for each cité with operations (the 2 built), none for the 16 of seeds/ without any: their rows of
    # the « Indicateurs par cité » table say so
    assert sorted(p.lstrip().split(" — ")[0] for p in cite_pages) == ["Cité Test A", "Cité Test B"]
    a = next(p for p in cite_pages if p.lstrip().startswith("Cité Test A — Lens (CALL)"))
    assert "Maisons & Cités — 2 opérations" in a and squeeze("441,92 h") in squeeze(a)


def test_small_counts_are_hidden_in_the_tables(bilan):
    _summary, pages, _cites, _p, laid_out = bilan
    epci_table = next(p for p in laid_out if p.lstrip().startswith("Indicateurs par EPCI"))
    cite_table = next(p for p in laid_out if p.lstrip().startswith("Indicateurs par cité"))
    a = next(p for p in pages if p.lstrip().startswith("Cité Test A — Lens"))
    for page in (epci_table, cite_table):
        assert squeeze("« < 5 » : effectif non nul inférieur à 5") in squeeze(page)
    # CALL holds the two built cités (2 and 1 people, 3 and 1 contracts): every count of its row is small.
    call = next(line for line in epci_table.splitlines() if "(CALL)" in line)
    assert squeeze(call).count("<5") == 5, call
    total = next(line for line in epci_table.splitlines() if line.lstrip().startswith("Total"))
    assert squeeze(total).count("<5") == 5, total  # 3 people, 2 RSA, 1 under 26, 1 woman, 4 contracts
    # Cité Test A: 2 people, 1 RSA, 1 under 26, 1 woman, 3 contracts -> five « < 5 » on its page and its row.
    figures = squeeze(a.split("Personnes", 1)[1].split("Logements livrés", 1)[0])
    assert figures.count("<5") == 5 and not re.search(r"RSA\d", figures)
    row = next(line for line in cite_table.splitlines() if line.lstrip().startswith("Cité Test A"))
    assert squeeze(row).count("<5") == 5, row
    assert "Document anonyme" in pages[0]


def _row(name, epci, people, rsa, young, women, contracts, id=0):
    return GroupRow(id=id, name=name, epci=epci, people=people, people_rsa=rsa, people_under_26=young,
                    people_women=women, contracts=contracts)


def _reveals(shown: list[int | None], total: int | None) -> bool:
    """Whether `total` minus the shown values gives back a hidden one (exactly one hidden, total shown)."""
    return total is not None and sum(1 for v in shown if v is None) == 1


def _value(text: str) -> int | None:
    return int(text.replace("\u202f", "").replace("\u00a0", "")) if text[:1].isdigit() else None


def test_no_total_gives_back_a_hidden_count():
    # Two EPCIs of three cités each; small counts scattered, one cité alone with a small count in its column.
    cites = [
        _row("A1", "AAA", 12, 3, 6, 7, 15, id=1), _row("A2", "AAA", 20, 9, 8, 10, 25, id=2),
        _row("A3", "AAA", 30, 11, 0, 14, 40, id=3),
        _row("B1", "BBB", 2, 1, 0, 1, 4, id=4), _row("B2", "BBB", 25, 12, 9, 11, 30, id=5),
        _row("B3", "BBB", 40, 20, 12, 18, 50, id=6),
        _row("C1", "CCC", 60, 30, 20, 25, 80, id=7),
    ]
    epcis = []
    for short in ("AAA", "BBB", "CCC"):
        members = [c for c in cites if c.epci == short]
        epcis.append(_row(short, short, *(sum(getattr(c, k) for c in members) for k in COUNTS), id=len(epcis)))
    total = {k: sum(getattr(e, k) for e in epcis) for k in COUNTS}
    tables = disclose_tables(epcis, cites, total, 5)
    for j, count in enumerate(COUNTS):
        column = [_value(tables.epci_text(i, count)) for i in range(len(epcis))]
        assert not _reveals(column, _value(tables.total[count])), (count, column, tables.total[count])
        for i, epci in enumerate(epcis):
            members = [_value(tables.cite_text(c.id, count)) for c in cites if c.epci == epci.epci]
            assert not _reveals(members, column[i]), (count, epci.epci, members, column[i])
    # The small ones read « < 5 », the complementary ones « s », zeros 0, the rest their value.
    assert tables.cite_text(4, "people") == "< 5" and tables.cite_text(4, "people_under_26") == "0"
    assert tables.cite_text(1, "people_rsa") == "< 5"
    assert "s" in [tables.cite_text(c, "people_rsa") for c in (2, 3)]
    assert tables.cite_text(7, "contracts") == "80"
    assert tables.epci_text(2, "people") == "60"


def test_no_name_of_a_person_anywhere(bilan):
    _summary, pages, _cites, _p, _laid_out = bilan
    text = "\n".join(pages)
    for name in NAMES:
        assert name not in text


def test_scope_and_period(db, small_dataset, tmp_path):
    out = tmp_path / "caph.pdf"
    with db.sessions() as s:
        summary = write_bilan(s, out, Scope("epci", "CAPH"), Period(date(2023, 1, 1), date(2023, 12, 1)))
    pages = pages_of(out)
    assert "de janv. 2023 à déc. 2023" in pages[0]
    assert squeeze("« 36 heures d'insertion réalisées par moins de 5 personnes dont moins de 5 bénéficiaires du "
                   "RSA et 0 jeune de moins de 26 ans »") in squeeze(pages[0])
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
    assert gc.isenabled()  # the pages' collection policy ends with them (the window's process goes on)


def test_each_page_is_collected_when_the_next_starts_and_the_automatic_collection_comes_back(tmp_path):
    from matplotlib.backends.backend_pdf import PdfPages

    from erbm_desk.services.reporting.bilan_layout import Pages, drawing_pages

    with drawing_pages(), PdfPages(tmp_path / "pages.pdf") as pdf:
        assert not gc.isenabled()
        pages = Pages(pdf, 3, "Territoire", date(2025, 12, 31), Recorder())
        fig = pages.page("Première page")
        pages.save(fig)
        first = weakref.ref(fig)
        del fig  # a figure is in reference cycles: only a collection frees it
        pages.save(pages.page("Deuxième page"))
        assert first() is None
    assert gc.isenabled()


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


def test_the_small_count_note_of_a_cite_page_ends_above_the_charts_under_it(bilan):
    summary, pages, _cites, _p, _laid_out = bilan
    number = next(n for n, p in enumerate(pages, 1) if p.lstrip().startswith("Cité Test A — Lens"))
    assert "effectif non nul inférieur à 5" in pages[number - 1]  # the page has the note
    words = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-bbox", str(summary.path), "-"],
                           capture_output=True, text=True, check=True).stdout
    boxes = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', words)
    note = [(float(y_min), float(y_max)) for y_min, y_max, word in boxes if word in ("effectif", "révèle")]
    note_top, note_bottom = min(y for y, _ in note), max(y for _, y in note)
    heading_top = min(float(y_min) for y_min, _y, word in boxes if word == "Logements" and float(y_min) > note_top)
    assert note_bottom < heading_top  # no overlap with « Logements livrés »


@pytest.mark.parametrize("people, rsa, under_26, women, said", [
    (7, 5, 0, 6, ("7", "un nombre non diffusé de bénéficiaires", "0 jeune", "un nombre non diffusé de femmes")),
    (12, 5, 6, 0, ("12", "5 bénéficiaires", "6 jeunes", "0 femme")),
    (3, 0, 3, 1, ("moins de 5", "0 bénéficiaire", "moins de 5 jeunes", "moins de 5 femmes")),
])
def test_the_title_page_gives_back_no_small_count_through_a_complement(people, rsa, under_26, women, said):
    """5 RSA among 7 people tells that 2 are not: as in the tables, a part whose complement is small is not said."""
    from types import SimpleNamespace

    from erbm_desk.services.reporting.bilan_pages import small_counts_said

    ind = SimpleNamespace(hours_realised=100, people=people, people_rsa=rsa, people_under_26=under_26,
                          people_women=women)
    shown = small_counts_said(ind, 5)
    total, rsa_said, young_said, women_said = said
    assert shown["people"] == total
    assert f"dont {rsa_said} du RSA et {young_said} de moins de 26 ans" in shown["sentence"]
    assert shown["women"] == women_said
