"""How a header is compared with the names of a field (columns.py scores them): the words that matter,
whatever the case, accents, punctuation, snake_case, abbreviations or plural (« N° SIRET » = « Numéro SIRET »,
« Né(e) le » = « Né le », « DATE NAISSANCE » = « Date de naissance », `nom_beneficiaire` = « Nom du bénéficiaire »)."""

from __future__ import annotations

import re
from functools import lru_cache

from erbm_desk.domain.text import fold

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = re.compile(r"[^0-9a-z]+")
_STOP = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "en", "au", "aux", "a", "et", "ou", "par",
                   "pour", "sur", "un", "une", "e", "s"})
_ABBREVIATIONS = {
    "n": "numero", "no": "numero", "num": "numero", "nb": "nombre", "nbre": "nombre", "ddn": "date naissance",
    "conso": "consommation", "benef": "beneficiaire", "dt": "date", "deb": "debut", "hrs": "heure",
}

EXACT = 100  # the same words in the same order
SAME_WORDS = 95  # the same words in another order
CLOSE = 88  # a close spelling (« Date naissanse »): proposed, to be checked


@lru_cache(maxsize=4096)
def words(text: str) -> str:
    """The meaningful words of a header, folded, singular, abbreviations spelt out, in their order."""
    text = _CAMEL.sub(" ", str(text))
    folded = fold(text).replace("n°", " numero ").replace("nº", " numero ").replace("(e)", "").replace("(s)", "")
    out = []
    for token in _SPLIT.split(folded):
        if not token or token in _STOP:
            continue
        for word in _ABBREVIATIONS.get(token, token).split():
            if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
                word = word[:-1]
            out.append(word)
    return " ".join(out)

