"""argparse's own texts in French: usage errors and the help's headings are read by the same people as every
other message. argparse looks its texts up through the module's `_` and `ngettext` (gettext) at each use, and no
French catalogue ships with Python: the texts are given here and looked up in their place."""

from __future__ import annotations

import argparse

_TEXTS = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s : %(message)s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "one of the arguments %s is required": "l'un de ces arguments est obligatoire : %s",
    "not allowed with argument %s": "incompatible avec %s",
    "ignored explicit argument %r": "valeur %r non attendue",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix inconnu : %(value)r (possibles : %(choices)s)",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "unexpected option string: %s": "option inattendue : %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}
_PLURALS = {"expected %s argument": ("%s valeur est attendue", "%s valeurs sont attendues")}


def _french(text: str) -> str:
    return _TEXTS.get(text, text)


def _french_plural(singular: str, plural: str, n: int) -> str:
    forms = _PLURALS.get(singular)
    if forms is None:
        return singular if n == 1 else plural
    return forms[0] if n in (0, 1) else forms[1]


def install() -> None:
    """Every argparse parser of the process speaks French from now on (the command line's are the only ones)."""
    argparse._ = _french
    argparse.ngettext = _french_plural
