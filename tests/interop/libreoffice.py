"""Driving LibreOffice headless from the tests: one private user profile per test run (no lock conflict with
another LibreOffice), conversions to CSV (every sheet) and to xlsx (a file re-saved by LibreOffice)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Text CSV export: comma, double quote, UTF-8, line 1, -, language, no quoting of all text, -, cells as shown,
# no formulas, no space trimming, every sheet (-1: one file per sheet, LibreOffice ≥ 7.2).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
XLSX_FILTER = "xlsx:Calc MS Excel 2007 XML"
TIMEOUT = 180


class LibreOffice:
    def __init__(self, profile: Path):
        self.profile = profile

    def convert(self, source: Path, target_filter: str, outdir: Path) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        before = set(outdir.iterdir())
        result = subprocess.run(
            [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={self.profile.as_uri()}",
             "--convert-to", target_filter, "--outdir", str(outdir), str(source)],
            capture_output=True, text=True, timeout=TIMEOUT,
        )
        made = sorted(set(outdir.iterdir()) - before)
        if result.returncode != 0 or not made:
            raise AssertionError(f"LibreOffice a échoué ({result.returncode}) : {result.stdout} {result.stderr}")
        return made

    def to_csv(self, source: Path, outdir: Path) -> dict[str, list[list[str]]]:
        """Every sheet of `source` as LibreOffice shows it, by sheet name."""
        sheets = {}
        for path in self.convert(source, CSV_FILTER, outdir):
            name = path.stem[len(source.stem) + 1:]
            with open(path, newline="", encoding="utf-8") as fh:
                sheets[name] = list(csv.reader(fh))
        return sheets

    def resave(self, source: Path, outdir: Path) -> Path:
        """`source` opened and saved again by LibreOffice as .xlsx."""
        [made] = self.convert(source, XLSX_FILTER, outdir)
        return made


@pytest.fixture(scope="session")
def libreoffice():
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé : scripts/system-deps.sh --tests l'installe")
    profile = Path(tempfile.mkdtemp(prefix="erbm-lo-profile-"))
    yield LibreOffice(profile)
    shutil.rmtree(profile, ignore_errors=True)
