"""Finding reference records from what people type: a commune by INSEE code or name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Commune
from erbm_desk.domain.text import fold


def commune_id(session: Session, text: str) -> int:
    """The commune with this INSEE code (5 characters) or name; ValueError in French otherwise."""
    text = str(text).strip()
    if len(text) == 5 and text[:2].isdigit():
        found = session.scalar(select(Commune.id).where(Commune.insee_code == text.upper()))
        if found is None:
            raise ValueError(f"Code INSEE inconnu : « {text} » n'est pas une commune du territoire ERBM.")
        return found
    wanted = fold(text)
    matches = [cid for cid, name in session.execute(select(Commune.id, Commune.name)) if fold(name) == wanted]
    if len(matches) != 1:
        raise ValueError(f"Commune inconnue : « {text} ».")
    return matches[0]
