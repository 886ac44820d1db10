"""A throw-away PostgreSQL server for the test run: Debian's binaries, a temporary data folder, loopback only.

Started once per test session (`tests/conftest.py::pg_server`), stopped and deleted at the end. Run as root
(CI), the server runs as the `postgres` system user (PostgreSQL refuses root) through `runuser`.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

USER = "erbm"
TEMPLATE = "erbm_template"
EMPTY_TEMPLATE = "template0"


def _pg_binary(name: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if candidates:
        return candidates[-1]
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestServer:
    __test__ = False  # not a test class for pytest

    def __init__(self, base: Path, port: int, pg_ctl: str, as_user: list[str]):
        self.base, self.port, self.pg_ctl, self.as_user = base, port, pg_ctl, as_user
        self._counter = itertools.count(1)
        self._admin = None
        self._pending: list[str] = []

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{dbname}"

    def admin(self):
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres",
                                          autocommit=True)
        return self._admin

    def create_database(self, empty: bool = False) -> str:
        self._retry_drops()
        name = f"t{os.getpid()}_{next(self._counter)}"
        self.admin().execute(f'CREATE DATABASE "{name}" TEMPLATE {EMPTY_TEMPLATE if empty else TEMPLATE}')
        return name

    def _in_use(self, names: list[str]) -> set[str]:
        rows = self.admin().execute("SELECT DISTINCT datname FROM pg_stat_activity WHERE datname = ANY(%s)",
                                    (names,)).fetchall()
        return {r[0] for r in rows}

    def drop_database(self, name: str) -> None:
        """Drop a test's database, but never from under a connection still open (a worker thread a test left
        running would fail, and its error dialog at teardown aborts Qt; and a plain DROP waits 5 s before
        giving up): such a database is dropped later, once nobody uses it, or with the server."""
        if self._in_use([name]):
            self._pending.append(name)
            return
        try:
            self.admin().execute(f'DROP DATABASE IF EXISTS "{name}"')
        except Exception:  # noqa: BLE001 - connected in between: retried later
            self._pending.append(name)

    def _retry_drops(self) -> None:
        if not self._pending:
            return
        busy = self._in_use(self._pending)
        pending, self._pending = self._pending, [n for n in self._pending if n in busy]
        for name in pending:
            if name not in busy:
                self.drop_database(name)

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        subprocess.run(self.as_user + [self.pg_ctl, "-D", str(self.base / "data"), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.base, ignore_errors=True)


def start_test_server() -> TestServer:
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.fail(
            "PostgreSQL est introuvable (paquet Debian « postgresql », installé par scripts/system-deps.sh "
            "--tests) : les tests [postgresql] ne peuvent pas tourner. Pour les sauter sur un poste de "
            "développement : ERBM_TEST_NO_POSTGRES=1.",
            pytrace=False,
        )
    base = Path(tempfile.mkdtemp(prefix="erbm-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        import pwd

        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = base / "data"
    port = _free_port()
    try:
        subprocess.run(as_user + [initdb, "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8",
                                  "--locale=C", "--no-sync"], check=True, capture_output=True, timeout=120)
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB")
        subprocess.run(as_user + [pg_ctl, "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60",
                                  "-o", options, "start"], check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log = (base / "server.log").read_text(errors="replace")[-2000:] if (base / "server.log").exists() else ""
        out = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"Le serveur PostgreSQL de test n'a pas démarré : {exc}\n{out.decode(errors='replace')}\n{log}",
                    pytrace=False)
    server = TestServer(base, port, pg_ctl, as_user)
    # The template every test database is copied from: migrated to head and seeded, once per run.
    from erbm_desk.services.database.opening import open_database

    server.admin().execute(f"CREATE DATABASE {TEMPLATE}")
    open_database(server.url(TEMPLATE)).close()
    return server
