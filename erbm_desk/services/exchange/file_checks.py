"""Every check made on a workbook file before this process's spreadsheet parser sees it, and on its sheets while
they are read.

DESIGN §7: neither openpyxl nor calamine bounds decompression, and calamine may abort the process on absurd
input. `check_workbook_file(path)` refuses, with a French message, in this order:

1. a macro-enabled extension (.xlsm, .xltm, .xlam, .xlsb) — known from the name alone;
2. a missing, empty or oversized file; an Excel 97-2003 (.xls) or password-protected file (an OLE container);
   anything that is not a zip;
3. from the zip index, opened once: too many entries, two entries of the same name, an OpenDocument (.ods) or a
   zip that is no workbook, encrypted entries, abnormal compression ratios, a declared total beyond the limit,
   macro parts;
4. every entry inflated once into a counter, so that a lying index cannot smuggle a bomb past the declared sizes,
   and searched for a DOCTYPE (XML entity declarations: no spreadsheet writes one);
5. macros or ActiveX declared in the content types read during that same pass.

`start_workbook_checks` makes 1–3 at once and 4–5 in a background thread: the import starts the guarded
reading's child process (guarded_reading.py) in between, and parses nothing itself before the verdict.

`limited_rows(rows, sheet)` then bounds rows and columns while a sheet is read (its declared dimension can lie).

Formula text: calamine returns a formula cell's cached value, never the formula; text that merely starts with
« = » is stored as text and neutralised whenever it is written back to a workbook (sheetwriter.py).
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
import zlib
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable, Iterator

from erbm_desk.domain.french import format_int, format_number
from erbm_desk.services.error_messages import reason
from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.services.exchange.uncached_formulas import has_formula

MAX_FILE_BYTES = 100 * 1024 * 1024  # a 250 000-row exchange workbook is about 15 MB
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_RATIO = 200  # sheets of repetitive cells compress 10-30×; a bomb, 1 000×
RATIO_CHECK_FROM = 1024 * 1024  # small entries may have any ratio
MAX_ROWS = 300_000  # ERBM at 10× scale: 250 000 monthly hour rows
MAX_COLUMNS = 200
# A sheet is held whole in memory as a range of rows × columns, empty cells included: 300 000 hour rows of an
# exchange workbook are about 2 million cells; one cell at A1 and one at XFD1048576 claim 17 billion.
MAX_CELLS = 8_000_000
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb")
MACRO_PARTS = ("vbaproject.bin", "xl/macrosheets/", "xl/activex/", "xl/dialogsheets/")
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "ms-office.activex", "macrosheet")
CONTENT_TYPES = "[content_types].xml"
CONTENT_TYPES_KEPT = 4 * 1024 * 1024  # larger content types are not searched for macros (the parts still are)
_CHUNK = 1024 * 1024
# A DOCTYPE is where XML entities are declared (« billion laughs », external files); no spreadsheet program writes
# one, and a cell's text « <!DOCTYPE » is stored escaped. Looked for in every part, while it is inflated anyway.
_DOCTYPE = b"<!doctype"

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


class UnsafeWorkbook(ExcelFileError):
    """The workbook is refused as unsafe (macros, too large a sheet); the message is French."""


def _mb(n: int) -> str:
    return f"{format_number(n / 1024 / 1024)} Mo"


def check_workbook_file(path: str | Path, formula_parts: set[str] | None = None) -> str:
    """Raise ExcelFileError (French) unless `path` is a plausible, safe .xlsx; return its SHA-256. The worksheet
    parts holding formulas are added to `formula_parts` when it is given (see uncached_formulas.py)."""
    return start_workbook_checks(path, formula_parts).result()


def start_workbook_checks(path: str | Path, formula_parts: set[str] | None = None) -> "PendingChecks":
    """Checks 1 to 3 and the macro parts now (a refusal is raised here); the inflation of every entry (4, 5 from
    the content types) and the file's SHA-256 in a background thread, whose verdict `result()` gives.

    This lets the guarded reading's child process (guarded_reading.py: memory- and time-limited, and stopped at
    once on a refusal) open the workbook while its entries are being inflated here; this process's own parser
    waits for `result()`. The index — declared sizes and ratios — is always checked before any parser starts."""
    path = Path(path)
    if path.suffix.lower() in MACRO_SUFFIXES:
        raise UnsafeWorkbook(f"« {path.name} » est un classeur à macros ({path.suffix}) : refusé. Enregistrez-le "
                             "au format « Classeur Excel (.xlsx) » puis importez-le.")
    _check_container(path)
    with _zip_errors_in_french(path):
        with zipfile.ZipFile(path) as zf:
            _check_index(zf, path.name)
            infos = zf.infolist()
    parts = [info.filename.lower() for info in infos]
    _check_macros(path.name, parts, b"")
    return PendingChecks(path, infos, parts, formula_parts)


class PendingChecks:
    """The inflation of a workbook's entries and its SHA-256, running in a thread of its own."""

    def __init__(self, path: Path, infos: list[zipfile.ZipInfo], parts: list[str], formula_parts: set[str] | None):
        self._path = path
        self._stop = threading.Event()
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="erbm-zip-check")
        self._future = pool.submit(self._run, infos, parts, formula_parts)
        pool.shutdown(wait=False)

    def _run(self, infos: list[zipfile.ZipInfo], parts: list[str], formula_parts: set[str] | None) -> str:
        with _zip_errors_in_french(self._path):
            content_types = _inflate_all(self._path, infos, formula_parts, self._stop)
        if self._stop.is_set():  # cut short: not a verdict
            raise ExcelFileError(f"Vérification du classeur « {self._path.name} » interrompue.")
        _check_macros(self._path.name, parts, content_types)
        digest = hashlib.sha256()
        with open(self._path, "rb") as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def result(self) -> str:
        """The file's SHA-256 once every check has passed; else the refusal (ExcelFileError, French)."""
        return self._future.result()

    def cancel(self) -> None:
        """The verdict is no longer wanted: the inflation stops at its next chunk, and this waits for it."""
        self._stop.set()
        try:
            self._future.result()
        except Exception:  # noqa: BLE001 - nobody is waiting for this verdict any more
            pass


