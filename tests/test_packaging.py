"""The frozen build (packaging/): PyInstaller builds the one-folder app, and its smoke test passes.

Slow — about a minute to build on 2 cores, and it installs PyInstaller into .venv (the `packaging` extra) —
so it runs in CI (`CI` set, as `.ci/run` is run) or when ERBM_DESK_PACKAGING_TEST=1, and is skipped otherwise.
It builds into a temporary folder: a developer's dist/ is never touched. By hand:
`packaging/build.sh && python3 packaging/smoke_test.py`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WANTED = bool(os.environ.get("CI") or os.environ.get("ERBM_DESK_PACKAGING_TEST"))


@pytest.mark.slow
@pytest.mark.skipif(not WANTED, reason="frozen build: set ERBM_DESK_PACKAGING_TEST=1 (always on in CI)")
def test_the_frozen_build_passes_its_smoke_test(tmp_path):
    env = dict(os.environ, ERBM_DIST_DIR=str(tmp_path / "dist"), ERBM_BUILD_DIR=str(tmp_path / "build"))
    build = subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stdout[-5000:] + build.stderr[-5000:]
    print(build.stdout.strip().splitlines()[-1])  # "Build: … Mo, … fichiers, en … s." (shown with -s / -rP)
    smoke = subprocess.run([sys.executable, str(ROOT / "packaging" / "smoke_test.py"),
                            str(tmp_path / "dist" / "erbm-desk")], cwd=ROOT, capture_output=True, text=True,
                           timeout=900)
    assert smoke.returncode == 0, smoke.stdout[-8000:] + smoke.stderr[-3000:]


def test_the_spec_ships_what_the_app_reads_from_disk():
    """Cheap guard for the build: the spec names the folders the app opens by path at run time."""
    spec = (ROOT / "packaging" / "erbm-desk.spec").read_text(encoding="utf-8")
    for needed in ('"seeds"', '"resources"', '"migrations"', 'collect_submodules("erbm_desk")'):
        assert needed in spec
    assert (ROOT / "erbm_desk" / "db" / "migrations" / "env.py").is_file()
