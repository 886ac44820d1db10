"""Which automatic backups to keep: the newest copy of each of the last 7 days that have one, of the last 4 weeks
and of the last 12 months, plus always the 5 most recent copies (so the copy made before this morning's import
survives this afternoon's). Run after each new backup in the folder; copies saved elsewhere by the user are never
touched."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from erbm_desk.services.atomic_files import remove_left_behind
from erbm_desk.services.backup.listing import BackupEntry, age_key, backups_in
from erbm_desk.services.backup.location import key_file_beside

KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY, KEEP_LATEST = 7, 4, 12, 5


def backups_to_keep(entries: list[BackupEntry], keep_daily=KEEP_DAILY, keep_weekly=KEEP_WEEKLY,
                    keep_monthly=KEEP_MONTHLY, keep_latest=KEEP_LATEST) -> set[Path]:
    entries = sorted(entries, key=age_key, reverse=True)
    keep = {e.path for e in entries[:keep_latest]}
    days: dict[date, Path] = {}
    weeks: dict[tuple[int, int], Path] = {}
    months: dict[tuple[int, int], Path] = {}
    for e in entries:
        d = e.created.date()
        if d not in days and len(days) < keep_daily:
            days[d] = e.path
        week = tuple(d.isocalendar())[:2]
        if week not in weeks and len(weeks) < keep_weekly:
            weeks[week] = e.path
        month = (d.year, d.month)
        if month not in months and len(months) < keep_monthly:
            months[month] = e.path
    return keep | set(days.values()) | set(weeks.values()) | set(months.values())


def rotate(folder: Path, today: date | None = None) -> list[Path]:
    """Delete the backups of `folder` that the 7 daily / 4 weekly / 12 monthly rule does not keep."""
    entries = backups_in(folder)
    keep = backups_to_keep(entries)
    removed = remove_left_behind(folder)  # copies whose process was killed before their rename (atomic_path)
    for e in entries:
        if e.path not in keep:
            try:
                e.path.unlink()
                removed.append(e.path)
                key_file_beside(e.path).unlink(missing_ok=True)
            except OSError:
                pass
    return removed
