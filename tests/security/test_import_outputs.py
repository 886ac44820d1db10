"""What an import prints follows the same identity masking as the lists: a role that may not see identities gets
no name or birth date of the base's beneficiaries from the preview, the conflicts, the errors or the refusal."""

from datetime import date

import pytest
from openpyxl import load_workbook

from erbm_desk.services.records.writes import save_record
from erbm_desk.services.security.authz import Role
from tests.security.helpers import PASSWORD, USERNAMES, make_accounts
from tests.security.test_cli_security import run

LOCAL_NAME, LOCAL_BORN = "VANDENBROUCKE-LOCAL", date(1977, 7, 7)


@pytest.fixture
def conflicting(db, small_dataset, monkeypatch, tmp_path):
    """A nominative export, then the base's copy of DURAND Léa changed (name, birth date) and the file's too:
    importing it gives a conflict whose « here » side holds identities only the base knows."""
    from erbm_desk.services.exchange import ExportOptions, export_workbook

    make_accounts(db, login_required=True)
    workbook = tmp_path / "classeur.xlsx"
    with db.sessions() as s:
        export_workbook(s, workbook, ExportOptions(anonymous=False))
    with db.session() as s:
        save_record(s, "beneficiary", {"last_name": LOCAL_NAME, "birth_date": LOCAL_BORN}, small_dataset["p1"])
    wb = load_workbook(workbook)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "DURAND":
                    cell.value = "DURAND-FICHIER"
    wb.save(workbook)
    target = db.url if db.engine.dialect.name != "sqlite" else db.url.removeprefix("sqlite:///")
    db.close()
    monkeypatch.setenv("ERBM_DESK_PASSWORD", PASSWORD)
    return target, workbook


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("dry_run", [True, False])
def test_an_import_shows_the_bases_identities_only_to_roles_that_see_them(conflicting, capsys, role, dry_run):
    target, workbook = conflicting
    argv = ["--db", target, "--user", USERNAMES[role], "import", str(workbook)] + (["--dry-run"] if dry_run else [])
    code, out, err = run(capsys, *argv)
    printed = out + err
    assert "Traceback" not in printed
    sees = role in (Role.ADMIN, Role.FACILITATOR)
    if role is Role.COMITE:
        assert code == 1 and "Accès refusé" in err and LOCAL_NAME not in printed
        return
    assert code == 1 and "Conflit" in printed
    for identity in (LOCAL_NAME, "07/07/1977"):
        assert (identity in printed) is sees, (role, printed)


IDENTITIES = ("DURAND", "Léa", "15/03/2000", "2000-03-15", "MARTIN", "Kévin")


@pytest.mark.parametrize("role", [Role.BAILLEUR, Role.COMITE])
def test_no_command_prints_an_identity_to_a_role_that_may_not_see_them(db, small_dataset, monkeypatch, tmp_path,
                                                                      capsys, role):
    """Every command's printed output (reports, previews, refusals), not only its files."""
    make_accounts(db, login_required=True)
    target = db.url if db.engine.dialect.name != "sqlite" else db.url.removeprefix("sqlite:///")
    db.close()
    monkeypatch.setenv("ERBM_DESK_PASSWORD", PASSWORD)
    user = ["--db", target, "--user", USERNAMES[role]]
    anonymous = tmp_path / "anonyme.xlsx"
    commands = [
        ["stats"], ["stats", "--json"], ["check"], ["export", str(anonymous)], ["import", "--dry-run", str(anonymous)],
        ["import", str(anonymous)], ["export", "--nominatif", str(tmp_path / "n.xlsx")],
        ["releve", "--siret", "73282932000074", "--mois", "2022-02", str(tmp_path / "r.xlsx")],
        ["bilan", str(tmp_path / "b.pdf")], ["audit"], ["audit", "--verify"], ["gdpr", "export", "1", "--out",
                                                                              str(tmp_path / "g.xlsx")],
        ["gdpr", "retention", "--years", "1"], ["gdpr", "erase", "1", "--yes"], ["accounts", "list"],
    ]
    if "://" not in target:
        commands += [["backup"], ["restore", "--list"], ["backup", str(tmp_path / "copie.sqlite")]]
    shown = []
    for argv in commands:
        _code, out, err = run(capsys, *user, *argv)
        assert "Traceback" not in err, (argv, err)
        shown += [(argv[0], word) for word in IDENTITIES if word in out + err]
    assert shown == []
