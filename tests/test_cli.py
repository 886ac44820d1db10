import json

import pytest

from erbm_desk import __version__
from erbm_desk.cli.main import main

KEYS = {"hours_realised", "hours_required", "people", "people_rsa", "people_under_26", "people_deld", "people_women",
        "people_qpv", "contracts", "operations", "homes_planned", "homes_delivered", "funding_total", "sentence"}


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert __version__ in capsys.readouterr().out


def test_demo_then_stats_json_same_seed_same_numbers(new_target, capsys):
    outputs = []
    for name in ("a", "b"):
        db = new_target(name)
        assert main(["--db", db, "demo", "--seed", "1", "--scale", "0.1"]) == 0
        capsys.readouterr()
        assert main(["--db", db, "stats", "--json"]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert KEYS <= set(outputs[0])
    assert isinstance(outputs[0]["hours_realised"], (int, float))


def test_stats_scope_and_period_from_the_environment(tmp_path, capsys, monkeypatch, small_dataset, db):
    monkeypatch.setenv("ERBM_DESK_DB", db.url.removeprefix("sqlite:///"))
    assert main(["stats", "--json", "--cite", "Cité Test A", "--from", "2022-02", "--to", "2022-02"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["hours_realised"] == 201.67 and out["people"] == 2


def test_errors_are_one_french_line_and_a_non_zero_code(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "nope" / "x.sqlite"), "stats"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "n'existe pas" in err and "Traceback" not in err
    assert main(["stats", "--from", "13-2020"]) == 2
    assert "mois valide" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "x.sqlite"), "stats", "--epci", "XYZ"]) == 1
    assert "EPCI introuvable" in capsys.readouterr().err
    bad = tmp_path / "garbage.sqlite"
    bad.write_bytes(b"not a database" * 100)
    assert main(["--db", str(bad), "stats"]) == 1
    assert "Impossible d'ouvrir" in capsys.readouterr().err


def test_db_upgrade(new_target, capsys):
    assert main(["--db", new_target("u", empty=True), "db", "upgrade"]) == 0
    assert "à jour" in capsys.readouterr().out


def test_usage_errors_and_help_are_in_french(tmp_path, capsys):
    from tests.hostile.runner import english_in

    db = ["--db", str(tmp_path / "x.sqlite")]
    for wrong in (["bogus"], ["stats", "--from"], ["import"], ["stats", "--bogus"], ["releve", "--mois"]):
        assert main(db + wrong) == 2
        err = capsys.readouterr().err
        assert err.startswith("erbm-desk : Arguments invalides : ") and err.count("\n") == 1
        assert english_in(err.replace("erbm-desk", "")) is None, err
    for asked in (["--help"], ["stats", "--help"]):
        with pytest.raises(SystemExit):
            main(asked)
        out = capsys.readouterr().out
        assert out.startswith("utilisation : erbm-desk")
        assert not [phrase for phrase in ("usage:", "positional arguments", "show this help", "show program")
                    if phrase in out]
