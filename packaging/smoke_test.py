"""Smoke test of the frozen build: runs the programs in dist/erbm-desk/ the way a user would, offscreen.

    python3 packaging/smoke_test.py [DIST_FOLDER]      (default: dist/erbm-desk; standard library only)

Checks `--version`, the help of every subcommand (each one's module is imported), `demo`, `stats`, `db upgrade`,
then `export`, `import` (dry run, and into a new database), `bilan`, `backup`, `check`, `accounts add` and
`encrypt` (compiled extensions: argon2, SQLCipher) when the build has them, and opens and closes the main
window once its dashboard has drawn its charts (hook ERBM_DESK_QUIT_AFTER_SHOW in erbm_desk/ui/app.py).
Any step fails on a non-zero exit, a time-out, or an import error / traceback / Qt plugin error on its output.
Everything runs in a temporary folder with its own user folders: the real user's data and settings are never
touched.
Exit code 0 when every step passed, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = sys.platform == "win32"
EXE = ".exe" if WINDOWS else ""
# What a broken bundle prints: a module or a data file left out, a Qt plugin that cannot load.
BAD_OUTPUT = re.compile(
    r"Traceback \(most recent call last\)|ModuleNotFoundError|ImportError|No module named|"
    r"Could not load the Qt platform plugin|Cannot load library|Failed to execute script|"
    r"FileNotFoundError|\[PYI-\d+:ERROR\]"
)
OPTIONAL_COMMANDS = ("export", "import", "releve", "bilan", "backup", "restore", "check")


class Smoke:
    def __init__(self, dist: Path, work: Path):
        self.cli = dist / f"erbm-desk-cli{EXE}"
        # The windowed Windows program has no stdout: check the window through the console twin there.
        self.gui = self.cli if WINDOWS else dist / f"erbm-desk{EXE}"
        self.work = work
        self.db = work / "démo smoke.sqlite"  # an accent and a space, as in real Windows paths
        self.env = self._environment()
        self.results: list[tuple[str, bool, float, str]] = []

    def _environment(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ERBM_DESK_", "PYTHON"))}
        home = self.work / "home"
        for name in ("HOME", "USERPROFILE"):
            env[name] = str(home)
        for name, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
                          ("APPDATA", "AppData/Roaming"), ("LOCALAPPDATA", "AppData/Local")):
            (home / sub).mkdir(parents=True, exist_ok=True)
            env[name] = str(home / sub)
        env["QT_QPA_PLATFORM"] = "offscreen"
        return env

    def run(self, label: str, program: Path, *args: str, expect=None, env_extra=None, timeout=300,
            ok_codes=(0,)) -> str | None:
        """Run one step; `expect(stdout)` returns an error message or None."""
        env = dict(self.env, **(env_extra or {}))
        t0 = time.perf_counter()
        try:
            proc = subprocess.run([str(program), *args], capture_output=True, env=env, cwd=self.work,
                                  stdin=subprocess.DEVNULL,  # a prompt must fail, not hang
                                  timeout=timeout, encoding="utf-8", errors="replace")
            out, err, code = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired:
            out, err, code = "", f"time-out after {timeout} s", -1
        elapsed = time.perf_counter() - t0
        problem = None
        if code not in ok_codes:
            problem = f"exit code {code}"
        elif BAD_OUTPUT.search(out + err):
            problem = "import error or traceback"
        elif expect is not None:
            problem = expect(out)
        detail = "" if problem is None else f"{problem}\n--- stdout\n{out[-3000:]}\n--- stderr\n{err[-3000:]}"
        self.results.append((label, problem is None, elapsed, detail))
        return out if problem is None else None

    def commands(self) -> set[str]:
        out = self.run("--help", self.cli, "--help") or ""
        match = re.search(r"\{([^}]*)\}", out)  # argparse lists choices as {a,b,c} in the usage
        listed = set(match.group(1).split(",")) if match else set()
        listed |= set(re.findall(r"^\s{4}(\w[\w-]*)\s", out, re.M))
        return listed

    def bundle_files(self) -> None:
        """What the app opens by path at run time, in the folder (a missing one fails only when first used)."""
        internal = self.cli.parent / "_internal"
        wanted = ["seeds/communes.csv", "seeds/cites.csv", "erbm_desk/db/migrations/env.py",
                  "PySide6/Qt/translations/qtbase_fr.qm"]
        missing = [name for name in wanted if not (internal / name).is_file()]
        versions = list((internal / "erbm_desk/db/migrations/versions").glob("*.py"))
        source = list((ROOT / "erbm_desk/db/migrations/versions").glob("*.py"))
        if len(versions) != len(source):
            missing.append(f"migrations: {len(versions)} scripts in the bundle, {len(source)} in the repository")
        self.results.append(("bundled files", not missing, 0.0, "missing: " + ", ".join(missing) if missing else ""))

    def check(self) -> bool:
        self.bundle_files()
        version = re.search(r'__version__ = "([^"]+)"', (ROOT / "erbm_desk" / "__init__.py").read_text()).group(1)
        self.run("--version", self.cli, "--version",
                 expect=lambda out: None if f"ERBM Desk {version}" in out else f"version {version} not printed")
        commands = self.commands()
        for name in sorted(commands):
            self.run(f"{name} --help", self.cli, name, "--help")
        db = str(self.db)
        self.run("demo", self.cli, "--db", db, "demo", "--scale", "0.2", "--seed", "3",
                 expect=lambda out: None if "Démonstration créée" in out else "no summary")
        self.run("stats", self.cli, "--db", db, "stats",
                 expect=lambda out: None if "heures d'insertion réalisées" in out else "no comité sentence")
        self.run("stats --json", self.cli, "--db", db, "stats", "--json", expect=_json_object)
        self.run("db upgrade", self.cli, "--db", db, "db", "upgrade")
        self.optional_commands(commands, db)
        self.run("window and dashboard charts", self.gui, "--db", db,
                 env_extra={"ERBM_DESK_QUIT_AFTER_SHOW": "dashboard"}, expect=_window_and_charts)
        fresh = str(self.work / "nouvelle.sqlite")
        self.run("window on a new database", self.gui, "--db", fresh, env_extra={"ERBM_DESK_QUIT_AFTER_SHOW": "1"},
                 expect=lambda out: None if "ERBM_DESK_SHOWN" in out else "the main window never showed")
        return all(ok for _, ok, _, _ in self.results)

    def optional_commands(self, commands: set[str], db: str) -> None:
        """The feature commands (Excel exchange, bilan, backups), each when the build has it."""
        work = self.work
        if "export" in commands:
            xlsx = work / "export.xlsx"
            self.run("export", self.cli, "--db", db, "export", str(xlsx), expect=lambda _: _file_starts(xlsx, b"PK"))
            if "import" in commands and xlsx.exists():  # reads it back (calamine/openpyxl in the bundle)
                self.run("import --dry-run (same database)", self.cli, "--db", db, "import", "--dry-run", str(xlsx))
                self.run("import (into a new database)", self.cli, "--db", str(work / "import.sqlite"), "import",
                         str(xlsx))
        if "bilan" in commands:
            pdf = work / "bilan.pdf"
            self.run("bilan", self.cli, "--db", db, "bilan", str(pdf), expect=lambda _: _file_starts(pdf, b"%PDF"))
        if "backup" in commands:
            self.run("backup", self.cli, "--db", db, "backup", str(work / "sauvegarde.sqlite"))
        if "check" in commands:
            self.run("check", self.cli, "--db", db, "check")
        if "accounts" in commands:  # password hashing (argon2, a compiled extension)
            self.run("accounts add", self.cli, "--db", db, "accounts", "add", "smoke", "--role", "facilitateur",
                     env_extra={"ERBM_DESK_NEW_PASSWORD": "Smoke-test-mot-de-passe-42"})
        if "encrypt" in commands:  # SQLCipher (a compiled extension) on a copy of the database
            secret = {"ERBM_DESK_NEW_PASSPHRASE": "phrase de passe du test de fumée",
                      "ERBM_DESK_PASSPHRASE": "phrase de passe du test de fumée"}
            copy = str(work / "chiffrée.sqlite")
            self.run("demo (for encryption)", self.cli, "--db", copy, "demo", "--scale", "0.05")
            self.run("encrypt", self.cli, "--db", copy, "encrypt", env_extra=secret)
            self.run("stats (encrypted database)", self.cli, "--db", copy, "stats", env_extra=secret,
                     expect=lambda out: None if "heures d'insertion réalisées" in out else "no comité sentence")

    def report(self) -> None:
        width = max(len(label) for label, *_ in self.results)
        for label, ok, elapsed, detail in self.results:
            print(f"{'ok  ' if ok else 'FAIL'} {label:<{width}} {elapsed:6.2f} s")
            if detail:
                print("     " + detail.replace("\n", "\n     "))
        failed = sum(1 for _, ok, _, _ in self.results if not ok)
        print(f"Smoke test: {len(self.results) - failed} steps ok, {failed} failed.")


def _window_and_charts(out: str) -> str | None:
    if "ERBM_DESK_SHOWN" not in out:
        return "the main window never showed"
    if "ERBM_DESK_FAILED" in out:
        return "the dashboard failed: " + out.split("ERBM_DESK_FAILED", 1)[1].strip()[:300]
    return None if "ERBM_DESK_READY" in out else "the dashboard did not draw its charts"


def _json_object(out: str) -> str | None:
    try:
        return None if isinstance(json.loads(out), dict) else "not a JSON object"
    except ValueError:
        return "not JSON"


def _file_starts(path: Path, magic: bytes) -> str | None:
    if not path.is_file() or path.stat().st_size == 0:
        return f"{path.name} not written"
    with open(path, "rb") as f:
        return None if f.read(len(magic)) == magic else f"{path.name} is not a {magic!r} file"


def main(argv: list[str]) -> int:
    dist = Path(argv[0] if argv else ROOT / "dist" / "erbm-desk").resolve()
    if not (dist / f"erbm-desk-cli{EXE}").exists():
        print(f"smoke: no build in {dist} (run packaging/build.sh first)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="erbm-smoke-") as tmp:
        smoke = Smoke(dist, Path(tmp))
        ok = smoke.check()
        smoke.report()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
