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
