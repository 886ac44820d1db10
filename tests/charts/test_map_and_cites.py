from decimal import Decimal as D
from types import SimpleNamespace

import numpy as np

from erbm_desk.charts.cites import cites_figure
from erbm_desk.charts.map import map_figure, picked_cite
from erbm_desk.charts.style import tip_for
from erbm_desk.domain.figures import GroupRow, MapCite, MapData
from erbm_desk.services.reporting.geography import commune_shapes, epci_outlines
from tests.charts.helpers import bars, drawn, render, texts

LENS, DENAIN, ABSCON = "62498", "59172", "59002"


def _map(indicator="hours"):
    shapes = commune_shapes()
    codes = sorted(shapes)
    data = MapData(
        insee_codes=codes,
        values={LENS: {"hours": D("441.92"), "people": 2, "homes_delivered": 40},
                DENAIN: {"hours": D("35.50"), "people": 1, "homes_delivered": 0}},
        cites=[MapCite(7, "Cité Test A", 2.83, 50.43, True), MapCite(9, "Cité Test B", 3.39, 50.33, False)],
        epcis=sorted({s.epci_siren for s in shapes.values()}),
        epci_names={"246200364": "CALL"},
    )
    return map_figure(data, shapes, epci_outlines(), indicator=indicator)


def _collection(fig, gid):
    return next(c for ax in fig.axes for c in ax.collections if c.get_gid() == gid)


def test_map_shades_the_communes_with_their_value():
    fig = _map()
    communes = _collection(fig, "communes")
    values = dict(zip(communes.erbm_insee, np.ma.getdata(communes.get_array()).tolist()))
    mask = dict(zip(communes.erbm_insee, np.ma.getmaskarray(communes.get_array()).tolist()))
    assert len(communes.erbm_insee) == 336
    assert values[LENS] == 441.92 and values[DENAIN] == 35.5
    assert not mask[LENS] and not mask[DENAIN]
    assert mask[ABSCON] and sum(not m for m in mask.values()) == 2  # every other commune left grey
    assert communes.norm.vmax == 441.92
    lens = communes.erbm_insee.index(LENS)
    assert tip_for(communes, lens) == "Lens : 441,92 h"
    assert tip_for(communes, communes.erbm_insee.index(ABSCON)) == "Abscon : aucune cité dans le périmètre"
    assert "Carte : heures réalisées par commune" in texts(fig) and "CALL" in texts(fig)
    render(fig)


def test_map_other_indicator():
    fig = _map("people")
    communes = _collection(fig, "communes")
    values = dict(zip(communes.erbm_insee, np.ma.getdata(communes.get_array()).tolist()))
    assert values[LENS] == 2 and values[DENAIN] == 1
    assert tip_for(communes, communes.erbm_insee.index(LENS)) == "Lens : 2 personnes"


def test_map_cites_are_pickable_points():
    fig = _map()
    points = _collection(fig, "cites")
    assert points.get_picker() and points.erbm_cite_ids == [7, 9]
    assert points.get_offsets().tolist() == [[2.83, 50.43], [3.39, 50.33]]
    assert picked_cite(SimpleNamespace(artist=points, ind=[1])) == 9
    assert picked_cite(SimpleNamespace(artist=_collection(fig, "communes"), ind=[0])) is None
    outlines = [c for c in fig.axes[0].collections if c.get_gid() not in ("communes", "cites")]
    assert outlines and len(outlines[0].get_segments()) == sum(len(s) for s in epci_outlines().values())


def _row(i, name, hours, people, homes, commune="Lens"):
    return GroupRow(id=i, name=name, commune=commune, hours_realised=D(hours), people=people, homes_delivered=homes)


def test_comparison_of_cites_small_multiples():
    rows = [_row(1, "Cité A", "441.92", 12, 40), _row(2, "Cité B", "35.5", 3, 0),
            _row(3, "Cité B", "10", 7, 5, commune="Denain")]
    fig = cites_figure(rows, mask_below=5)
    hours, people, homes = fig.axes
    assert drawn(hours) == {"Cité A": 441.92, "Cité B (Lens)": 35.5, "Cité B (Denain)": 10.0}
    assert drawn(people) == {"Cité A": 12.0, "Cité B (Lens)": 0.0, "Cité B (Denain)": 7.0}  # 3 is masked
    assert drawn(homes) == {"Cité A": 40.0, "Cité B (Lens)": 0.0, "Cité B (Denain)": 5.0}
    assert [b.erbm_cite_id for b in bars(hours)] == [1, 2, 3]
    assert picked_cite(SimpleNamespace(artist=bars(homes)[2])) == 3
    assert "< 5" in texts(fig)
    render(fig)


def test_comparison_keeps_the_first_ones():
    rows = [_row(i, f"Cité {i}", 100 - i, i, i) for i in range(30)]
    fig = cites_figure(rows, top_n=15)
    assert len(bars(fig.axes[0])) == 15
    assert "les 15 premières sur 30, classées par heures réalisées" in texts(fig)
