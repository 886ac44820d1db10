from decimal import Decimal as D

from matplotlib.figure import Figure

from erbm_desk.charts.breakdowns import contracts_figure, funding_figure, people_figure, phases_figure
from erbm_desk.charts.style import tip_for
from tests.charts.helpers import bars, drawn, render, texts

PUBLIC = {"Bénéficiaires du RSA": 916, "Moins de 26 ans": 555, "DELD": 714, "Autres publics": 513}


def test_people_by_public_and_sex():
    fig = people_figure(PUBLIC, {"Femmes": 233, "Hommes": 1767}, 2000)
    assert isinstance(fig, Figure)
    public, sex = fig.axes
    assert drawn(public) == {k: float(v) for k, v in PUBLIC.items()}
    assert drawn(sex) == {"Femmes": 233.0, "Hommes": 1767.0}
    assert [b.erbm_label for b in bars(public)] == list(PUBLIC)  # first label on top
    assert bars(public)[0].get_y() > bars(public)[-1].get_y()
    shown = texts(fig)
    assert "Personnes par public et par sexe" in shown and "1\u00a0767" in shown and "916" in shown
    assert tip_for(bars(sex)[0]) == "Femmes : 233 personnes"
    render(fig)


def test_small_counts_are_masked_for_the_bilan():
    fig = people_figure({"Bénéficiaires du RSA": 2, "Moins de 26 ans": 1, "DELD": 7, "Autres publics": 0},
                        {"Femmes": 1, "Hommes": 8}, 9, mask_below=5)
    public, sex = fig.axes
    assert drawn(public) == {"Bénéficiaires du RSA": 0, "Moins de 26 ans": 0, "DELD": 7.0, "Autres publics": 0}
    # 1 woman hidden: the 8 men would give her back from the 9 people of the subtitle, so they read « s ».
    assert drawn(sex) == {"Femmes": 0, "Hommes": 0}
    shown = texts(fig)
    assert shown.count("< 5") == 3 and "2" not in shown and "1" not in shown and "8" not in shown
    assert "s" in shown and "0" in shown  # zeros single nobody out: shown as 0
    assert tip_for(bars(public)[0]) == "Bénéficiaires du RSA : < 5"
    assert tip_for(bars(sex)[1]) == "Hommes : s"


def test_contracts_by_type_and_delivery():
    fig = contracts_figure({"CDI": 1, "CDD": 2, "Intérim": 1}, {"Embauche directe": 3, "Mise à disposition ETTI": 1})
    by_type, by_delivery = fig.axes
    assert drawn(by_type) == {"CDI": 1.0, "CDD": 2.0, "Intérim": 1.0}
    assert drawn(by_delivery) == {"Embauche directe": 3.0, "Mise à dispo. ETTI": 1.0}  # shortened on the chart
    assert "4 contrats par type et par modalité de réalisation" in texts(fig)
    render(fig)


def test_phases_keep_the_order_of_the_works():
    fig = phases_figure({"Études": 1, "Programmée": 0, "En travaux": 1, "Livrée": 1, "Abandonnée": 0})
    (ax,) = fig.axes
    assert [b.erbm_label for b in bars(ax)] == ["Études", "Programmée", "En travaux", "Livrée", "Abandonnée"]
    assert list(drawn(ax).values()) == [1.0, 0.0, 1.0, 1.0, 0.0]


def test_funding_largest_first_with_exact_tips():
    fig = funding_figure({"État": D("100000.10"), "Région Hauts-de-France": D("50000"), "EPCI": D("25000")})
    (ax,) = fig.axes
    assert drawn(ax) == {"État": 100000.10, "Région Hauts-de-France": 50000.0, "EPCI": 25000.0}
    assert [b.erbm_label for b in bars(ax)] == ["État", "Région Hauts-de-France", "EPCI"]
    assert tip_for(bars(ax)[0]) == "État : 100\u00a0000,10 €"
    assert "175 k€ accordés au total" in texts(fig) and "100 k€" in texts(fig)


def test_empty_data_says_so():
    for fig in (people_figure({k: 0 for k in PUBLIC}, {"Femmes": 0, "Hommes": 0}, 0),
                contracts_figure({}, {}), funding_figure({})):
        assert "Aucune donnée sur la période" in texts(fig)
        render(fig)
