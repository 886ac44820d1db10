"""The records of the file matched with the base, for the user to see and settle: each person, company, cité and
operation found in the file, the record of the base it is (by its natural key: name, first name and birth date;
SIRET; name and commune; title within the cité), or « à créer » with the records of the base it might be (a
birth date typed otherwise, a company under another SIRET) to choose from."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from erbm_desk.domain.entities import SPECS
from erbm_desk.domain.french import format_date, format_month
from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.exchange.mapping.cells import Commune
from erbm_desk.services.exchange.mapping.groups import Group
from erbm_desk.services.exchange.snapshot import DbSnapshot, folded

MATCHED_ENTITIES = ("beneficiary", "company", "cite", "operation")
EXISTING, TO_CREATE, CHOSEN = "existant", "à créer", "rapproché"
MAX_CANDIDATES = 6


@dataclass
class MatchRow:
    entity: str
    group: Group
    label: str  # the record as the file names it
    status: str  # EXISTING, TO_CREATE or CHOSEN
    record: str  # the record of the base, when there is one
    candidates: list[tuple[str, str]]  # (UUID, label) of records of the base it might be


def group_label(db: DbSnapshot, g: Group) -> str:
    v = g.fields
    if g.db_id is not None and not v:
        return db.text_of(g.entity, g.db_id, False)
    if g.entity == "beneficiary":
        return fmt.beneficiary_text(v.get("last_name"), v.get("first_name"), v.get("birth_date"), None)
    if g.entity == "company":
        return fmt.company_text(v.get("name") or "", v.get("siret") or "")
    if g.entity == "cite":
        commune = v.get("commune_id")
        where = db.text_of("commune", commune.id, False) if isinstance(commune, Commune) else str(commune or "")
        return fmt.cite_text(v.get("name") or "", where)
    if g.entity == "operation":
        cite = v.get("cite_id")
        return fmt.operation_text(v.get("name") or "", group_label(db, cite) if isinstance(cite, Group) else "")
    if g.entity == "contract":
        person, company, start = v.get("beneficiary_id"), v.get("company_id"), v.get("start_date")
        parts = [group_label(db, p) for p in (person, company) if isinstance(p, Group)]
        return " / ".join(parts + ([f"début {format_date(start)}"] if start else []))
    if g.entity == "hours_entry":
        contract, month = v.get("contract_id"), v.get("month")
        where = group_label(db, contract) if isinstance(contract, Group) else ""
        return f"{where} — {format_month(month)}" if month else where
    return g.ident


def match_rows(db: DbSnapshot, groups: dict[str, list[Group]], entity: str) -> list[MatchRow]:
    out = []
    for g in groups.get(entity, ()):
        if not g.from_file:
            continue
        if g.db_id is not None:
            status = CHOSEN if g.chosen else EXISTING
            out.append(MatchRow(entity, g, group_label(db, g), status, db.text_of(entity, g.db_id, False), []))
        else:
            out.append(MatchRow(entity, g, group_label(db, g), TO_CREATE, "", candidates(db, g)))
    out.sort(key=lambda r: (r.status != TO_CREATE, folded(r.label)))
    return out


def candidates(db: DbSnapshot, g: Group) -> list[tuple[str, str]]:
    """Records of the base a record to create might be, the likeliest first."""
    rows = db.rows(g.entity)
    found: dict[int, float] = {}
    v = g.fields
    if g.entity == "beneficiary":
        name = folded(f"{v.get('last_name', '')} {v.get('first_name', '')}")
        choices = {rid: folded(f"{r['last_name'] or ''} {r['first_name'] or ''}") for rid, r in rows.items()
                   if r["last_name"]}
        for text, score, rid in process.extract(name, choices, scorer=fuzz.WRatio, limit=MAX_CANDIDATES * 4,
                                                score_cutoff=85):
            same_birth = rows[rid]["birth_date"] == v.get("birth_date")
            found[rid] = score + (20 if same_birth else 0)
    elif g.entity == "company":
        choices = {rid: folded(r["name"]) for rid, r in rows.items()}
        for _text, score, rid in process.extract(folded(v.get("name") or ""), choices, scorer=fuzz.WRatio,
                                                 limit=MAX_CANDIDATES, score_cutoff=85):
            found[rid] = score
    elif g.entity in ("cite", "operation"):
        parent_key = "commune_id" if g.entity == "cite" else "cite_id"
        parent = v.get(parent_key)
        parent_id = parent.id if isinstance(parent, Commune) else getattr(parent, "db_id", None)
        choices = {rid: folded(r["name"]) for rid, r in rows.items()}
        for _text, score, rid in process.extract(folded(v.get("name") or ""), choices, scorer=fuzz.WRatio,
                                                 limit=MAX_CANDIDATES * 4, score_cutoff=75):
            same_place = parent_id is not None and rows[rid][parent_key] == parent_id
            if same_place or score >= 95:
                found[rid] = score + (20 if same_place else 0)
    best = sorted(found, key=lambda rid: -found[rid])[:MAX_CANDIDATES]
    return [(rows[rid]["uuid"], db.text_of(g.entity, rid, False)) for rid in best]


def choose(mapping, row: MatchRow, uuid: str | None) -> None:
    """Match a record of the file with the record of the base `uuid` (None: create it), in the mapping: the next
    review — and the next file of this layout — use it."""
    chosen = mapping.matches.setdefault(row.entity, {})
    if uuid:
        chosen[row.group.ident] = uuid
    else:
        chosen.pop(row.group.ident, None)


def entities_to_match(groups: dict[str, list[Group]]) -> list[str]:
    return [e for e in MATCHED_ENTITIES if any(g.from_file for g in groups.get(e, ()))]


def noun(entity: str) -> str:
    return SPECS[entity].plural
