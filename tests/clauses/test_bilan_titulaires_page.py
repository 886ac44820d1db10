"""The bilan's page of the works contracts' clauses: there when the scope has a lot whose works meet the period,
and counted in « page n / N » before the lots' lines are read."""

import shutil
from datetime import date

import pytest

from erbm_desk.domain.reporting import Period
from erbm_desk.services.reporting.bilan import write_bilan
from tests.services.test_bilan import pages_of, squeeze

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) manquant")


@pytest.mark.parametrize("period, with_clauses", [(Period(), True), (Period(date(2023, 1, 1)), True),
                                                  (Period(date(2026, 1, 1)), False)])
def test_the_clauses_page_is_counted_as_it_is_drawn(db, clauses_dataset, tmp_path, period, with_clauses):
    out = tmp_path / "bilan.pdf"
    with db.sessions() as s:
        summary = write_bilan(s, out, period=period, today=date(2026, 1, 15))
    pages = pages_of(out)
    assert summary.pages == len(pages)
    for n, page in enumerate(pages, 1):
        assert squeeze(f"page {n} / {len(pages)}") in squeeze(page)
    assert any("clauses d'insertion des marchés" in page for page in pages) == with_clauses
