"""Every command over every fault a PC really has: one French line and exit code 1 when it cannot work, and the
database either untouched or in the state the command leaves on a healthy PC. Never a traceback, never English
library text, never « endommagé » for a file that is only read-only.

Faults: a read-only database file and a read-only folder (as `nobody`: root ignores rights), an immutable file
(chattr +i), a full disk (a small tmpfs), one byte cut off the file, one page zeroed, the -wal removed after a
commit, and a second writer holding a write transaction. Commands: import, export, backup, restore, erase (GDPR),
check. Faults needing root are skipped with the reason when not root.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.faults.harness import LIKE_A_USER, build_template, can_chattr, can_drop_rights, can_mount, data_state, make_site
from tests.hostile.runner import english_in

COMMANDS = {
    "import": lambda s: ("import", str(s.workbook)),
    "export": lambda s: ("export", str(s.db.parent / "sortie.xlsx"), "--nominatif"),
    "backup": lambda s: ("backup",),
    "restore": lambda s: ("restore", "1"),
    "erase": lambda s: ("gdpr", "erase", str(s.person), "--yes"),
    "check": lambda s: ("check",),
}
ROOT_ONLY = {"immutable": "chattr +i", "full-disk": "mount -t tmpfs", "read-only-file": "setpriv (rights enforced)",
             "read-only-folder": "setpriv (rights enforced)"}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("modele"))


@pytest.fixture(scope="module")
def after_states(template):
    """The data state each command leaves on a healthy site."""
    states = {}
    for name, command in COMMANDS.items():
        site = make_site(template)
        try:
            code, _out, err = site.run(*command(site))
            assert code == 0, (name, err)
            states[name] = data_state(site.db)
        finally:
            shutil.rmtree(site.root, ignore_errors=True)
    return states


# --- the faults: each builds its site and yields it with the fault in place ----------------------------------

def _page_of(db: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    finally:
        conn.close()


@contextmanager
def fault(name: str, template):
    if name in ROOT_ONLY and os.geteuid() != 0:
        pytest.skip(f"{ROOT_ONLY[name]} needs root")
    if name in ("read-only-file", "read-only-folder"):
        if not can_drop_rights():
            pytest.skip("setpriv is needed to run a command without root's power over rights")
        site = make_site(template, as_user=True)
        target = site.db if name == "read-only-file" else site.db.parent
        os.chmod(target, 0o444 if name == "read-only-file" else 0o555)
        try:
            yield site
        finally:
            os.chmod(target, 0o644 if name == "read-only-file" else 0o755)
            shutil.rmtree(site.root, ignore_errors=True)
        return
    if name == "immutable":
        site = make_site(template)
        if not can_chattr(site.db.parent):
            pytest.skip("chattr +i is not supported on this file system")
        subprocess.run(["chattr", "+i", str(site.db)], check=True)
        try:
            yield site
        finally:
            subprocess.run(["chattr", "-i", str(site.db)], check=True)
            shutil.rmtree(site.root, ignore_errors=True)
        return
    if name == "full-disk":
        if not can_mount():
            pytest.skip("mount -t tmpfs is not allowed here")
        mount = Path(tempfile.mkdtemp(prefix="erbm-disque-plein-"))
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], check=True)
        try:
            site = make_site(template, root=mount)
            with open(mount / "remplissage", "wb") as fh:  # every byte left taken
                try:
                    while True:
                        fh.write(b"\0" * 65536)
                        fh.flush()
                except OSError:
                    pass
            yield site
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=False)
            mount.rmdir()
        return
    site = make_site(template)
    holder = None
    try:
        if name == "truncated":
            with open(site.db, "r+b") as fh:
                fh.truncate(site.db.stat().st_size - 1)
        elif name == "page-zeroed":
            page = _page_of(site.db, "beneficiary")
            with open(site.db, "r+b") as fh:
                fh.seek((page - 1) * 4096)
                fh.write(b"\0" * 4096)
        elif name == "wal-removed":
            code = ("import sqlite3, os, signal, sys\n"
                    "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL')\n"
                    "c.execute('PRAGMA wal_autocheckpoint=0')\n"
                    "c.execute(\"UPDATE cite SET notes = 'perdue avec le -wal'\"); c.commit()\n"
                    "os.kill(os.getpid(), signal.SIGKILL)\n")
            subprocess.run([sys.executable, "-c", code, str(site.db)])
            for suffix in ("-wal", "-shm"):
                Path(f"{site.db}{suffix}").unlink(missing_ok=True)
        elif name == "second-writer":
            code = ("import sqlite3, sys, time\n"
                    "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\n"
                    "c.execute('PRAGMA journal_mode=WAL'); c.execute('BEGIN IMMEDIATE')\n"
                    "c.execute(\"UPDATE cite SET notes = notes WHERE id = 1\")\n"
                    "print('ok', flush=True); time.sleep(600)\n")
            holder = subprocess.Popen([sys.executable, "-c", code, str(site.db)], stdout=subprocess.PIPE, text=True)
            assert holder.stdout.readline().strip() == "ok"
        yield site
    finally:
        if holder is not None:
            holder.send_signal(signal.SIGKILL)
            holder.wait()
        shutil.rmtree(site.root, ignore_errors=True)


FAULTS = ("read-only-file", "read-only-folder", "immutable", "full-disk", "truncated", "page-zeroed", "wal-removed",
          "second-writer")


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("fault_name", FAULTS)
def test_a_command_over_a_fault_ends_in_one_french_line_and_a_known_state(template, after_states, fault_name, command):
    with fault(fault_name, template) as site:
        before = data_state(site.db)
        code, out, err = site.run(*COMMANDS[command](site))
        after = data_state(site.db)
    assert "Traceback" not in out + err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code in (0, 1), (code, err)
    if code == 1 and command != "check":
        assert len(lines) == 1, err
        assert lines[0].startswith("erbm-desk : ")
        assert english_in(lines[0]) is None, lines[0]
    if code == 1 and command == "check":
        assert english_in(out) is None, out
    assert after in (before, after_states[command]), f"{fault_name}/{command}: neither before nor after ({err})"
    if fault_name in ("read-only-file", "read-only-folder", "immutable"):
        assert "endommag" not in err + out
    if command == "check" and fault_name in ("truncated", "page-zeroed"):
        assert code == 1 and "Dernière sauvegarde valide" in out, out
    if fault_name == "full-disk" and command in ("import", "erase"):
        assert code == 1 and "plus de place" in err, err


def test_check_on_a_damaged_base_diagnoses_it_and_names_the_last_good_backup(template):
    with fault("truncated", template) as site:
        code, out, _err = site.run("check")
        assert code == 1
        assert "tronqué" in out and "Dernière sauvegarde valide" in out and "erbm-desk restore" in out
        code, _out, err = site.run("restore", "1")
        assert code == 0, err
        code, out, _err = site.run("check")
        assert code == 0 and "Intégrité" in out


def test_an_empty_database_file_is_not_a_new_base_and_the_last_backup_is_offered(template):
    site = make_site(template)
    try:
        site.db.write_bytes(b"")
        code, _out, err = site.run("stats")
        assert code == 1 and "vide (0 octet)" in err and "Dernière sauvegarde valide" in err
        assert site.db.stat().st_size == 0  # left as it was
        code, _out, err = site.run("restore", "1")
        assert code == 0, err
        assert site.run("stats")[0] == 0
    finally:
        shutil.rmtree(site.root, ignore_errors=True)


def test_a_read_only_folder_is_said_and_the_base_opens_read_only(template):
    with fault("read-only-folder", template) as site:
        code, out, err = site.run("stats")
        assert code == 0 and "heure" in out, err
        code, _out, err = site.run("import", str(site.workbook))
        assert code == 1 and "lecture seule" in err and "endommag" not in err


def test_the_window_offers_read_only_opening_for_a_read_only_folder(template, tmp_path):
    """What the window is told (DatabaseReadOnlyError, not damage), seen from the service it calls."""
    from erbm_desk.services.database.errors import DatabaseDamagedError, DatabaseReadOnlyError
    from erbm_desk.services.database.opening import open_database

    with fault("read-only-folder", template) as site:
        code = ("import sys\nfrom erbm_desk.services.database.opening import open_database\n"
                "from erbm_desk.services.database.errors import DatabaseReadOnlyError\n"
                "try:\n    open_database(sys.argv[1], read_only=False)\nexcept DatabaseReadOnlyError as e:\n"
                "    print('LECTURE-SEULE', e)\n"
                "db = open_database(sys.argv[1], read_only=True); print('OUVERTE', db.read_only); db.close()\n")
        done = subprocess.run([*LIKE_A_USER, sys.executable, "-c", code, str(site.db)], env=site.env,
                              capture_output=True, text=True)
        assert "LECTURE-SEULE" in done.stdout and "en lecture seule" in done.stdout, done.stderr
        assert "OUVERTE True" in done.stdout, done.stderr
    assert DatabaseReadOnlyError.__mro__[1].__name__ == "DatabaseOpenError"
    assert not issubclass(DatabaseReadOnlyError, DatabaseDamagedError)
    assert open_database  # the same pipeline the window runs in its worker


def test_english_words_are_recognised():
    assert english_in("No space left on device") and english_in("File is not a zip file")
    assert english_in("Impossible d'écrire : plus de place sur le disque.") is None
    assert not re.search(r"\bfile\b", "fichier")
