"""`erbm-desk backup`, `restore` and `check` from the shell."""

from __future__ import annotations

from pathlib import Path

from erbm_desk.cli.main import main
from erbm_desk.services.backup import listing
from erbm_desk.services.database.opening import open_database
from erbm_desk.services.records.writes import delete_record
from tests.fixtures import build_small_dataset


def _base(tmp_path) -> Path:
    path = tmp_path / "plie.sqlite"
    db = open_database(str(path))
    with db.session() as s:
        ids = build_small_dataset(s)
    db.close()
    return path, ids


def test_backup_list_restore_check(tmp_path, capsys):
    path, ids = _base(tmp_path)
    assert main(["--db", str(path), "backup"]) == 0
    out = capsys.readouterr().out
    assert "Sauvegarde écrite" in out and "4 bénéficiaires" in out

    db = open_database(str(path))
    with db.session() as s:
        delete_record(s, "beneficiary", ids["p2"])
    db.close()

    assert main(["--db", str(path), "restore"]) == 0
    out = capsys.readouterr().out
    assert " 1. " in out and "à la demande" in out and "4 bénéficiaires" in out

    assert main(["--db", str(path), "restore", "1"]) == 0
    out = capsys.readouterr().out
    assert "restaurée" in out and "4 bénéficiaires" in out and "L'état remplacé a été sauvegardé" in out

    assert main(["--db", str(path), "restore", "--list"]) == 0
    assert "avant une restauration" in capsys.readouterr().out

    assert main(["--db", str(path), "check"]) == 0
    out = capsys.readouterr().out
    assert "Intégrité de « plie.sqlite » : ok" in out and "Sauvegardes : 2" in out


def test_backup_to_a_chosen_file_and_folder_setting(tmp_path, capsys):
    path, _ids = _base(tmp_path)
    dest = tmp_path / "copie du jour.sqlite"
    assert main(["--db", str(path), "backup", str(dest)]) == 0
    assert dest.is_file() and listing.read_backup_info(dest).counts["contract"] == 4
    folder = tmp_path / "ailleurs"
    assert main(["backup", "--folder", str(folder)]) == 0
    assert str(folder) in capsys.readouterr().out
    assert main(["--db", str(path), "backup"]) == 0
    assert listing.list_backups(path)[0].path.is_relative_to(folder)


def test_errors_are_one_french_line(tmp_path, capsys):
    path, _ids = _base(tmp_path)
    assert main(["--db", str(path), "restore", "7"]) == 1
    assert "Pas de sauvegarde numéro 7" in capsys.readouterr().err
    assert main(["--db", str(path), "restore", str(tmp_path / "absente.sqlite")]) == 1
    assert "n'existe pas" in capsys.readouterr().err
    damaged = tmp_path / "abimee.sqlite"
    data = bytearray(path.read_bytes())
    data[:4096] = bytes(4096)
    damaged.write_bytes(bytes(data))
    assert main(["--db", str(damaged), "check"]) == 1
    out = capsys.readouterr().out
    assert "endommagé" in out
    assert main(["--db", str(damaged), "stats"]) == 1
    err = capsys.readouterr().err
    assert "endommagé" in err and err.count("\n") == 1 and "Traceback" not in err


def test_postgresql_backups_are_the_servers_job(pg_target, capsys):
    assert main(["--db", pg_target, "backup"]) == 1
    assert "pg_dump" in capsys.readouterr().err
    assert main(["--db", pg_target, "check"]) == 0
    assert "Serveur PostgreSQL joignable" in capsys.readouterr().out
