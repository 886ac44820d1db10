"""Scopes are unambiguous: a name two cités bear is refused with the candidates, which are then accepted as
written; digits are codes (SIREN, INSEE), never internal numbers; the window's pickers offer the same texts; and
no command prints a BrokenPipeError when its reader stops early."""

from __future__ import annotations

import subprocess
import sys

import pytest

from erbm_desk.cli.main import main
from erbm_desk.services.reporting.dashboard_data import scope_choices
from erbm_desk.services.reporting.indicators import Scope, ScopeError, compute_indicators


def test_a_name_two_cites_bear_is_refused_with_the_candidates(db, path_dataset):
    with db.session() as s, pytest.raises(ScopeError) as refused:
        compute_indicators(s, Scope("cite", "Cité Bellevue"))
    assert str(refused.value) == ("« Cité Bellevue » désigne plusieurs cités : « Cité Bellevue (Harnes) », "
                                  "« Cité Bellevue (Somain) ». Précisez laquelle.")
    with db.session() as s:  # the candidates, as written, and their spellings
        for text in ("Cité Bellevue (Harnes)", "cite bellevue (harnes)", "Cité Bellevue (62413)"):
            assert compute_indicators(s, Scope("cite", text)).people == 4, text
        assert compute_indicators(s, Scope("cite", "Cité Bellevue (Somain)")).people == 3


def test_digits_are_codes_never_internal_numbers(db, path_dataset):
    with db.session() as s:
        with pytest.raises(ScopeError, match="« 10 » ne désigne aucune cité"):
            compute_indicators(s, Scope("cite", "10"))
        with pytest.raises(ScopeError, match="« 10 » n'est pas un code SIREN"):
            compute_indicators(s, Scope("epci", "10"))
        # An INSEE code names its commune's cité when it has only one: Somain has Cité Chauffour too.
        with pytest.raises(ScopeError, match="« Cité Bellevue \\(Somain\\) », « Cité Chauffour »"):
            compute_indicators(s, Scope("cite", "59574"))
        assert compute_indicators(s, Scope("epci", "246200364")).scope_label == "EPCI 246200364"  # CALL's SIREN
        assert compute_indicators(s, Scope("epci", "246200364")).hours_realised == \
            compute_indicators(s, Scope("epci", "CALL")).hours_realised


def test_the_command_line_refuses_then_accepts_the_candidates(db, path_dataset, capsys, monkeypatch):
    monkeypatch.setenv("ERBM_DESK_DB", db.url.removeprefix("sqlite:///"))
    assert main(["stats", "--cite", "Cité Bellevue"]) == 1
    err = capsys.readouterr().err
    assert "« Cité Bellevue (Harnes) », « Cité Bellevue (Somain) »" in err and "Traceback" not in err
    assert main(["stats", "--cite", "Cité Bellevue (Somain)"]) == 0
    out = capsys.readouterr().out
    assert "250 heures d'insertion réalisées par 3 personnes" in out and "Données à compléter :" in out
    assert main(["stats", "--cite", "10"]) == 1 and "ne désigne aucune cité" in capsys.readouterr().err


def test_the_pickers_offer_what_the_command_line_reads(db, path_dataset):
    with db.session() as s:
        choices = scope_choices(s)
        bellevue = [(label, value) for label, value in choices.cites if label.startswith("Cité Bellevue")]
        assert bellevue == [("Cité Bellevue — Harnes (CALL)", "Cité Bellevue (Harnes)"),
                            ("Cité Bellevue — Somain (CCO)", "Cité Bellevue (Somain)")]
        assert ("Cité d'Orient — Harnes (CALL)", "Cité d'Orient") in choices.cites  # a unique name stays bare
        assert ("CALL — Communauté d'agglomération de Lens - Liévin", "246200364") in choices.epcis
        assert all(not str(value).isdigit() or len(str(value)) == 9 for _label, value in choices.epcis)
        for _label, value in choices.cites:  # every value is accepted as it is, by the one rule
            compute_indicators(s, Scope("cite", value))
        assert choices.value_of("cite", path_dataset["somain"]) == "Cité Bellevue (Somain)"  # a map click's id


@pytest.mark.parametrize("argv", [["stats"], ["stats", "--json"]])
def test_a_reader_that_stops_early_gets_no_traceback(db_target, small_dataset, argv):
    if "://" in db_target:
        pytest.skip("a file database is enough: the pipe is the command's, not the database's")
    # The reader closes the pipe before the command writes (`erbm-desk stats | head -0`).
    proc = subprocess.Popen([sys.executable, "-m", "erbm_desk", "--db", db_target, *argv],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert "BrokenPipeError" not in err and "Traceback" not in err, err
