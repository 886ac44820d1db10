"""Reading an untrusted workbook where a crash of the reader cannot take the app down.

python-calamine may end the whole process (a Rust panic on mutated XML, or an allocation failure for a sheet that
claims the dimension A1:XFD1048576: SIGABRT), which no `except` catches: the window would vanish, the CLI die
without a word. So a child process (the « scout », calamine_scout.py, under a memory limit and a time limit) reads
the file first: this process opens the workbook only once the scout has opened it, and parses no sheet at all —
the scout hands over each sheet's rows as it read them (`ScoutedSheet`), with calamine's own errors. If the scout
dies, or takes too long, the file is « illisible » (ExcelFileError, French) and this process never touches the
step that killed it.

The scout runs ahead: it hands a sheet's rows in chunks as it converts them, and the app checks the first chunk
while the scout converts the next ones, then parses the next sheet. Each sheet is parsed once, in the child (it
was parsed twice, by the child and then here, until the rows were handed over: a tenth of the import's wall time
on two cores, bench/bench_excel.py).
"""

from __future__ import annotations

import builtins
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import python_calamine

from erbm_desk.services.exchange import calamine_scout
from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.domain.french import format_count, format_int
from erbm_desk.services.exchange.file_checks import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, UnsafeWorkbook

READ_TIME_LIMIT = 180.0  # seconds for the whole workbook; a 250 000-row exchange workbook takes a few seconds
FROZEN_FLAG = "--erbm-desk-lecture-protegee"  # packaging/launcher.py runs the scout when called with it
_STDERR_KEPT = 8192


def scout_command(path: Path) -> list[str]:
    """How to start the scout: the script with this Python (-P: the script's folder is not put on sys.path), or
    the frozen application itself with a flag its launcher knows."""
    args = [str(path), str(MAX_ROWS), str(MAX_COLUMNS), str(MAX_CELLS)]
    if getattr(sys, "frozen", False):
        return [sys.executable, FROZEN_FLAG, *args]
    return [sys.executable, "-P", calamine_scout.__file__, *args]


