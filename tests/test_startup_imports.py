"""Start-up time: heavy modules load only when a feature first needs them.

matplotlib (charts, bilan), openpyxl and calamine (Excel exchange) and pandas cost a few hundred milliseconds
each to import; the command line and the window must not pay for them before they are used. Each check runs
in a fresh interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "openpyxl", "python_calamine", "pandas")


def loaded_after(code: str, tmp_path: Path) -> set[str]:
    """Top-level packages in sys.modules after running `code` in a fresh interpreter."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ERBM_DESK_DB=str(tmp_path / "probe.sqlite"))
    proc = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def test_the_command_line_parser_loads_no_heavy_module_and_no_qt(tmp_path):
    loaded = loaded_after("import erbm_desk.cli.main as cli\ncli.build_parser()", tmp_path)
    assert not loaded & set(HEAVY), f"loaded at start-up: {sorted(loaded & set(HEAVY))}"
    assert "PySide6" not in loaded, "the command line must not load Qt"


def test_version_and_help_load_no_heavy_module(tmp_path):
    code = (
        "import contextlib, io\nimport erbm_desk.cli.main as cli\n"
        "for argv in (['--version'], ['--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "        cli.main(argv)"
    )
    loaded = loaded_after(code, tmp_path)
    assert not loaded & set(HEAVY), f"loaded by --version/--help: {sorted(loaded & set(HEAVY))}"


def _modules_at_first_show(tmp_path: Path) -> tuple[set[str], set[str], str]:
    """Through the real entry point, with the hook that closes the window once its first page shows data
    (erbm_desk/ui/app.py): the top-level packages and the erbm_desk modules in sys.modules when the window first
    shows, and the hook's output."""
    code = (
        "import contextlib, io, os, sys\nos.environ['ERBM_DESK_QUIT_AFTER_SHOW'] = '1'\n"
        "from PySide6.QtCore import QTimer\n"
        "import erbm_desk.ui.app as app\n"
        "seen = []\n"
        "original = app._quit_after_first_show\n"
        "def spy(qapp, window):\n"
        "    QTimer.singleShot(0, lambda: seen.append(set(sys.modules)))  # queued first: runs at the first show\n"
        "    return original(qapp, window)\n"
        "app._quit_after_first_show = spy\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    assert app.run_app({str(tmp_path / 'w.sqlite')!r}) == 0\n"
        "import json\nprint(json.dumps([sorted({m.split('.')[0] for m in seen[0]}),\n"
        "                  sorted(m for m in seen[0] if m.startswith('erbm_desk')), out.getvalue()]))"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    top, ours, out = json.loads(proc.stdout.splitlines()[-1])
    return set(top), set(ours), out


def test_the_main_window_shows_before_any_heavy_module_and_the_database_layer_load(tmp_path):
    """The window frame shows first: no heavy module, no SQLAlchemy, no models, no services that use
    them, no page module; the database opens afterwards, and the first page then shows its data."""
    at_first_show, ours, out = _modules_at_first_show(tmp_path)
    assert not at_first_show & set(HEAVY), f"loaded before the window showed: {sorted(at_first_show & set(HEAVY))}"
    assert "sqlalchemy" not in at_first_show, "SQLAlchemy was imported before the window showed"
    assert "alembic" not in at_first_show
    early = {m for m in ours if m.startswith(("erbm_desk.db", "erbm_desk.services.database.opening", "erbm_desk.ui.records.list_page",
                                                 "erbm_desk.ui.dashboard.dashboard_page", "erbm_desk.ui.records.workspace"))}
    assert not early, f"imported before the window showed: {sorted(early)}"
    marks = [line.split()[0] for line in out.splitlines() if line.startswith("ERBM_DESK_")]
    assert marks == ["ERBM_DESK_SHOWN", "ERBM_DESK_DATA"], out
