"""Which field each column of a sheet feeds: its header matched against every field's label, aliases and key
(words.py), month headers recognised, columns of figures the application computes itself set aside with their
reason, and a header that fits several entities (« Commune », « Logements ») given to the entity of the nearest
column already recognised. A person's criteria, prescriber and exit (« RSA », « Date de sortie ») are the
person's columns of version 1 — a check at entry into the clause, an exit — unless the sheet is one of dated
checks or exits (a column only those records have: « Date du diagnostic », « Situation à 6 mois »)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from erbm_desk.services.exchange.mapping.fields import FULL_NAME, MONTH_HOURS, YEAR, legacy_twins, targets
from erbm_desk.services.exchange.mapping.months import MonthHeader, month_header
from erbm_desk.services.exchange.mapping.words import CLOSE, EXACT as EXACT_SCORE, SAME_WORDS, words

EXACT, PROBABLE, AMBIGUOUS, IGNORED, UNKNOWN = "exact", "probable", "ambiguous", "ignored", "unknown"
STATE_LABELS = {EXACT: "reconnue", PROBABLE: "à vérifier", AMBIGUOUS: "ambiguë", IGNORED: "ignorée",
                UNKNOWN: "non reconnue"}

# Columns of figures the application works out itself: never imported, and said why.
_COMPUTED = (
    (re.compile(r"^(moin )?26 ans?( moin)?$|^moin 26$|^jeune$|^age$|^age debut$"),
     "calculé par l'application (âge au début du premier contrat)"),
    (re.compile(r"^(sou )?total\b|^cumul\b|^somme\b|^total$|\btotal$"), "total calculé par le tableur"),
    (re.compile(r"^etp\b|\betp$"), "calculé par l'application (heures ÷ 1 607)"),
    (re.compile(r"^(numero|ligne|numero ligne|id|index|rang)$"), "numéro de ligne du tableau"),
    (re.compile(r"^(commentaire|observation|suivi|note|remarque)\b"),
     "texte libre : non importé (données personnelles)"),
)
NEVER_PROPOSED = frozenset({"notes"})  # free text: only when the user chooses it


@dataclass
class ColumnProposal:
    index: int
    header: str
    target: str | None
    state: str
    score: int = 0
    candidates: tuple[str, ...] = ()
    reason: str = ""
    month: MonthHeader | None = field(default=None, repr=False)
    tied: tuple[str, ...] = field(default=(), repr=False)  # equally good fields of an ambiguous header


def computed_reason(header: str) -> str | None:
    w = words(header)
    for pattern, reason in _COMPUTED:
        if pattern.search(w):
            return reason
    return None


@cache
def _names() -> tuple[dict[str, set[str]], dict[tuple[str, ...], set[str]], list[str], list[str]]:
    """Every name of every target by its words (exactly, and as a set of words), and the lists a close spelling
    is searched in."""
    exact: dict[str, set[str]] = {}
    same: dict[tuple[str, ...], set[str]] = {}
    spellings: list[str] = []
    codes: list[str] = []
    for code, t in targets().items():
        for name in t.names:
            w = words(name)
            if not w:
                continue
            exact.setdefault(w, set()).add(code)
            same.setdefault(tuple(sorted(w.split())), set()).add(code)
            if len(w) >= 5:
                spellings.append(w)
                codes.append(code)
    return exact, same, spellings, codes


@lru_cache(maxsize=4096)
def scored_targets(header: str) -> list[tuple[int, str]]:
    """(score, target code) of every field the header may name, best first."""
    w = words(header)
    if not w:
        return []
    exact, same, spellings, codes = _names()
    best: dict[str, int] = {}
    for code in exact.get(w, ()):
        best[code] = EXACT_SCORE
    for code in same.get(tuple(sorted(w.split())), ()):
        best.setdefault(code, SAME_WORDS)
    if len(w) >= 5:
        for _spelling, ratio, i in process.extract(w, spellings, scorer=fuzz.ratio, limit=None,
                                                   score_cutoff=CLOSE + 4):
            best.setdefault(codes[i], min(int(ratio) - 4, SAME_WORDS - 1))
    order = _order()
    return sorted(((score, code) for code, score in best.items()), key=lambda x: (-x[0], order[x[1]]))


@cache
def _order() -> dict[str, int]:
    return {code: i for i, code in enumerate(targets())}


def named_with_group(text: str, group: str) -> tuple[int, str] | None:
    """(score, field) a short header names once read with the group header above it (« Type » under
    « Employeur », « Nom » under « Entreprise »), when that reading names one field for sure."""
    if not group or words(group) == words(text):
        return None
    scored = [(s, c) for s, c in scored_targets(f"{text} {group}") if targets()[c].key not in NEVER_PROPOSED]
    if not scored or scored[0][0] < SAME_WORDS or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0]


def propose_columns(headers: list[tuple]) -> list[ColumnProposal]:
    """A proposal for each header: (column index, header text, header cell as read[, group header above])."""
    out: list[ColumnProposal] = []
    for index, text, cell, *group in headers:
        month = month_header(cell)
        if month is not None:
            out.append(ColumnProposal(index, text, MONTH_HOURS, EXACT, 100, (MONTH_HOURS,), month=month))
            continue
        scored = [(s, c) for s, c in scored_targets(text) if targets()[c].key not in NEVER_PROPOSED]
        grouped = named_with_group(text, group[0]) if group else None
        if grouped is not None and (not scored or scored[0][0] < SAME_WORDS or len(scored) > 1
                                    and scored[1][0] == scored[0][0]
                                    or targets()[grouped[1]].entity != targets()[scored[0][1]].entity):
            # the header alone names nothing sure, or a field of another entity than its group says
            out.append(ColumnProposal(index, text, grouped[1], PROBABLE, grouped[0],
                                      (grouped[1], *(c for _, c in scored if c != grouped[1])),
                                      reason=f"d'après « {group[0]} » au-dessus"))
            continue
        reason = computed_reason(text)
        if reason and (not scored or scored[0][0] < SAME_WORDS):
            out.append(ColumnProposal(index, text, None, IGNORED, reason=reason,
                                      candidates=tuple(c for _, c in scored)))
            continue
        if not scored:
            out.append(ColumnProposal(index, text, None, UNKNOWN))
            continue
        top = scored[0][0]
        best = tuple(c for s, c in scored if s == top)
        others = tuple(c for _, c in scored)
        state = EXACT if top >= SAME_WORDS else PROBABLE
        if len(best) == 1:
            out.append(ColumnProposal(index, text, best[0], state, top, others))
        else:
            rest = tuple(c for c in others if c not in best)
            out.append(ColumnProposal(index, text, None, AMBIGUOUS, top, best + rest, tied=best))
    _person_or_dated_record(out)
    _settle_by_neighbours(out)
    _one_column_per_field(out)
    _full_name_when_needed(out)
    return out


def _person_or_dated_record(proposals: list[ColumnProposal]) -> None:
    """« RSA », « Motif de sortie »… name both a person's version-1 column and the column of the dated record
    it became: the dated record's when the sheet has a column only that record has, else the person's."""
    twins = legacy_twins()
    twin_of = {person: dated for dated, person in twins.items()}
    records = {targets()[code].entity for code in twins}  # eligibility_check, path_exit
    dated = {targets()[p.target].entity for p in proposals if p.target and p.state == EXACT
             and p.target not in twins and targets()[p.target].entity in records}
    for p in proposals:
        options = p.tied if p.state == AMBIGUOUS and p.tied else (p.target,) if p.target else ()
        persons = {twins.get(code, code) for code in options}
        if len(persons) != 1 or next(iter(persons)) not in twin_of:
            continue
        person = persons.pop()
        p.target = twin_of[person] if targets()[twin_of[person]].entity in dated else person
        if p.state == AMBIGUOUS:
            p.state, p.tied = (EXACT if p.score >= SAME_WORDS else PROBABLE), ()


def _settle_by_neighbours(proposals: list[ColumnProposal]) -> None:
    """A header that fits several entities goes to the entity of the nearest column recognised for sure."""
    sure = [(p.index, targets()[p.target].entity) for p in proposals
            if p.target and p.state == EXACT and p.target != MONTH_HOURS]
    for p in proposals:
        if p.state != AMBIGUOUS or not p.tied:
            continue
        by_entity = {targets()[c].entity: c for c in p.tied}
        distance: dict[str, int] = {}
        for i, e in sure:
            if e in by_entity:
                distance[e] = min(distance.get(e, 10_000), abs(i - p.index))
        ranked = sorted(distance.items(), key=lambda x: x[1])
        if ranked and (len(ranked) == 1 or ranked[0][1] < ranked[1][1]):
            p.target = by_entity[ranked[0][0]]
            p.state = PROBABLE
            p.reason = "d'après les colonnes voisines"


def _one_column_per_field(proposals: list[ColumnProposal]) -> None:
    """Two columns for one field: the better match keeps it, the other is left for the user."""
    taken: dict[str, ColumnProposal] = {}
    for p in sorted(proposals, key=lambda p: (-p.score, p.index)):
        if not p.target or p.target == MONTH_HOURS:
            continue
        first = taken.get(p.target)
        if first is None:
            taken[p.target] = p
            continue
        p.reason = f"« {targets()[p.target].label} » est déjà donné par la colonne « {first.header} »"
        p.target, p.state = None, AMBIGUOUS


def _full_name_when_needed(proposals: list[ColumnProposal]) -> None:
    """« Nom et prénom » in one cell is only wanted when the name and first name have no column of their own."""
    mapped = {p.target for p in proposals}
    if {"beneficiary.last_name", "beneficiary.first_name"} <= mapped:
        for p in proposals:
            if p.target == FULL_NAME:
                p.target, p.state, p.reason = None, IGNORED, "le nom et le prénom ont leurs propres colonnes"


def is_year_column(p: ColumnProposal) -> bool:
    return p.target == YEAR
