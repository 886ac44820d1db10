"""Faults a PC really has, applied to a database the CLI then works on, as a user would run it.

A `Site` is a folder holding a database (a small demo), its user folders (data with the backups, config, log),
a good backup, an exchange workbook that changes one record, and a person to erase. Commands run in a child
process (`python -m erbm_desk`) so that what is checked is what a user sees: the exit code, the lines on stderr,
and the database afterwards. For the faults of rights the child runs without the capabilities that let root
ignore them (setpriv: no CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER), like an ordinary user.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIKE_A_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
DATA_TABLES = ("bailleur", "cite", "operation", "funding", "company", "beneficiary", "contract", "hours_entry")


@dataclass
class Template:
    db: Path
    workbook: Path  # changes the remark of one cité when imported
    person: int  # a beneficiary to erase


@dataclass
class Site:
    root: Path
    db: Path
    home: Path
    workbook: Path
    person: int
    as_user: bool = False  # run the commands without root's power over rights
    mounted: list[Path] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ERBM_DESK_DB"))}
        env.update(HOME=str(self.home), XDG_DATA_HOME=str(self.home / "data"), XDG_CONFIG_HOME=str(self.home / "config"),
                   XDG_STATE_HOME=str(self.home / "state"), ERBM_DESK_AUDIT_ANCHOR_DIR=str(self.home / "ancres"),
                   PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
        return env

    def run(self, *args: str, timeout: float = 180) -> tuple[int, str, str]:
        """`erbm-desk --db <base> args…` in a child process: (exit code, stdout, stderr)."""
        prefix = LIKE_A_USER if self.as_user else []
        proc = subprocess.run([*prefix, sys.executable, "-m", "erbm_desk", "--db", str(self.db), *args], env=self.env,
                              cwd=self.root, capture_output=True, text=True, timeout=timeout)
        return proc.returncode, proc.stdout, proc.stderr

    def backups(self) -> list[Path]:
        folder = self.home / "data" / "ERBM Desk" / "Sauvegardes"
        return sorted(folder.rglob("*.sqlite")) if folder.is_dir() else []


def build_template(folder: Path) -> Template:
    """A demo database, a workbook changing one cité's remark, and a beneficiary (done once per test module)."""
    from erbm_desk.services.database.demo import generate_demo
    from erbm_desk.services.database.opening import open_database
    from erbm_desk.services.exchange import ExportOptions, export_workbook
    from tests.hostile.base import read_cells, workbook_bytes

    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "modele.sqlite"
    db = open_database(str(db_path))
    try:
        with db.session() as s:
            generate_demo(s, seed=3, scale=0.02)
            export_workbook(s, folder / "export.xlsx", ExportOptions(anonymous=False))
    finally:
        db.close()
    sheets = read_cells((folder / "export.xlsx").read_bytes())
    cites = sheets["Cités"]
    cites[1][cites[0].index("Remarques")] = "remarque changée par le classeur"
    workbook = folder / "classeur.xlsx"
    workbook.write_bytes(workbook_bytes(sheets))
    conn = sqlite3.connect(db_path)
    person = conn.execute("SELECT id FROM beneficiary WHERE last_name IS NOT NULL ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    return Template(db_path, workbook, person)


def make_site(template: Template, as_user: bool = False, root: Path | None = None) -> Site:
    """A fresh site from the template: its own folder, a backup, then one change made after the backup (so that
    restoring it changes the data); its commands run `as_user` (see the module doc)."""
    root = root or Path(tempfile.mkdtemp(prefix="erbm-panne-"))
    os.chmod(root, 0o755)
    data = root / "donnees"
    data.mkdir()
    db = data / "base.sqlite"
    shutil.copy2(template.db, db)
    shutil.copy2(template.workbook, root / "classeur.xlsx")
    home = root / "home"
    home.mkdir()
    site = Site(root, db, home, root / "classeur.xlsx", template.person)
    code, _out, err = site.run("backup")
    assert code == 0, err
    conn = sqlite3.connect(db)
    conn.execute("UPDATE cite SET notes = 'modifiée après la sauvegarde' WHERE id = (SELECT max(id) FROM cite)")
    conn.commit()
    conn.close()
    site.as_user = as_user
    return site


def can_drop_rights() -> bool:
    return os.geteuid() == 0 and shutil.which("setpriv") is not None


# Values drawn afresh by each run of a command (new identifiers, pseudonyms, times): two runs of the same command
# on the same base differ there and nowhere else.
DRAWN = {"uuid", "pseudonym", "created_at", "updated_at"}


def data_state(db: Path) -> str:
    """A digest of the records (not the audit log or the exchange log, whose times vary, nor the `DRAWN` values of
    the records); of the file's bytes when it cannot be read as a database (a damaged file left as it was)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        try:
            digest = hashlib.sha256()
            for table in DATA_TABLES:
                columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if r[1] not in DRAWN]
                listed = ", ".join(f'"{c}"' for c in columns)
                for row in conn.execute(f'SELECT {listed} FROM "{table}" ORDER BY id'):
                    digest.update(repr(row).encode())
            return "données:" + digest.hexdigest()
        finally:
            conn.close()
    except sqlite3.Error:
        return "octets:" + hashlib.sha256(db.read_bytes()).hexdigest()


def can_mount() -> bool:
    if os.geteuid() != 0:
        return False
    probe = Path(tempfile.mkdtemp(prefix="erbm-tmpfs-"))
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe)], capture_output=True)
        if done.returncode != 0:
            return False
        subprocess.run(["umount", str(probe)], check=True)
        return True
    finally:
        probe.rmdir()


def can_chattr(folder: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        return False
    probe = folder / ".essai-immuable"
    probe.write_bytes(b"x")
    try:
        return subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode == 0
    finally:
        subprocess.run(["chattr", "-i", str(probe)], capture_output=True)
        probe.unlink()