class Scout:
    """The child process reading `path` ahead of this one; `wait(step)` returns once it has survived that step."""

    def __init__(self, path: Path, time_limit: float = READ_TIME_LIMIT):
        self.name = path.name
        self.deadline = time.monotonic() + time_limit
        self.time_limit = time_limit
        self.opened = False
        self.sheets_read = -1  # index of the last sheet read
        self.rows: dict[int, list[bytes | None]] = {}  # each sheet's pickled chunks of rows (None once taken)
        self.begun: dict[int, tuple[int, int, dict]] = {}  # (height, width, start/merged) of each sheet parsed
        self.sheets: dict[int, tuple[int, int, dict]] = {}  # (height, width, start/merged/error) of each
        self.finished = False
        self.returncode: int | None = None
        self.stopped = False
        self.stderr = ""
        self._cond = threading.Condition()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONSTARTUP")}
        env["RUST_BACKTRACE"] = "0"
        kwargs: dict[str, Any] = {}
        if os.name == "nt":
            kwargs["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            self.proc = subprocess.Popen(scout_command(path), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, env=env, **kwargs)
        except OSError as exc:
            raise ExcelFileError(f"La lecture protégée du classeur « {self.name} » n'a pas pu démarrer "
                                 f"({exc.strerror or type(exc).__name__}) : rien n'a été lu.") from None
        self._listener = threading.Thread(target=self._listen, name="erbm-xlsx-scout", daemon=True)
        self._listener.start()

    def _listen(self) -> None:
        try:
            self._read_messages(self.proc.stdout)
        except (OSError, ValueError, IndexError, EOFError, pickle.UnpicklingError):  # the child died mid-message
            self._kill()
        code = self.proc.wait()
        err = self.proc.stderr.read(_STDERR_KEPT).decode("utf-8", "replace") if self.proc.stderr else ""
        with self._cond:
            self.returncode = code
            self.stderr = err
            self._cond.notify_all()

    def _read_messages(self, out) -> None:
        while raw := out.readline():
            words = raw.decode("utf-8", "replace").split()
            size = int(words[-1]) if words[0] in ("debut", "lignes", "feuille") else 0
            payload = out.read(size) if size else b""
            if len(payload) < size:
                raise EOFError
            with self._cond:
                if words == ["ouvert"]:
                    self.opened = True
                elif words[0] == "lignes":  # kept pickled: unpickled as the app reads them (ScoutedSheet)
                    self.rows.setdefault(int(words[1]), []).append(payload)
                elif words[0] in ("debut", "feuille"):
                    index = int(words[1])
                    # A pickle written by the scout script from calamine's plain values: it runs no code of the
                    # file's, and a crash ends it before a step is reported, so what is read here is its own.
                    found = (int(words[2]), int(words[3]), pickle.loads(payload))
                    if words[0] == "debut":
                        self.begun[index] = found
                    else:
                        self.sheets[index] = found
                        self.sheets_read = index
                elif words == ["fin"]:
                    self.finished = True
                self._cond.notify_all()

    def wait_open(self) -> None:
        self._wait(lambda: self.opened or self.finished)

    def wait_sheet(self, index: int) -> tuple[int, int, dict] | None:
        """(height, width, start/merged[/error]) of the sheet once the scout has parsed it, or None if it ended
        without a word on it (its opening failed: `fin` early)."""
        self._wait(lambda: self.finished or self.sheets_read >= index or index in self.begun)
        with self._cond:
            return self.sheets.get(index) or self.begun.get(index)

    def chunk(self, index: int, i: int) -> bytes | None:
        """The i-th chunk of rows of a sheet once the scout has sent it; None when the sheet has no more."""
        def there() -> bool:
            return self.finished or index in self.sheets or len(self.rows.get(index, ())) > i
        self._wait(there)
        with self._cond:
            chunks = self.rows.get(index, ())
            if len(chunks) <= i:
                return None
            data, chunks[i] = chunks[i], None  # taken once: its memory goes as soon as it is read
        if data is None:
            raise RuntimeError("the rows of a scouted sheet are read once")
        return data

    def sheet_error(self, index: int) -> tuple[str, str, str] | None:
        """What calamine raised while the scout read the sheet's rows (once `chunk` has said there are no more)."""
        with self._cond:
            return self.sheets.get(index, (0, 0, {}))[2].get("error")

    def _wait(self, reached: Callable[[], bool]) -> None:
        with self._cond:
            while not reached():
                if self.stopped:
                    raise ExcelFileError(f"Lecture du classeur « {self.name} » interrompue.")
                if self.returncode is not None:
                    raise ExcelFileError(self._crash_message())
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    self._kill()
                    minutes = max(1, round(self.time_limit / 60))
                    raise ExcelFileError(f"Le fichier « {self.name} » est illisible : sa lecture dépasse "
                                         f"{format_count(minutes, 'minute')}. Rien n'a été importé.")
                self._cond.wait(min(remaining, 0.5))

    def _crash_message(self) -> str:
        memory = self.returncode == calamine_scout.EXIT_MEMORY or "memory allocation" in self.stderr
        why = ("il demanderait une mémoire démesurée (une feuille annonce des dimensions absurdes)" if memory
               else "le lecteur de classeurs s'est arrêté net en le lisant (contenu XML invalide)")
        return (f"Le fichier « {self.name} » est illisible : {why}. Rien n'a été importé ; ouvrez-le dans Excel "
                "ou LibreOffice et enregistrez-le de nouveau au format .xlsx.")

    def _kill(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except OSError:
                pass

    def stop(self) -> None:
        """No more steps are needed (or the reading is abandoned): the child ends now, and whoever waits is told."""
        with self._cond:
            self.stopped = not self.finished
            self._cond.notify_all()
        self._kill()
        self._listener.join(timeout=5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


class GuardedWorkbook:
    """A CalamineWorkbook whose sheets are parsed here only once the scout has survived parsing them."""

    def __init__(self, wb: Any, scout: Scout):
        self._wb = wb
        self._scout = scout
        self._index = {name: i for i, name in enumerate(wb.sheet_names)}

    @property
    def sheet_names(self) -> list[str]:
        return self._wb.sheet_names

    def get_sheet_by_name(self, name: str) -> Any:
        if name not in self._index:
            return self._wb.get_sheet_by_name(name)  # calamine's own refusal (no such sheet)
        index = self._index[name]
        found = self._scout.wait_sheet(index)
        if found is None:  # the scout ended without a word on this sheet (`fin` early)
            return self._wb.get_sheet_by_name(name)
        height, width, info = found
        cells = height * width
        if cells > MAX_CELLS:  # the range is made whole in memory: a few cells may claim gigabytes
            raise UnsafeWorkbook(f"La feuille « {name} » s'étend sur {format_int(cells)} cellules (au plus "
                                 f"{format_int(MAX_CELLS)}) : refusée. Supprimez les lignes et colonnes vides "
                                 "au-delà des données, puis enregistrez de nouveau.")
        error = info.get("error")
        if error is not None and error[0] == "sheet":
            raise _raised(error)
        return ScoutedSheet(height, width, info["start"], info["merged"], self._scout, index)

    def interrupt(self) -> None:
        """Abandon the reading: a sheet still waited for raises ExcelFileError at once."""
        self._scout.stop()

    def close(self) -> None:
        self._scout.stop()
        self._wb.close()


class ScoutedSheet:
    """A sheet as the scout read it, with what the app reads of a CalamineSheet: its range, merged cells and
    rows (unpickled chunk by chunk as they are asked for, waiting for the scout to send them; the scout's error,
    if any, where it met it). Its rows are read once."""

    def __init__(self, height: int, width: int, start: tuple[int, int] | None, merged: Any, scout: Scout,
                 index: int):
        self.height, self.width, self.start, self.merged_cell_ranges = height, width, start, merged
        self._scout = scout
        self._index = index

    def iter_rows(self) -> Iterator[list]:
        i = 0
        while (chunk := self._scout.chunk(self._index, i)) is not None:
            yield from pickle.loads(chunk)
            i += 1
        error = self._scout.sheet_error(self._index)
        if error is not None:
            raise _raised(error)


def _raised(error: tuple[str, str, str]) -> Exception:
    """The exception the scout met, as calamine would have raised it here (its own types, or a built-in one)."""
    _stage, kind, text = error
    found = getattr(python_calamine, kind, None) or getattr(builtins, kind, None)
    if isinstance(found, type) and issubclass(found, Exception):
        try:
            return found(text)
        except TypeError:  # a type built from more than a text (UnicodeDecodeError…)
            pass
    return python_calamine.CalamineError(text)


def open_guarded(path: str | Path, open_workbook: Callable[[Path], Any], time_limit: float = READ_TIME_LIMIT,
                 ready: Callable[[], Any] | None = None) -> GuardedWorkbook:
    """`open_workbook(path)` (the reader's own opening, with its French refusals) once the scout has opened the
    file without dying, and once `ready()` (the file checks still running, file_checks.PendingChecks) has
    returned: the scout starts first, so that its opening overlaps them. The workbook's sheets then wait for
    the scout too."""
    path = Path(path)
    scout = Scout(path, time_limit)
    try:
        if ready is not None:
            ready()  # a refusal here stops the scout, whatever it has read
        scout.wait_open()
        wb = open_workbook(path)
    except BaseException:
        scout.stop()
        raise
    return GuardedWorkbook(wb, scout)
