"""One writer at a time on an SQLite file.

Opening a database file for writing takes an exclusive OS lock on a sidecar file
`<base>.sqlite.lock` beside it (`flock` on Linux/macOS, `LockFileEx` through `msvcrt.locking` on Windows).
Chosen over a lock file alone because the OS drops the lock when the process dies, even on SIGKILL or a power
cut: no stale lock to clean by hand, no "is it still running?" guess. Over SMB and NFS these byte-range locks
are enforced by the server between PCs. The lock file also holds who has it (user, host, pid, since when) so
the second person is told *who*, and a heartbeat rewritten every 30 s: if a share ever fails to carry the OS
lock, a fresh heartbeat from another PC still marks the file as in use (belt and braces).

Within one process, opening the same file again shares the lock (reference counted): the single-writer
rule is between instances, and SQLite already serialises connections of one process. (Network drives, where a
second rule applies: `network_drive`.)
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from erbm_desk.domain.french import format_datetime

HEARTBEAT_SECONDS = 30.0
STALE_SECONDS = 120.0
_WINDOWS_LOCK_OFFSET = 1 << 30  # Windows locks are mandatory: lock a byte far past the readable info


@dataclass(frozen=True)
class LockHolder:
    """Who has the database open for writing."""

    user: str = ""
    host: str = ""
    pid: int = 0
    since: str = ""  # ISO date-time, local
    heartbeat: float = 0.0

    @classmethod
    def from_json(cls, text: str) -> LockHolder | None:
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or not data.get("host") or data.get("released"):
            return None
        return cls(str(data.get("user", "")), str(data["host"]), int(data.get("pid", 0) or 0),
                   str(data.get("since", "")), float(data.get("heartbeat", 0) or 0))

    def describe(self) -> str:
        """« Marie sur PC-ACCUEIL depuis le 21/11/2026 à 14:02 » (as much as is known)."""
        if not self.host:
            return "une autre instance d'ERBM Desk"
        who = f"{self.user} sur {self.host}" if self.user else f"le poste {self.host}"
        try:
            since = datetime.fromisoformat(self.since)
            who += f" depuis le {format_datetime(since)}"
        except ValueError:
            pass
        return who

    def is_fresh(self, now: float | None = None) -> bool:
        return (now or time.time()) - self.heartbeat < STALE_SECONDS


class LockHeldError(RuntimeError):
    """Another instance has the file open for writing; `holder` says who."""

    def __init__(self, path: Path, holder: LockHolder):
        super().__init__(
            f"La base « {path.name} » est déjà ouverte en écriture par {holder.describe()}. "
            "Vous pouvez l'ouvrir en lecture seule (consultation, exports) ou attendre qu'elle soit fermée."
        )
        self.path = path
        self.holder = holder


def lock_file_for(db_path: str | os.PathLike) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


def _me() -> dict:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (service account, container)
        user = ""
    return {"user": user, "host": socket.gethostname(), "pid": os.getpid()}


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return True  # same-PC exclusion on Windows rests on the OS lock alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _os_lock(fd: int) -> bool | None:
    """True: locked; False: someone else holds it; None: this filesystem cannot lock (heartbeat only)."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except (BlockingIOError, PermissionError):
        return False
    except OSError as exc:
        import errno

        if exc.errno in (errno.EAGAIN, errno.EACCES, getattr(errno, "EDEADLK", -1)):
            return False
        return None  # ENOLCK, EOPNOTSUPP…: no OS locks here


def _os_unlock(fd: int) -> None:
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass


def _read_info(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
        if sum(map(len, chunks)) > 1 << 16:
            break
    return b"".join(chunks).decode("utf-8", "replace")


def _write_info(fd: int, info: dict) -> None:
    data = json.dumps(info, ensure_ascii=False).encode("utf-8")
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, data)
    try:
        os.fsync(fd)  # visible to the other PCs of a share
    except OSError:
        pass


class DatabaseLock:
    """The write lock of one database file, held by this process until `release()`."""

    def __init__(self, db_path: Path, fd: int, info: dict):
        self.db_path = db_path
        self.path = lock_file_for(db_path)
        self._fd = fd
        self._info = info
        self._stop = threading.Event()
        self._write_lock = threading.Lock()
        self._thread = threading.Thread(target=self._beat, name=f"erbm-lock-{db_path.name}", daemon=True)
        self._thread.start()

    @property
    def holder(self) -> LockHolder:
        return LockHolder.from_json(json.dumps(self._info)) or LockHolder()

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            self.refresh()

    def refresh(self) -> None:
        with self._write_lock:
            if self._fd < 0:
                return
            self._info["heartbeat"] = time.time()
            try:
                _write_info(self._fd, self._info)
            except OSError:
                pass  # a share that went away for a moment: the OS lock still stands

    def release(self) -> None:
        self._stop.set()
        with self._write_lock:
            if self._fd < 0:
                return
            try:
                _write_info(self._fd, {"released": True})
            except OSError:
                pass
            _os_unlock(self._fd)
            os.close(self._fd)
            self._fd = -1


_held: dict[str, list] = {}  # resolved db path -> [DatabaseLock, reference count]
_held_guard = threading.Lock()


def _key(db_path: Path) -> str:
    return os.path.normcase(str(Path(db_path).resolve()))


def acquire_lock(db_path: str | os.PathLike) -> DatabaseLock:
    """Take the write lock of a database file, or raise LockHeldError naming who has it.

    OSError (folder not writable…) is left to the caller, which then opens the file read-only."""
    db_path = Path(db_path).resolve()
    key = _key(db_path)
    with _held_guard:
        if key in _held:
            _held[key][1] += 1
            return _held[key][0]
        fd = os.open(lock_file_for(db_path), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            got = _os_lock(fd)
            previous = LockHolder.from_json(_read_info(fd))
            if got is False:
                raise LockHeldError(db_path, previous or LockHolder())
            me = _me()
            if previous is not None and previous.is_fresh():
                # The OS lock is ours, yet another PC's heartbeat is fresh: this share does not carry locks.
                # On this PC the OS lock is trusted (its holder would still have it), unless the filesystem
                # has no locks at all: then a live process of this PC counts too.
                other_pc = previous.host != me["host"]
                live_here = got is None and previous.pid != me["pid"] and _pid_alive(previous.pid)
                if other_pc or live_here:
                    if got:
                        _os_unlock(fd)
                    raise LockHeldError(db_path, previous)
            info = {**me, "since": datetime.now().isoformat(timespec="seconds"), "heartbeat": time.time(),
                    "app": "ERBM Desk"}
            _write_info(fd, info)
        except BaseException:
            os.close(fd)
            raise
        lock = DatabaseLock(db_path, fd, info)
        _held[key] = [lock, 1]
        return lock


def release_lock(lock: DatabaseLock) -> None:
    """Drop one reference to the lock; the last one unlocks the file."""
    key = _key(lock.db_path)
    with _held_guard:
        entry = _held.get(key)
        if entry is None or entry[0] is not lock:
            lock.release()
            return
        entry[1] -= 1
        if entry[1] <= 0:
            del _held[key]
            lock.release()


def lock_holder(db_path: str | os.PathLike) -> LockHolder | None:
    """Who holds the write lock of this file now (None: nobody, or this very process)."""
    db_path = Path(db_path).resolve()
    with _held_guard:
        if _key(db_path) in _held:
            return None
    try:
        lock = acquire_lock(db_path)
    except LockHeldError as exc:
        return exc.holder
    except OSError:
        return None
    release_lock(lock)
    return None
