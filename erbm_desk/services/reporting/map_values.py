"""The map's data for a report: the communes of the scope's EPCIs with their boundaries, the values of the
communes whose cités are in scope (hours, people, homes delivered), and every cité of those EPCIs as a point."""

from __future__ import annotations

import math
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Cite, Commune, Epci
from erbm_desk.domain.figures import MapCite, MapData
from erbm_desk.services.reporting.engine import Report
from erbm_desk.services.reporting.geography import commune_shapes, epci_outlines


def map_data(session: Session, r: Report) -> MapData:
    names = dict(session.execute(select(Epci.siren, Epci.short_name)).all())
    if r.scope.kind in ("epci", "cite", "operation") and r.cites:
        sirens = sorted({c.epci_siren for c in r.cites.values()})
    else:
        sirens = sorted(names)
    communes = session.execute(
        select(Commune.insee_code, Commune.longitude, Commune.latitude)
        .join(Epci, Commune.epci_id == Epci.id)
        .where(Epci.siren.in_(sirens))
        .order_by(Commune.insee_code)
    ).all()
    coords = {insee: (lon, lat) for insee, lon, lat in communes}
    values = {row.insee_code: {"hours": row.hours_realised, "people": row.people,
                               "homes_delivered": row.homes_delivered} for row in r.grouped("commune")}
    all_cites = session.execute(
        select(Cite.id, Cite.name, Commune.insee_code)
        .join(Commune, Cite.commune_id == Commune.id)
        .join(Epci, Commune.epci_id == Epci.id)
        .where(Epci.siren.in_(sirens))
        .order_by(Commune.insee_code, Cite.name)
    ).all()
    by_commune: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for cid, name, insee in all_cites:
        by_commune[insee].append((cid, name))
    cites = []
    for insee, members in by_commune.items():
        lon, lat = coords.get(insee, (None, None))
        if lon is None:
            continue
        for i, (cid, name) in enumerate(members):
            dx = dy = 0.0
            if len(members) > 1:  # spread cités of one commune on a small circle around its centre
                angle = 2 * math.pi * i / len(members)
                dx, dy = 0.012 * math.cos(angle), 0.008 * math.sin(angle)
            cites.append(MapCite(cid, name, lon + dx, lat + dy, cid in r.cites))
    return MapData([c[0] for c in communes], values, cites, sirens, {s: names[s] for s in sirens},
                   shapes=commune_shapes(), outlines=epci_outlines())
