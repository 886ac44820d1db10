"""Is a database file on a network drive? Then SQLite cannot be trusted with WAL (it needs memory shared between
the processes, which PCs do not share): the opening pipeline opens such a file with a rollback journal and warns.

`network_filesystem(path)` names the network filesystem a path is on (UNC path or mapped drive on Windows;
nfs/cifs/smb/sshfs… in /proc/mounts on Linux; `mount` on macOS), or returns None.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NETWORK_FS_TYPES = {
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "fuse.sshfs", "afs", "ncpfs", "coda",
    "9p", "ceph", "glusterfs", "fuse.glusterfs", "lustre", "gpfs", "davfs", "fuse.davfs2", "fuse.rclone",
    "webdav", "afpfs", "fuse.s3fs", "osxfuse", "macfuse",
}


def _unescape_mount(field: str) -> str:
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def _fs_type_linux(path: Path, mounts: str) -> str | None:
    best, best_type = "", None
    target = str(path)
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point, fs_type = _unescape_mount(parts[1]), parts[2]
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fs_type
    return best_type


def _fs_type_macos(path: Path, mounts: str) -> str | None:
    # "//user@server/share on /Volumes/share (smbfs, nodev, nosuid, mounted by user)"
    best, best_type = "", None
    for line in mounts.splitlines():
        if " on " not in line or "(" not in line:
            continue
        mount_point = line.split(" on ", 1)[1].rsplit(" (", 1)[0]
        fs_type = line.rsplit(" (", 1)[1].split(",")[0].strip(" )")
        target = str(path)
        if (target == mount_point or target.startswith(mount_point.rstrip("/") + "/")) and len(mount_point) >= len(best):
            best, best_type = mount_point, fs_type
    return best_type


def _windows_network(path: str) -> str | None:
    if path.startswith(("\\\\", "//")):
        return "partage réseau (chemin UNC)"
    drive = os.path.splitdrive(path)[0]
    if len(drive) == 2 and drive[1] == ":":
        try:
            import ctypes

            if ctypes.windll.kernel32.GetDriveTypeW(f"{drive}\\") == 4:  # DRIVE_REMOTE
                return f"lecteur réseau {drive.upper()}"
        except Exception:  # noqa: BLE001 - not on Windows, or no kernel32
            return None
    return None


def network_filesystem(path: str | os.PathLike, *, mounts: str | None = None, platform: str | None = None) -> str | None:
    """The network filesystem `path` (a file or folder, existing or not) is on, or None if local or unknown.

    `mounts` and `platform` let tests give a mount table instead of reading the machine's."""
    platform = platform or sys.platform
    raw = os.fspath(path)
    if platform == "win32":
        return _windows_network(raw)
    path = Path(raw)
    try:
        path = path.resolve()
    except OSError:
        pass
    try:
        if platform.startswith("linux"):
            if mounts is None:
                mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
            fs_type = _fs_type_linux(path, mounts)
        elif platform == "darwin" or "bsd" in platform:
            if mounts is None:
                mounts = subprocess.run(["mount"], capture_output=True, text=True, timeout=5).stdout
            fs_type = _fs_type_macos(path, mounts)
        else:
            return None
    except (OSError, subprocess.SubprocessError):
        return None
    if fs_type and (fs_type.lower() in NETWORK_FS_TYPES or fs_type.lower().startswith(("nfs", "smb", "cifs"))):
        return fs_type
    return None


def network_warning(path: str | os.PathLike, fs: str) -> str:
    return (
        f"La base « {Path(path).name} » est sur un lecteur réseau ({fs}). SQLite n'y garantit pas le "
        "verrouillage entre postes : ERBM Desk l'ouvre sans journal WAL (plus lent, plus sûr) et un seul poste "
        "doit l'ouvrir à la fois. Pour travailler à plusieurs, utilisez le mode partagé PostgreSQL "
        "(--db postgresql://serveur/base, voir le README)."
    )
