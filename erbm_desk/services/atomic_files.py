"""Files the app writes (exports, bilans, backups) appear whole or not at all."""

from __future__ import annotations

import os
import re
import socket
import stat
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# Key material (the key file of an encrypted database, `<base>.sqlite.cle`, and its copies beside backups) stays
# readable by its owner only, as it was when every file kept mkstemp's 0600.
KEY_FILE_SUFFIX = ".cle"
PRIVATE_SUFFIXES = (KEY_FILE_SUFFIX,)
_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process' umask, read without changing it where the system tells it (Linux), else by setting it back
    at once under a lock."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def final_mode(target: Path, mode: int | None = None) -> int:
    """The permissions `target` gets: `mode` if given; else those of the file it replaces; else owner-only for
    key material; else what a plain `open(target, "w")` would give (0666 minus the umask)."""
    if mode is not None:
        return mode
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        pass
    if target.name.endswith(PRIVATE_SUFFIXES):
        return 0o600
    return 0o666 & ~current_umask()


# A file being written is named `.<final name>.<host>-<pid>.<random>.part` (its SQLite journal, if any, adds
# « -journal »): whoever finds one can tell whether its writer is still alive (`left_behind`).
PART_SUFFIX = ".part"
WRITER = f"{re.sub(r'[^A-Za-z0-9-]', '', socket.gethostname())[:24] or 'poste'}-{os.getpid()}"
_PART = re.compile(r"^\..+\.(?P<host>[A-Za-z0-9-]*)-(?P<pid>\d+)\.[^.]+\.part(?:-journal|-wal|-shm)?$")
ABANDONED_AFTER = 3600.0  # seconds: a file of another PC (or an older name) is left alone until then


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, not ours (PermissionError), or a platform that cannot tell
        return True
    return True


def left_behind(folder: Path, now: float | None = None) -> list[Path]:
    """Temporary files of `atomic_path` in `folder` whose writer is gone: a process of this PC that no longer runs,
    or any file untouched for an hour. They are never a finished file (they have not been renamed)."""
    now = time.time() if now is None else now
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    host = WRITER.rsplit("-", 1)[0]
    for path in entries:
        if not path.name.startswith(".") or PART_SUFFIX not in path.name:
            continue
        m = _PART.match(path.name)
        try:
            old = now - path.stat().st_mtime > ABANDONED_AFTER
        except OSError:
            continue
        if old or (m is not None and m["host"] == host and not _alive(int(m["pid"]))):
            found.append(path)
    return found


def remove_left_behind(folder: Path) -> list[Path]:
    """Delete what `left_behind` finds; the paths removed."""
    removed = []
    for path in left_behind(folder):
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


@contextmanager
def atomic_path(target: str | os.PathLike, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `target`; when the block succeeds, fsync it and rename it over `target`.

    A crash, a full disk or an exception leaves the previous file (or none) in place, never a truncated one.
    The temporary file is created private (mkstemp: 0600) while it is written; the final file gets
    `final_mode(target, mode)`: a bilan or an exported chart is readable like any file the user saves, and a
    file written over keeps its permissions.
    """
    target = Path(target)
    permissions = final_mode(target, mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{WRITER}.", suffix=PART_SUFFIX, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp_path, permissions)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
