"""The rows of a sheet are checked as the guarded reading's child sends them: the app does not wait for the child
to have converted the whole sheet (on two cores, the child converts the rest meanwhile)."""

from __future__ import annotations

import pickle
import sys
import textwrap

import pytest

from erbm_desk.services.exchange import guarded_reading
from erbm_desk.services.exchange.errors import ExcelFileError

# A stand-in for the child: it sends a sheet's first chunk of rows, then holds the rest until the test creates
# the file `go` (its first argument).
_CHILD = textwrap.dedent("""
    import os, pickle, sys, time
    go = sys.argv[1]
    out = sys.stdout.buffer
    def say(text, payload=None):
        out.write(text.encode() + b"\\n")
        if payload is not None:
            out.write(payload)
        out.flush()
    say("ouvert")
    begun = pickle.dumps({"start": (0, 0), "merged": []})
    say(f"debut 0 3 2 {len(begun)}", begun)
    first = pickle.dumps([["Nom", "Heures"], ["Dupont", 12.5]])
    say(f"lignes 0 {len(first)}", first)
    while not os.path.exists(go):
        time.sleep(0.01)
    rest = pickle.dumps([["Martin", 7.0]])
    say(f"lignes 0 {len(rest)}", rest)
    end = pickle.dumps({"start": (0, 0), "merged": [], "error": None})
    say(f"feuille 0 3 2 {len(end)}", end)
    say("fin")
""")


class _Opened:
    sheet_names = ["Heures"]

    def close(self):
        pass


@pytest.fixture
def scripted_child(tmp_path, monkeypatch):
    script = tmp_path / "child.py"
    script.write_text(_CHILD)
    go = tmp_path / "go"
    monkeypatch.setattr(guarded_reading, "scout_command", lambda path: [sys.executable, str(script), str(go)])
    return go


def test_the_first_rows_are_read_before_the_child_has_finished_the_sheet(tmp_path, scripted_child):
    wb = guarded_reading.open_guarded(tmp_path / "classeur.xlsx", lambda path: _Opened(), time_limit=30)
    try:
        sheet = wb.get_sheet_by_name("Heures")
        assert (sheet.height, sheet.width, sheet.start) == (3, 2, (0, 0))
        rows = sheet.iter_rows()
        # Waiting for the whole sheet here would hang until the time limit, then refuse the file.
        assert [next(rows), next(rows)] == [["Nom", "Heures"], ["Dupont", 12.5]]
        assert not scripted_child.exists()  # the child is still holding the rest of the sheet
        scripted_child.touch()
        assert list(rows) == [["Martin", 7.0]]
    finally:
        wb.close()


def test_a_child_that_dies_in_the_middle_of_a_sheet_refuses_the_file(tmp_path, monkeypatch):
    script = tmp_path / "dies.py"
    chunk = pickle.dumps([["Nom"], ["Dupont"]])
    script.write_text(textwrap.dedent(f"""
        import os, pickle, sys
        out = sys.stdout.buffer
        begun = pickle.dumps({{"start": (0, 0), "merged": []}})
        out.write(b"ouvert\\n" + f"debut 0 9 1 {{len(begun)}}\\n".encode() + begun)
        out.write(b"lignes 0 {len(chunk)}\\n" + {chunk!r})
        out.flush()
        os.abort()
    """))
    monkeypatch.setattr(guarded_reading, "scout_command", lambda path: [sys.executable, str(script)])
    wb = guarded_reading.open_guarded(tmp_path / "classeur.xlsx", lambda path: _Opened(), time_limit=30)
    try:
        rows = wb.get_sheet_by_name("Heures").iter_rows()
        with pytest.raises(ExcelFileError, match="illisible") as refused:
            list(rows)
        assert "Rien n'a été importé" in str(refused.value)
    finally:
        wb.close()
