from decimal import Decimal as D

from erbm_desk.charts.style import fr_hours, fr_money, fr_money_short, fr_number, fr_percent, set_tip, tip_for

NB = "\u00a0"


def test_french_numbers():
    assert fr_number(1234567) == f"1{NB}234{NB}567"
    assert fr_number(D("1234.56"), 1) == f"1{NB}234,6"
    assert fr_number(-0.4) == "0" and fr_number(-1500) == f"-1{NB}500"
    assert fr_hours(D("477.42")) == "477,42 h" and fr_hours(D("35.50")) == "35,5 h" and fr_hours(12) == "12 h"
    assert fr_money(D("100000.10")) == f"100{NB}000,10 €"
    assert fr_money_short(D("213200000")) == "213,2 M€"
    assert fr_money_short(D("999999.99")) == "1,0 M€"  # never « 1 000 k€ »
    assert fr_money_short(D("25000")) == "25 k€" and fr_money_short(D("900")) == "900 €"
    assert fr_percent(D("31.8")) == "31,8 %" and fr_percent(None) == "—"


def test_tips_one_text_or_one_per_point():
    class Artist:
        pass

    single, many = Artist(), Artist()
    set_tip(single, "État : 100 000,10 €")
    set_tip(many, ["a", "b"])
    assert tip_for(single) == "État : 100 000,10 €" and tip_for(single, 3) == "État : 100 000,10 €"
    assert tip_for(many, 1) == "b" and tip_for(many, 2) is None and tip_for(many) is None
    assert tip_for(Artist()) is None


def test_tips_written_when_first_asked():
    class Artist:
        pass

    written = []
    many = Artist()
    set_tip(many, lambda: written.append(1) or ["a", "b"])
    assert not written  # nothing formatted for a chart that is never hovered (a PDF page)
    assert tip_for(many, 1) == "b" and tip_for(many, 0) == "a" and tip_for(many, 2) is None
    assert written == [1]  # formatted once
