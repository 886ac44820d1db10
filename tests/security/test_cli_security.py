"""The same rights through the command line: --user, ERBM_DESK_PASSWORD, mandatory sign-in, audit, gdpr."""

import json

import pytest
from openpyxl import load_workbook

from erbm_desk.cli.main import main
from erbm_desk.services.security.authz import Role
from tests.security.helpers import PASSWORD, USERNAMES, make_accounts


@pytest.fixture
def cli_db(db, small_dataset, monkeypatch):
    make_accounts(db, login_required=True)
    target = db.url if db.engine.dialect.name != "sqlite" else db.url.removeprefix("sqlite:///")
    db.close()
    monkeypatch.setenv("ERBM_DESK_PASSWORD", PASSWORD)
    return target


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_sign_in_is_required_and_checked(cli_db, capsys, monkeypatch):
    code, _, err = run(capsys, "--db", cli_db, "stats")
    assert code == 1 and "Connexion obligatoire" in err and err.count("\n") == 1
    monkeypatch.setenv("ERBM_DESK_PASSWORD", "pas le bon mot de passe")
    code, _, err = run(capsys, "--db", cli_db, "--user", "bruno", "stats")
    assert code == 1 and "incorrect" in err
    monkeypatch.delenv("ERBM_DESK_PASSWORD")
    code, _, err = run(capsys, "--db", cli_db, "--user", "bruno", "stats")  # no terminal, no variable
    assert code == 1 and "ERBM_DESK_PASSWORD" in err


@pytest.mark.parametrize("role", list(Role))
def test_each_role_through_the_cli(cli_db, capsys, role, tmp_path):
    user = ["--db", cli_db, "--user", USERNAMES[role]]
    code, out, _ = run(capsys, *user, "stats", "--json")
    assert code == 0 and json.loads(out)["people"] == 3  # indicators for everyone
    code, out, err = run(capsys, *user, "audit", "--verify")
    assert (code, "Journal intègre" in out) == ((0, True) if role is Role.ADMIN else (1, False))
    if role is not Role.ADMIN:
        assert "Accès refusé" in err and "Traceback" not in err
    out_file = tmp_path / "acces.xlsx"
    code, _, err = run(capsys, *user, "gdpr", "export", "DURAND Léa", "--out", str(out_file))
    assert (code == 0) is (role in (Role.ADMIN, Role.FACILITATOR)) and out_file.exists() is (code == 0)
    if code == 0:
        assert load_workbook(out_file)["Identité"]["B4"].value == "DURAND"
    code, _, err = run(capsys, *user, "gdpr", "export", "1", "--out", str(tmp_path / "x.xlsx"))
    if role in (Role.BAILLEUR, Role.COMITE):
        assert code == 1 and "Accès refusé" in err  # not even by number
    code, _, err = run(capsys, *user, "accounts", "list")
    assert (code == 0) is (role is Role.ADMIN)


def test_admin_manages_accounts_settings_and_erasure_from_the_cli(cli_db, capsys, monkeypatch, tmp_path):
    admin = ["--db", cli_db, "--user", "admin"]
    monkeypatch.setenv("ERBM_DESK_NEW_PASSWORD", "un-autre-mot-de-passe-9")
    assert run(capsys, *admin, "accounts", "add", "zoe", "--role", "bailleur", "--name", "Zoé")[0] == 0
    assert run(capsys, *admin, "accounts", "role", "zoe", "comite")[0] == 0
    code, out, _ = run(capsys, *admin, "accounts", "list")
    assert "zoe" in out and "Comité" in out and "Connexion obligatoire : oui" in out
    assert run(capsys, *admin, "accounts", "disable", "zoe")[0] == 0
    assert run(capsys, *admin, "settings", "retention.years", "7")[0] == 0
    code, out, _ = run(capsys, *admin, "settings", "retention.years")
    assert "retention.years = 7" in out
    code, _, err = run(capsys, *admin, "settings", "retention.years", "abc")
    assert code == 1 and "entier" in err
    code, _, err = run(capsys, *admin, "gdpr", "erase", "MARTIN Kévin")
    assert code == 1 and "--yes" in err
    code, out, _ = run(capsys, *admin, "gdpr", "erase", "MARTIN Kévin", "--yes")
    assert code == 0 and "ANON-" in out
    code, out, _ = run(capsys, *admin, "gdpr", "retention", "--years", "1")
    assert code == 0 and "DURAND" not in out
    code, out, _ = run(capsys, *admin, "audit", "--action", "erase")
    assert code == 0 and "Effacement" in out
    code, out, _ = run(capsys, *admin, "audit", "--verify", "--export", str(tmp_path / "j.csv"))
    assert code == 0 and "Journal intègre" in out and (tmp_path / "j.csv").exists()
    # the facilitator cannot change settings
    code, _, err = run(capsys, "--db", cli_db, "--user", "fanny", "settings", "retention.years", "2")
    assert code == 1 and "Accès refusé" in err


