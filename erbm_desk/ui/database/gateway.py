"""The one road from the window to the database (DESIGN rule 2): every page, dialog and model reads and writes
through the `Gateway` of its open database, `gateway_for(db)`.

- `read(owner, work, done)`: `work(session)` on a reader thread (two of them), `done(result)` back on the UI
  thread. With `latest="key"`, a newer read of the same owner and key wins: the older one is taken off the queue
  if it has not started, and its result is dropped if it has (a search typed key by key, a list reloaded).
- `write(owner, work, done)`: `work(session)` in one transaction on the ONE writer thread, in the order asked.
  What its flushes wrote (entity and ids) becomes a `Changes` (ui/database/changes.py), announced by the
  `changed` signal before `done(result)` runs, so that only the views concerned refresh.
- `job(owner, work, done, writes=…, progress_label=…)`: a long job `work(progress)` that opens its own sessions
  (import, export, save a month, erase a person, restore): on the writer thread when it writes (its flushes are
  tracked the same way, plus the `changes` it declares), else on a reader; with `progress_label`, a progress
  dialog with « Annuler ».
- A callback whose owner widget is gone is dropped, not run; so is every callback once the gateway is closed.
  `failed(exc)` gets the exception (French for the refusals the services know); a write without `failed` is
  reported by the `write_failed` signal.

Nothing here waits: closing a gateway (`close(then)`) drops the reads not started, lets the writes asked for
run, and calls `then()` once the last job is over; `close_database(db)` uses it to close a database the window
no longer shows, in a worker. SQLAlchemy is imported by the workers, not by this module (the window frame shows
before the database layer loads).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Callable, Hashable

from PySide6.QtCore import QObject, QThreadPool, Signal
from shiboken6 import isValid

from erbm_desk.db.bulk_writes import take_bulk_writes
from erbm_desk.services.progress import Cancelled
from erbm_desk.ui.database.changes import AnyRecord, Changes
from erbm_desk.ui.database.workers import Job, JobProgress, run_job

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from erbm_desk.services.database.opening import Database

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
READERS = 2


class Gateway(QObject):
    changed = Signal(object)  # Changes, after every write that changed something
    write_failed = Signal(str)  # a write with no error handler of its own failed (French message)

    def __init__(self, db: Database, parent: QObject | None = None):
        super().__init__(parent)
        self.db = db
        self.readers = QThreadPool(self)
        self.readers.setMaxThreadCount(READERS)
        self.writer = QThreadPool(self)
        self.writer.setMaxThreadCount(1)  # one writer: writes happen in the order they were asked for
        self.pending_writes = 0
        self.closed = False
        self._jobs: set[Job] = set()  # not over yet
        self._latest: dict[tuple[int, Hashable], Job] = {}
        self._when_idle: list[Callable[[], None]] = []
        self._tracked = threading.local()  # on the writer thread: the Changes being collected
        self._listening = False

    # --- reading -------------------------------------------------------------------------------------------

    def read(self, owner: QObject, work: Callable[[Session], Any], done: Done, failed: Failed | None = None,
             *, latest: Hashable | None = None) -> Job | None:
        """`work(session)` (reading only) on a reader thread; `done(result)` on the UI thread."""
        db = self.db

        def in_session(_progress: JobProgress) -> Any:
            with db.sessions() as s:
                return work(s)

        return self._start(owner, in_session, done, failed, self.readers, latest=latest)

    # --- writing -------------------------------------------------------------------------------------------

    def write(self, owner: QObject, work: Callable[[Session], Any], done: Done | None = None,
              failed: Failed | None = None, *, changes: Changes | None = None) -> Job | None:
        """`work(session)` in one transaction on the writer thread; the changes are announced, then `done(result)`
        runs. A failure rolls the whole transaction back and announces nothing."""
        db = self.db

        def in_transaction(_progress: JobProgress) -> Any:
            with db.session() as s:
                return work(s)

        return self._start_write(owner, in_transaction, done, failed, changes, None)

    def job(self, owner: QObject, work: Callable[[JobProgress], Any], done: Done, failed: Failed | None = None,
            *, writes: bool = False, changes: Changes | None = None, progress_label: str | None = None,
            latest: Hashable | None = None) -> Job | None:
        """A long job `work(progress)` that reaches the database itself (or a file); `writes` puts it in the
        writer's queue, with its changes tracked and announced like `write`'s."""
        if writes:
            return self._start_write(owner, work, done, failed, changes, progress_label)
        return self._start(owner, work, done, failed, self.readers, progress_label=progress_label, latest=latest)

    def drop(self, owner: QObject, latest: Hashable) -> None:
        """No longer want the result of `owner`'s request `latest` still on its way (a form emptied meanwhile)."""
        job = self._latest.pop((id(owner), latest), None)
        if job is not None:
            job.cancel()

    def announce(self, changes: Changes) -> None:
        """Tell the views about a change made without a write of this gateway (another user signed in)."""
        if changes and not self.closed:
            self.changed.emit(changes)

    # --- closing -------------------------------------------------------------------------------------------

    def close(self, then: Callable[[], None] | None = None) -> None:
        """Forget this database: reads not started are dropped, writes asked for still run, no callback runs any
        more; `then()` once the last job is over (at once when none runs)."""
        if not self.closed:
            self.closed = True
            _GATEWAYS.pop(id(self.db), None)
            for job in list(self._jobs):
                if job.pool is self.readers:
                    job.cancel()
                else:
                    job.discarded = True
            self._stop_tracking()
        if then is not None:
            self._when_idle.append(then)
        self._maybe_idle()

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    # --- inside ----------------------------------------------------------------------------------------------

    def _start(self, owner: QObject, work: Callable[[JobProgress], Any], done: Done, failed: Failed | None,
               pool: QThreadPool, progress_label: str | None = None, latest: Hashable | None = None,
               dialog_parent: QObject | None = None) -> Job | None:
        if self.closed:  # a view of a database just replaced, asking once more before it goes
            log.debug("Demande ignorée : la base « %s » a été fermée.", self.db.label)
            return None
        key = (id(owner), latest) if latest is not None else None
        if key is not None and key in self._latest:
            self._latest.pop(key).cancel()  # the newer request wins
        job: Job | None = None

        def wanted() -> bool:  # a request superseded by a newer one was cancelled: run_job drops its callbacks
            return not self.closed

        def on_done(result: Any) -> None:
            if wanted():
                done(result)

        def on_failed(exc: BaseException) -> None:
            if not wanted():
                return
            if failed is not None:
                failed(exc)
            elif not isinstance(exc, Cancelled):
                log.warning("Lecture impossible : %s", exc)

        def over() -> None:
            self._jobs.discard(job)
            if key is not None and self._latest.get(key) is job:
                del self._latest[key]
            self._maybe_idle()

        job = run_job(work, on_done, on_failed, owner=owner, progress_label=progress_label, pool=pool, after=over,
                      dialog_parent=dialog_parent)
        self._jobs.add(job)
        if key is not None:
            self._latest[key] = job
        return job

    def _start_write(self, owner: QObject, work: Callable[[JobProgress], Any], done: Done | None,
                     failed: Failed | None, declared: Changes | None, progress_label: str | None) -> Job | None:
        self._start_tracking()
        tracked = self._tracked

        def tracked_work(progress: JobProgress) -> tuple[Any, Changes]:
            tracked.changes = Changes()
            try:
                result = work(progress)
                return result, tracked.changes
            finally:
                tracked.changes = None

        def on_done(outcome: tuple[Any, Changes]) -> None:
            result, seen = outcome
            self.pending_writes -= 1
            changes = seen.merged(declared) if declared is not None else seen
            if changes and not self.closed:
                self.changed.emit(changes.with_source(owner if _alive(owner) else None))
            if done is not None and _alive(owner):
                done(result)

        def on_failed(exc: BaseException) -> None:
            self.pending_writes -= 1
            if not _alive(owner):
                return
            if failed is not None:
                failed(exc)
            elif not isinstance(exc, Cancelled) and not self.closed:
                self.write_failed.emit(str(exc))

        if self.closed:
            return None
        self.pending_writes += 1
        # The owner's fate is checked here, not by run_job: a write that succeeded is announced even when the
        # widget that asked for it has gone (a dialog closed on « Enregistrer »).
        return self._start(self, tracked_work, on_done, on_failed, self.writer, progress_label=progress_label,
                           dialog_parent=owner)

    def _collect_flush(self, session, _flush_context) -> None:
        changes = getattr(self._tracked, "changes", None)
        if changes is None:
            return
        records: dict[str, set[int] | None] = {}
        dirty = session.dirty  # a property that walks the identity map: read once, not once per object
        for obj in (*session.new, *dirty, *session.deleted):
            entity = getattr(obj, "__tablename__", None)
            record_id = getattr(obj, "id", None)
            if entity is None or (obj in dirty and not session.is_modified(obj)):
                continue
            bucket = records.setdefault(entity, set())
            if bucket is not None:
                if record_id is None:
                    records[entity] = AnyRecord
                else:
                    bucket.add(record_id)
        found = Changes({e: None if ids is None else frozenset(ids) for e, ids in records.items()})
        self._tracked.changes = changes.merged(found)

    def _collect_statement(self, state) -> None:
        """A bulk INSERT, UPDATE or DELETE statement: any record of its table may have changed."""
        changes = getattr(self._tracked, "changes", None)
        if changes is None or not (state.is_insert or state.is_update or state.is_delete):
            return
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        self._tracked.changes = changes.merged(Changes.of(name) if name else Changes.all())

    def _collect_bulk_writes(self, session) -> None:
        """Before a commit: the tables written on the driver's road (db/bulk_writes.py), any record of them."""
        changes = getattr(self._tracked, "changes", None)
        tables = take_bulk_writes(session)
        if changes is not None and tables:
            self._tracked.changes = changes.merged(Changes({name: AnyRecord for name in tables}))

    def _start_tracking(self) -> None:
        """Listen to the flushes of this database's sessions (its sessionmaker only, not every Session)."""
        if self._listening:
            return
        from sqlalchemy import event

        event.listen(self.db.sessions, "after_flush", self._collect_flush)
        event.listen(self.db.sessions, "do_orm_execute", self._collect_statement)
        event.listen(self.db.sessions, "before_commit", self._collect_bulk_writes)
        self._listening = True

    def _stop_tracking(self) -> None:
        if not self._listening or self.busy:
            return  # a write still running: stopped once idle
        from sqlalchemy import event

        event.remove(self.db.sessions, "after_flush", self._collect_flush)
        event.remove(self.db.sessions, "do_orm_execute", self._collect_statement)
        event.remove(self.db.sessions, "before_commit", self._collect_bulk_writes)
        self._listening = False

    def _maybe_idle(self) -> None:
        if not self.closed or self._jobs:
            return
        self._stop_tracking()
        callbacks, self._when_idle = self._when_idle, []
        for callback in callbacks:
            callback()


def _alive(owner: QObject | None) -> bool:
    return owner is None or isValid(owner)


_GATEWAYS: dict[int, Gateway] = {}  # by id() of the open Database: one gateway, hence one writer, per database


def gateway_for(db: Database) -> Gateway:
    """The gateway of an open database, made on first use. It lives until `close()` (the window closes it when it
    shows another database)."""
    gateway = _GATEWAYS.get(id(db))
    if gateway is None or gateway.db is not db:
        gateway = _GATEWAYS[id(db)] = Gateway(db)
    return gateway


def open_gateways() -> list[Gateway]:
    return list(_GATEWAYS.values())


def close_database(db: Database) -> None:
    """Close a database the window no longer shows: its gateway stops taking requests, and once its last job is
    over the database itself is closed, in a worker (releasing its lock writes to a file)."""
    gateway = _GATEWAYS.get(id(db))

    def close_now() -> None:
        run_job(lambda _progress: db.close(), lambda _result: None,
                lambda exc: log.warning("Fermeture de « %s » : %s", db.label, exc))

    if gateway is None or gateway.db is not db:
        close_now()
    else:
        gateway.close(then=lambda: (close_now(), gateway.deleteLater()))
