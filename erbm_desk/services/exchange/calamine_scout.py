"""The child process of guarded reading (guarded_reading.py): reads a workbook with python-calamine under a
memory limit, says on its standard output how far it got, and hands the app the rows it read — so that the app
never runs calamine's parsing of an untrusted sheet itself.

    python -P calamine_scout.py FICHIER LIGNES_MAX COLONNES_MAX CELLULES_MAX

Written, each as a line: `ouvert` once the workbook is open (workbook part, shared strings, styles); for each
sheet in the workbook's order, `debut N H W OCTETS` followed by that many bytes (a pickled dict: `start`, `merged`)
once the N-th sheet (0-based) has been parsed into a range of H rows and W columns, then zero or more
`lignes N OCTETS` each followed by a pickled list of its rows as `iter_rows` converts them — sent as they are
converted, for the app to check them meanwhile —, then `feuille N H W OCTETS` followed by a pickled dict (`start`,
`merged`, `error`) once its rows are read (or its parsing failed: no `debut` then); then `fin`. Rows stop where
the app would stop reading them: one past the row limit, or at a row wider than the column limit; a sheet of more
than CELLULES_MAX cells hands no rows (the app refuses it by its size). The next sheet is parsed meanwhile, in a
thread (`_parse_ahead`).

An error python-calamine raises as a Python exception is handed over too (`error`: where, its type's name, its
text), for the app to word it in French as if it had met it itself. A crash (a Rust panic, an allocation of
hundreds of gigabytes for a sheet that claims A1:XFD1048576) ends the process before the step is reported — which
is the point.

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


CHUNK_ROWS = 5000  # rows per `lignes` message: the app unpickles them as it checks them


def _say(text: str, payload: bytes | None = None) -> None:
    out = sys.stdout.buffer
    out.write(text.encode("utf-8") + b"\n")
    if payload is not None:
        out.write(payload)
    out.flush()


def _hand_rows(index: int, sheet, max_rows: int, max_columns: int) -> None:
    """The rows the app would read, in pickled chunks: up to one past the row limit, and up to the first row
    wider than the column limit with a value beyond it (where the app refuses the sheet)."""
    import pickle

    def hand(chunk: list) -> None:
        data = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
        _say(f"lignes {index} {len(data)}", data)

    chunk: list = []
    try:
        for n, row in enumerate(sheet.iter_rows(), start=1):
            chunk.append(row)
            if n > max_rows or (len(row) > max_columns and any(c not in (None, "") for c in row[max_columns:])):
                break
            if len(chunk) == CHUNK_ROWS:
                hand(chunk)
                chunk = []
    except MemoryError:
        raise
    except Exception:  # the rows before a cell calamine cannot convert, as the app would have read them
        if chunk:
            hand(chunk)
        raise
    if chunk:
        hand(chunk)


def _parse_ahead(wb, names: list[str]):
    """Each sheet parsed in a thread while the rows of the one before are converted and sent: calamine's parsing
    lets go of the GIL. One sheet ahead only (a parsed sheet holds its cells in memory). Yields (sheet, None) or
    (None, the exception calamine raised)."""
    from concurrent.futures import ThreadPoolExecutor

    def parse(name: str):
        try:
            return wb.get_sheet_by_name(name), None
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - handed to the app with the sheet's step
            return None, exc

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(parse, names[0]) if names else None
        for i in range(len(names)):
            found = future.result()  # MemoryError raised again here
            future = pool.submit(parse, names[i + 1]) if i + 1 < len(names) else None
            yield found
            found = None  # the sheet handed is let go before waiting for the next one


def scout(path: str, max_rows: int, max_columns: int, max_cells: int) -> int:
    import pickle

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
    sheets = _parse_ahead(wb, names)
    for index in range(len(names)):
        height = width = 0
        info: dict = {"start": None, "merged": None, "error": None}
        stage = "sheet"
        try:
            sheet, failed = next(sheets)
            if failed is not None:
                raise failed
            height, width = sheet.height, sheet.width
            info["start"], info["merged"] = sheet.start, sheet.merged_cell_ranges
            stage = "rows"
            begun = pickle.dumps({"start": info["start"], "merged": info["merged"]}, protocol=pickle.HIGHEST_PROTOCOL)
            _say(f"debut {index} {height} {width} {len(begun)}", begun)
            if sheet.start is not None and height * width <= max_cells:
                _hand_rows(index, sheet, max_rows, max_columns)
        except MemoryError:
            return EXIT_MEMORY
        except Exception as exc:  # noqa: BLE001 - not a crash: handed to the app, which words it in French
            info["error"] = (stage, type(exc).__name__, str(exc))
        sheet = None  # its cells go now: at most this sheet and the next one are held at once
        data = pickle.dumps(info, protocol=pickle.HIGHEST_PROTOCOL)
        _say(f"feuille {index} {height} {width} {len(data)}", data)
    _say("fin")
    return 0


def main(argv: list[str]) -> int:
    path, max_rows, max_columns, max_cells = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    _limit_memory(MEMORY_LIMIT)
    return scout(path, max_rows, max_columns, max_cells)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
