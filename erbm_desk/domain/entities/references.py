"""The reference entities: communes and EPCI (seeded, never typed) and the bailleurs owning the homes.

They have no page or sheet of their own; they are described for what names them, what filters follow them
and, for the bailleurs, who may write them.
"""

from __future__ import annotations

from erbm_desk.domain.entities.columns import Column as C, Kind as K
from erbm_desk.domain.entities.spec import ADMINISTRATOR, LANDLORD, EntitySpec, Naming, Noun

EPCI = EntitySpec(
    "epci",
    "EPCI",
    "EPCI",
    (
        C("siren", "SIREN", required=True, width=10, max_length=9),
        C("name", "Nom", required=True, width=40, max_length=160),
        C("short_name", "Nom court", required=True, width=16, max_length=20),
    ),
    natural_key=("siren",),
    display=("short_name",),
    noun=Noun("EPCI", "EPCI"),
    naming=Naming(("short_name",), detail="name", detail_format="{name} — {detail}"),
)

COMMUNE = EntitySpec(
    "commune",
    "Commune",
    "Communes",
    (
        C("insee_code", "Code INSEE", required=True, width=8, max_length=5),
        C("name", "Nom", required=True, width=24, max_length=120),
        C("department_code", "Département", required=True, width=6, max_length=3),
        C("epci_id", "EPCI", K.REF, required=True, ref="epci", width=16),
    ),
    natural_key=("insee_code",),
    display=("name",),
    noun=Noun("commune", "communes", feminine=True),
    # « (62570) » would be read as a postcode: Méricourt's is 62680
    naming=Naming(("name",), detail="insee_code", detail_format="{name} (INSEE {detail})"),
)

BAILLEUR = EntitySpec(
    "bailleur",
    "Bailleur",
    "Bailleurs",
    (C("name", "Nom du bailleur", required=True, width=20, max_length=120),),
    natural_key=("name",),
    display=("name",),
    noun=Noun("bailleur", "bailleurs"),
    naming=Naming(("name",)),
    duplicate_message="Un bailleur de ce nom existe déjà.",
    written_by=frozenset({ADMINISTRATOR, LANDLORD}),
)