def _workbook_text(path) -> str:
    return " ".join(str(c) for ws in load_workbook(path).worksheets for r in ws.iter_rows(values_only=True)
                    for c in r if c is not None)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_exports_backs_up_and_restores_only_what_it_may(cli_db, capsys, role, tmp_path):
    """Every CLI path that writes a file or replaces the database, per role: no name ever reaches a bailleur or
    the comité, and only the administrator changes settings, erases, restores."""
    user = ["--db", cli_db, "--user", USERNAMES[role]]
    sees = role in (Role.ADMIN, Role.FACILITATOR)
    anonymous = tmp_path / "anonyme.xlsx"
    code, _, err = run(capsys, *user, "export", str(anonymous))
    assert code == 0, err
    assert "DURAND" not in _workbook_text(anonymous)
    nominative = tmp_path / "nominatif.xlsx"
    code, _, err = run(capsys, *user, "export", "--nominatif", str(nominative))
    assert (code == 0) is sees and nominative.exists() is sees
    assert sees or ("Accès refusé" in err and "Traceback" not in err)
    if sees:
        assert "DURAND" in _workbook_text(nominative)
    releve = tmp_path / "releve.xlsx"
    code, _, err = run(capsys, *user, "releve", "--siret", "73282932000074", "--mois", "2022-02", str(releve))
    if code == 0:
        assert ("DURAND" in _workbook_text(releve)) is sees
    else:
        assert "Accès refusé" in err or "SIRET" in err or "entreprise" in err, err
    code, _, err = run(capsys, *user, "bilan", str(tmp_path / "bilan.pdf"))
    assert code == 0, err  # an anonymous document: every role
    assert b"DURAND" not in (tmp_path / "bilan.pdf").read_bytes()
    code, _, err = run(capsys, *user, "audit", "--export", str(tmp_path / "journal.csv"))
    assert (code == 0) is (role is Role.ADMIN)
    code, _, err = run(capsys, *user, "settings", "disclosure.threshold", "7")
    assert (code == 0) is (role is Role.ADMIN)
    code, _, err = run(capsys, *user, "gdpr", "retention", "--years", "1")
    assert (code == 0) is (role is Role.ADMIN)
    code, _, err = run(capsys, *user, "gdpr", "erase", "1", "--yes")
    assert (code == 0) is (role is Role.ADMIN)

    if "://" in cli_db:
        return  # PostgreSQL: backups and restores are the server's
    copy = tmp_path / "copie.sqlite"
    code, _, err = run(capsys, *user, "backup", str(copy))  # a copy of the file holds every identity
    assert (code == 0) is sees and copy.exists() is sees
    assert sees or "Accès refusé" in err
    from erbm_desk.services.backup import copies

    copies.backup_database(cli_db, "manuelle")
    code, out, _ = run(capsys, *user, "restore", "--list")
    assert code == 0 and "à la demande" in out
    code, out, err = run(capsys, *user, "restore", "1")
    assert (code == 0) is (role is Role.ADMIN), err
    assert role is Role.ADMIN or "Accès refusé" in err
