"""Checks made on a file before any spreadsheet parser sees it (DESIGN §7: neither openpyxl nor calamine bounds
decompression). The zip index is read first (entry count, declared sizes and ratios), then every entry is
inflated once into a counter, so that a lying index cannot smuggle a bomb past the declared sizes."""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from pathlib import Path

from erbm_desk.services.exchange.errors import ExcelFileError

MAX_FILE_BYTES = 100 * 1024 * 1024  # a 250 000-row exchange workbook is about 15 MB
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_RATIO = 200  # sheets of repetitive cells compress 10-30×; a bomb, 1 000×
RATIO_CHECK_FROM = 1024 * 1024  # small entries may have any ratio
_CHUNK = 1024 * 1024

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} Mo".replace(".", ",")


def check_workbook_file(path: str | Path) -> str:
    """Raise ExcelFileError (French) unless `path` is a plausible, safe .xlsx; return its SHA-256."""
    path = Path(path)
    if not path.is_file():
        raise ExcelFileError(f"Le fichier « {path} » n'existe pas.")
    size = path.stat().st_size
    if size == 0:
        raise ExcelFileError(f"Le fichier « {path.name} » est vide.")
    if size > MAX_FILE_BYTES:
        raise ExcelFileError(
            f"Le fichier « {path.name} » est trop volumineux ({_mb(size)}, au plus {_mb(MAX_FILE_BYTES)})."
        )
    with open(path, "rb") as fh:
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
    try:
        with zipfile.ZipFile(path) as zf:
            _check_index(zf, path.name)
            _inflate_all(zf, path.name)
    except zipfile.BadZipFile as exc:
        raise ExcelFileError(f"Le classeur « {path.name} » est endommagé ({exc}) : il ne peut pas être lu.") from None
    # zlib.error (a corrupt deflate stream) was found by the import fuzzing of issue 7 (tests/fuzz/)
    except (OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
        if isinstance(exc, ExcelFileError):
            raise
        raise ExcelFileError(f"Le classeur « {path.name} » est endommagé ({exc}) : il ne peut pas être lu.") from None
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_index(zf: zipfile.ZipFile, name: str) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ExcelFileError(f"« {name} » contient trop d'éléments ({len(infos)}) pour un classeur : refusé.")
    names = {i.filename.lower() for i in infos}
    if "xl/workbook.xml" not in names or "[content_types].xml" not in names:
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


def _inflate_all(zf: zipfile.ZipFile, name: str) -> None:
    """Inflate every entry into a counter: an entry larger than it says, or than the limits, is refused."""
    total = 0
    for info in zf.infolist():
        seen = 0
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                seen += len(chunk)
                total += len(chunk)
                if seen > info.file_size or total > MAX_UNCOMPRESSED_BYTES:
                    raise ExcelFileError(
                        f"« {name} » contient plus de données qu'il n'en déclare ({info.filename}) : refusé."
                    )