@contextmanager
def _zip_errors_in_french(path: Path) -> Iterator[None]:
    try:
        yield
    except zipfile.BadZipFile as exc:  # « Bad CRC-32 for file… »: English, and about zip internals
        raise ExcelFileError(f"Le classeur « {path.name} » est endommagé ({_zip_damage(exc)}) : il ne peut pas être "
                             "lu.") from None
    # zlib.error: a corrupt deflate stream (found by the import fuzzing, tests/fuzz/)
    except (OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
        if isinstance(exc, ExcelFileError):
            raise
        raise ExcelFileError(f"Le classeur « {path.name} » est endommagé ({reason(exc)}) : il ne peut pas être "
                             "lu.") from None


def _zip_damage(exc: zipfile.BadZipFile) -> str:
    text = str(exc).lower()
    if "crc" in text:
        return "une partie du fichier ne correspond plus à sa somme de contrôle"
    if "not a zip" in text or "end of central directory" in text:
        return "ce n'est pas une archive .xlsx complète"
    return "l'archive .xlsx est incohérente"


def _check_container(path: Path) -> None:
    """The file exists, has a plausible size, and is a zip (not an OLE container: .xls, or a password)."""
    if not path.is_file():
        raise ExcelFileError(f"Le fichier « {path} » n'existe pas.")
    size = path.stat().st_size
    if size == 0:
        raise ExcelFileError(f"Le fichier « {path.name} » est vide.")
    if size > MAX_FILE_BYTES:
        raise ExcelFileError(
            f"Le fichier « {path.name} » est trop volumineux ({_mb(size)}, au plus {_mb(MAX_FILE_BYTES)})."
        )
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise ExcelFileError(f"Le fichier « {path.name} » ne peut pas être lu : {reason(exc)}.") from None
    with fh:
        head = fh.read(8)
        if head == _CFB_MAGIC:
            fh.seek(0)
            if _ENCRYPTION_INFO in fh.read(min(size, 4 * 1024 * 1024)):
                raise ExcelFileError(
                    f"Le classeur « {path.name} » est protégé par un mot de passe : enregistrez-en une copie "
                    "sans mot de passe (Fichier > Informations > Protéger le classeur) puis importez-la."
                )
            raise ExcelFileError(
                f"« {path.name} » est au format Excel 97-2003 (.xls) : enregistrez-le au format .xlsx puis "
                "importez-le."
            )
    if not head.startswith(b"PK\x03\x04"):
        raise ExcelFileError(f"« {path.name} » n'est pas un classeur Excel (.xlsx).")


def _check_index(zf: zipfile.ZipFile, name: str) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ExcelFileError(f"« {name} » contient trop d'éléments ({len(infos)}) pour un classeur : refusé.")
    names = {i.filename.lower() for i in infos}
    if len(names) < len(infos):  # two readers may not take the same one: what is checked is not what is read
        raise UnsafeWorkbook(f"« {name} » contient deux éléments du même nom : refusé.")
    if "xl/workbook.xml" not in names or CONTENT_TYPES not in names:
        if "mimetype" in names:
            raise ExcelFileError(
                f"« {name} » est un document OpenDocument (.ods) : enregistrez-le au format Excel (.xlsx) "
                "puis importez-le."
            )
        raise ExcelFileError(f"« {name} » n'est pas un classeur Excel (.xlsx).")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ExcelFileError(f"Le classeur « {name} » est chiffré (protégé par un mot de passe) : refusé.")
        total += info.file_size
        if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ExcelFileError(
                f"« {name} » a un taux de compression anormal ({info.filename}) : il pourrait saturer la mémoire. "
                "Refusé."
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ExcelFileError(
            f"« {name} » décompressé occuperait {_mb(total)} (au plus {_mb(MAX_UNCOMPRESSED_BYTES)}) : refusé."
        )


def _inflate_all(path: Path, infos: list[zipfile.ZipInfo], formula_parts: set[str] | None,
                 stop: threading.Event) -> bytes:
    """Inflate every entry into a counter (an entry larger than it says is refused); return the content types,
    kept on the way (lower-case; empty when too large to search). Worksheets holding a formula are noted on the
    way in `formula_parts`.

    Every entry is held to its declared size and the declared sizes to the limit (`_check_index`), so entries
    inflate apart: two at a time, largest first (zlib works without holding the GIL: a 100 000-row workbook is
    checked in about half the time on two cores). Each entry is read through a zip file of its own (a
    ZipFile's count of open members is not kept for threads). The first refusal, or `stop`, stops the others."""
    infos = sorted(infos, key=lambda info: -info.compress_size)

    def inflate(info: zipfile.ZipInfo) -> tuple[bytes | None, bool]:
        try:
            with zipfile.ZipFile(path) as zf:
                return _inflate(zf, zf.getinfo(info.filename), path.name, stop)
        except BaseException:
            stop.set()
            raise

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="erbm-zip-check") as pool:
        found = list(pool.map(inflate, infos))
    content_types = b""
    for info, (kept, formula) in zip(infos, found):
        part = info.filename.lower()
        if kept is not None:
            content_types = kept
        if formula and formula_parts is not None and part.startswith("xl/worksheets/"):
            formula_parts.add(part)
    return content_types


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
             stop: threading.Event) -> tuple[bytes | None, bool]:
    """(the content types lower-case if this entry is them and small enough to search, else None; whether it
    holds a formula element)."""
    seen = 0
    keep = info.filename.lower() == CONTENT_TYPES and info.file_size <= CONTENT_TYPES_KEPT
    kept: list[bytes] = []
    formula = False
    with zf.open(info) as member:
        tail = b""
        while not stop.is_set() and (chunk := member.read(_CHUNK)):
            # The case-insensitive search runs only on chunks holding a « ! » (rare in a worksheet, and found by
            # memchr: the search itself costs more than inflating), and on the chunk's first bytes with the last
            # ones of the chunk before, for a marker across the boundary, without copying the chunk.
            edge = tail + chunk[:len(_DOCTYPE)]
            if (b"!" in chunk or b"!" in edge) and (_DOCTYPE in edge.lower() or _DOCTYPE in chunk.lower()):
                raise UnsafeWorkbook(f"« {name} » contient des déclarations XML (DOCTYPE, entités) dans "
                                     f"« {info.filename} », ce qu'aucun tableur n'écrit : refusé.")
            seen += len(chunk)
            if seen > info.file_size:
                raise ExcelFileError(f"« {name} » contient plus de données qu'il n'en déclare ({info.filename}) : "
                                     "refusé.")
            if not formula:
                formula = has_formula(chunk) or has_formula(edge)
            tail = chunk[-len(_DOCTYPE):]
            if keep:
                kept.append(chunk)
    return (b"".join(kept).lower() if keep else None), formula


