from sqlalchemy import func, select

from erbm_desk.db.models import Bailleur, Cite, Commune, Epci


def test_every_new_database_has_the_reference_data(db):
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Epci)) == 8
        assert s.scalar(select(func.count()).select_from(Commune)) == 336
        assert {b.name for b in s.scalars(select(Bailleur))} >= {"Maisons & Cités", "SIA Habitat", "Pas-de-Calais Habitat"}
        cite10 = s.scalar(select(Cite).where(Cite.name == "Cité 10"))
        assert cite10.unesco and cite10.commune.name == "Sains-en-Gohelle"
        assert cite10.commune.epci.short_name == "CALL"


def test_reopening_does_not_load_twice(db):
    from erbm_desk.services.database.opening import open_database

    again = open_database(db.url.removeprefix("sqlite:///"))
    assert again.counts()["commune"] == 336
    again.close()
