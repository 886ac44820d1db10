"""The small-count threshold of a database, and the suppression rules of `domain.disclosure` that the anonymous
workbook and the bilan apply with it (importable from here with the threshold)."""

from __future__ import annotations

from erbm_desk.domain.disclosure import (  # noqa: F401 - the rules the callers of threshold_of apply
    DEFAULT_THRESHOLD,
    SECRET,
    SECRET_NOTE,
    SMALL_NOTE,
    Disclosed,
    format_count,
    mask_count,
    suppress_counts,
    suppress_small,
)


def threshold_of(session) -> int:
    """The threshold set for this database (setting `disclosure.threshold`, default 5)."""
    from erbm_desk.services.security.database_settings import SMALL_COUNT_THRESHOLD, read_database_setting

    return int(read_database_setting(session, SMALL_COUNT_THRESHOLD))