def _check_macros(name: str, parts: list[str], content_types: bytes) -> None:
    if any(part in p for p in parts for part in MACRO_PARTS) or any(
        t.encode() in content_types for t in MACRO_CONTENT_TYPES
    ):
        raise UnsafeWorkbook(f"« {name} » contient des macros ou des contrôles ActiveX : refusé. Enregistrez "
                             "une copie au format « Classeur Excel (.xlsx) » sans macros puis importez-la.")


def sheet_rows_limited(sheet: Any, name: str) -> Iterator[list]:
    """The rows of a sheet calamine has parsed: its range is the data actually read, so when that range is
    within bounds its rows need no check each (a quarter of a million rows at 10× scale); else `limited_rows`."""
    height, width = getattr(sheet, "height", None), getattr(sheet, "width", None)
    if height is not None and width is not None and height <= MAX_ROWS and width <= MAX_COLUMNS:
        return sheet.iter_rows()
    return limited_rows(sheet.iter_rows(), name)


def limited_rows(rows: Iterable[list], sheet: str, max_rows: int = MAX_ROWS,
                 max_columns: int = MAX_COLUMNS) -> Iterator[list]:
    """The rows of a sheet, checked while they are read (a sheet may lie about its dimensions)."""
    for n, row in enumerate(rows, start=1):
        if n > max_rows:
            raise UnsafeWorkbook(f"La feuille « {sheet} » a plus de {format_int(max_rows)} lignes : refusée.")
        if len(row) > max_columns:
            last = max((i for i, c in enumerate(row) if c not in (None, "")), default=-1)
            if last >= max_columns:
                raise UnsafeWorkbook(f"La feuille « {sheet} » a plus de {max_columns} colonnes : refusée.")
            row = row[:max_columns]
        yield row
