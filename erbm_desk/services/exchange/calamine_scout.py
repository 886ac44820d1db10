"""The child process of guarded reading (guarded_reading.py): reads a workbook with python-calamine exactly as the
app is about to, under a memory limit, and says on its standard output how far it got.

    python -P calamine_scout.py FICHIER LIGNES_MAX COLONNES_MAX

Lines written: `ouvert` once the workbook is open (workbook part, shared strings, styles), then `feuille N H W`
once the N-th sheet (0-based, in the workbook's order) has been parsed into a range of H rows and W columns and
its rows converted, then `fin`. An error
python-calamine raises as a Python exception is not this process's business (the app gets the same one and words
it in French): the step is reported as done. A crash (a Rust panic, an allocation of hundreds of gigabytes for a
sheet that claims A1:XFD1048576) ends the process before the step is reported — which is the point.

Run as a script: it imports nothing of the app, so that it starts in a few tens of milliseconds.
"""

from __future__ import annotations

import sys

MEMORY_LIMIT = 4 * 1024 ** 3  # address space; a real exchange workbook needs a few hundred megabytes
EXIT_MEMORY = 3


def _limit_memory(limit: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no address-space limit, the crash is still contained in this process
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _read_rows(sheet, max_rows: int, max_columns: int) -> None:
    """Convert the rows the app would read: up to one past the row limit, and stop where it would refuse."""
    if sheet.start is None:
        return
    for n, row in enumerate(sheet.iter_rows(), start=1):
        if n > max_rows:
            return
        if len(row) > max_columns and any(c not in (None, "") for c in row[max_columns:]):
            return


def scout(path: str, max_rows: int, max_columns: int) -> int:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(path)
        names = wb.sheet_names
    except MemoryError:
        return EXIT_MEMORY
    except Exception:  # noqa: BLE001 - the app's own opening raises it again, and says it in French
        _say("ouvert")
        _say("fin")
        return 0
    _say("ouvert")
    for index, name in enumerate(names):
        height = width = 0
        try:
            sheet = wb.get_sheet_by_name(name)
            height, width = sheet.height, sheet.width
            _read_rows(sheet, max_rows, max_columns)
        except MemoryError:
            return EXIT_MEMORY
        except Exception:  # noqa: BLE001 - same as above: an exception is not a crash
            pass
        _say(f"feuille {index} {height} {width}")
    _say("fin")
    return 0


def main(argv: list[str]) -> int:
    path, max_rows, max_columns = argv[0], int(argv[1]), int(argv[2])
    _limit_memory(MEMORY_LIMIT)
    return scout(path, max_rows, max_columns)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
