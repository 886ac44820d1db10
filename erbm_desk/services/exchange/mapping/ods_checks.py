"""Checks on an OpenDocument spreadsheet (.ods) before a parser sees it, as `file_checks` does for .xlsx: a zip of
plausible size, the OpenDocument spreadsheet type, no encryption, no macros, and every entry inflated once into
a counter so that neither a lying index nor a bomb gets past the limits."""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from pathlib import Path

from erbm_desk.services.exchange.errors import ExcelFileError
from erbm_desk.services.exchange.file_checks import (
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    MAX_RATIO,
    MAX_UNCOMPRESSED_BYTES,
    RATIO_CHECK_FROM,
)

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_CHUNK = 1024 * 1024


def check_ods_file(path: str | Path) -> str:
    """Raise ExcelFileError (French) unless `path` is a plausible, safe .ods; return its SHA-256."""
    path = Path(path)
    if not path.is_file():
        raise ExcelFileError(f"Le fichier « {path} » n'existe pas.")
    size = path.stat().st_size
    if size == 0:
        raise ExcelFileError(f"Le fichier « {path.name} » est vide.")
    if size > MAX_FILE_BYTES:
        raise ExcelFileError(f"Le fichier « {path.name} » est trop volumineux.")
    try:
        with zipfile.ZipFile(path) as zf:
            _check_entries(zf, path.name)
    except zipfile.BadZipFile:
        raise ExcelFileError(f"« {path.name} » n'est pas un classeur OpenDocument (.ods) lisible.") from None
    except (OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
        if isinstance(exc, ExcelFileError):
            raise
        raise ExcelFileError(f"Le classeur « {path.name} » est endommagé : il ne peut pas être lu.") from None
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_entries(zf: zipfile.ZipFile, name: str) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ExcelFileError(f"« {name} » contient trop d'éléments ({len(infos)}) pour un classeur : refusé.")
    names = {i.filename for i in infos}
    if "mimetype" not in names or "content.xml" not in names or zf.read("mimetype").strip() != ODS_MIMETYPE:
        raise ExcelFileError(f"« {name} » n'est pas un classeur OpenDocument (.ods).")
    if any(n.startswith(("Basic/", "Scripts/")) for n in names):
        raise ExcelFileError(f"« {name} » contient des macros : refusé. Enregistrez une copie sans macros.")
    manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    if b"encryption-data" in manifest or any(i.flag_bits & 0x1 for i in infos):
        raise ExcelFileError(f"Le classeur « {name} » est protégé par un mot de passe : refusé.")
    total = 0
    for info in infos:
        if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ExcelFileError(f"« {name} » a un taux de compression anormal : refusé.")
        seen = 0
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                seen += len(chunk)
                total += len(chunk)
                if seen > info.file_size or total > MAX_UNCOMPRESSED_BYTES:
                    raise ExcelFileError(f"« {name} » contient plus de données qu'il n'en déclare : refusé.")
