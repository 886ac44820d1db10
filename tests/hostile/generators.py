"""The hostile files, family by family: each family is a deterministic list of cases built from the base files
(tests/hostile/base.py). A case knows how to make its bytes and, for the value families, which cell it made
hostile (so the runner can tell a faithful reading from a silent coercion).

Families (full size ≥ 3 000 files; `sample(cases, n)` keeps a spread of n for the suite):

- types        a wrong-typed cell (yes/no, decimal, whole number, date-time, date, text, empty) in every column of
               every sheet
- missing      every column of every sheet left out, alone and in pairs
- short-rows   rows shorter than the header, cut at every length
- dates        dates beyond 9999 and before 1900, impossible ones, huge and negative serial numbers, the edges of
               the accepted range, in every date, month and time-stamp column
- numbers      ±inf, NaN, 1e308, the smallest float, 2⁶³, -0 in every column
- texts        NUL, control characters, right-to-left overrides, 100 000 characters, a too-long new bailleur
- zip-bombs    inflating entries, sizes that lie, too many entries, duplicate names
- entities     XML entity expansion (billion laughs, quadratic blow-up), external entities, in every part
- dimensions   absurd sheet dimensions and cell references (A1:XFD1048576…), row numbers out of range
- bytes        byte mutations of the real export: bit flips, zeroed runs, cuts, insertions
- xml          XML mutations of the real export's parts: tags removed or doubled, attribute values changed,
               shared-string indexes out of range, wrong cell types, invalid characters
- headers      a header below row 30, duplicated, or where nothing else is
- releve       the same value attacks on an hours statement (relevé)
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Callable

from tests.fuzz.fuzz_import import rezip
from tests.hostile.base import Base, workbook_bytes

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@dataclass
class Probe:
    """The cell a value case made hostile: (sheet, spreadsheet row, header label, value written)."""

    sheet: str
    row: int
    header: str
    value: Any
    kind: str  # the column's kind (text, int, decimal, money, date, month, bool, enum, ref) or role (id, …)


@dataclass
class Case:
    family: str
    name: str
    build: Callable[[], bytes]
    probe: Probe | None = None
    expect_refusal: bool = False  # must be refused (a structural attack: never imported)
    extra: dict = field(default_factory=dict)


ENTITY_SHEETS = ("Cités", "Opérations", "Financements", "Entreprises", "Bénéficiaires", "Contrats", "Heures")


def _copy(sheets: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    return {n: [list(r) for r in rows] for n, rows in sheets.items()}


def _value_case(base: Base, family: str, sheet: str, j: int, value: Any, row: int = 1) -> Case:
    header = base.sheets[sheet][0][j]

    def build() -> bytes:
        sheets = _copy(base.sheets)
        sheets[sheet][row][j] = value
        return workbook_bytes(sheets)

    kind = base.kinds.get(sheet, {}).get(header, "?")
    return Case(family, f"{sheet}/{header}/{value!r:.40}", build, Probe(sheet, row + 1, header, value, kind))


WRONG_TYPES = (True, False, 1.5, 12.0, -7, datetime(2024, 3, 4, 5, 6, 7), date(2024, 3, 4), time(13, 45),
               "texte libre", "")


def types(base: Base) -> list[Case]:
    return [_value_case(base, "types", sheet, j, value)
            for sheet in ENTITY_SHEETS for j in range(len(base.sheets[sheet][0])) for value in WRONG_TYPES]


def missing(base: Base) -> list[Case]:
    cases = []
    rng = random.Random(11)
    for sheet in ENTITY_SHEETS:
        width = len(base.sheets[sheet][0])
        drops = [(j,) for j in range(width)] + [tuple(sorted(rng.sample(range(width), 2))) for _ in range(width)]
        for dropped in drops:
            def build(sheet=sheet, dropped=dropped) -> bytes:
                sheets = _copy(base.sheets)
                sheets[sheet] = [[c for k, c in enumerate(r) if k not in dropped] for r in sheets[sheet]]
                return workbook_bytes(sheets)

            names = "+".join(str(base.sheets[sheet][0][k]) for k in dropped)
            cases.append(Case("missing", f"{sheet} sans {names}", build))
    return cases


def short_rows(base: Base) -> list[Case]:
    cases = []
    for sheet in ENTITY_SHEETS:
        width = len(base.sheets[sheet][0])
        for cut in range(width):
            for which in ((1,), (1, 2, 3), tuple(range(1, len(base.sheets[sheet])))):
                def build(sheet=sheet, cut=cut, which=which) -> bytes:
                    sheets = _copy(base.sheets)
                    for r in which:
                        if r < len(sheets[sheet]):
                            sheets[sheet][r] = sheets[sheet][r][:cut]
                    return workbook_bytes(sheets)

                cases.append(Case("short-rows", f"{sheet} coupée à {cut} cellules (lignes {which[0]}…{which[-1]})",
                                  build))
    return cases


BAD_DATES = (date(9999, 12, 31), date(1, 1, 1), date(1899, 12, 31), date(1900, 1, 1), date(2099, 12, 31),
             date(2100, 1, 1), datetime(9999, 12, 31, 23, 59, 59), datetime(2024, 2, 29, 10, 30), "31/12/9999",
             "9999-12-31", "01/01/0001", "00/00/0000", "31/02/2024", "10000-01-01", "12/9999", 2958466.0, -1.0,
             1e20, 45000.5)


def dates(base: Base) -> list[Case]:
    cases = []
    for sheet in ENTITY_SHEETS:
        for j, header in enumerate(base.sheets[sheet][0]):
            if base.kinds[sheet].get(header) in ("date", "month", "updated"):
                cases += [_value_case(base, "dates", sheet, j, value) for value in BAD_DATES]
    for value in BAD_DATES:  # the Lisez-moi's export time
        def build(value=value) -> bytes:
            sheets = _copy(base.sheets)
            for row in sheets["Lisez-moi"]:
                if row and row[0] == "Exporté le (UTC)":
                    row[1] = value
            return workbook_bytes(sheets)

        cases.append(Case("dates", f"Lisez-moi/Exporté le/{value!r}", build))
    return cases


BAD_NUMBERS = (float("inf"), float("-inf"), float("nan"), 1e308, -1e308, 5e-324, 2.0 ** 63, -0.0, 1e15,
               123456789012.345)


def numbers(base: Base) -> list[Case]:
    return [_value_case(base, "numbers", sheet, j, value)
            for sheet in ENTITY_SHEETS for j in range(len(base.sheets[sheet][0])) for value in BAD_NUMBERS]


BAD_TEXTS = ("Du\x00pont", "Bell\x07e", "Cité\u202e2024", "\u2066isolé\u2069", "x" * 100_000, "é" * 81,
             "=1+1", "  espaces   multiples  ", "Zéro\u200blargeur", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀", "Ligne\nsuivante",
             "Fin\x7f", "C1\x85contrôle", "<r>Dupont</r>")


def texts(base: Base) -> list[Case]:
    cases = []
    for sheet in ENTITY_SHEETS:
        for j, header in enumerate(base.sheets[sheet][0]):
            if base.kinds[sheet].get(header) in ("text", "ref", "pseudonym"):
                cases += [_value_case(base, "texts", sheet, j, value) for value in BAD_TEXTS]
    return cases


# --- structural families: the real export's bytes ----------------------------------------------------------

def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _sheet_parts(data: bytes) -> list[str]:
    return sorted(n for n in parts(data) if n.startswith("xl/worksheets/sheet"))


_BIG_CACHE: dict[str, bytes] = {}


def _structural(family: str, name: str, build: Callable[[], bytes]) -> Case:
    return Case(family, name, build, expect_refusal=True)


def zip_bombs(base: Base) -> list[Case]:
    data = base.export_bytes
    sheets = _sheet_parts(data)
    cases = []

    def inflated(mib: int, part: str) -> bytes:
        key = f"{mib}:{part}"
        if key not in _BIG_CACHE:
            filler = b"<row>" + b"<c><v>0</v></c>" * 1000 + b"</row>"
            body = b"<worksheet " + NS + b"><sheetData>" + filler * (mib * 1024 * 1024 // len(filler)) + \
                b"</sheetData></worksheet>"
            _BIG_CACHE[key] = rezip(data, replace={part: body})
        return _BIG_CACHE[key]

    for mib in (8, 40, 200):
        for part in sheets[:3]:
            cases.append(_structural("zip-bombs", f"{part} gonflé à {mib} Mio", lambda m=mib, p=part: inflated(m, p)))

    def lying(factor: int) -> bytes:
        raw = bytearray(data)
        pos = raw.find(b"PK\x01\x02")
        while pos != -1:
            uncompressed = int.from_bytes(raw[pos + 24:pos + 28], "little")
            raw[pos + 24:pos + 28] = max(1, uncompressed // factor).to_bytes(4, "little")
            pos = raw.find(b"PK\x01\x02", pos + 4)
        return bytes(raw)

    for factor in (2, 10, 1000):
        cases.append(_structural("zip-bombs", f"tailles déclarées divisées par {factor}", lambda f=factor: lying(f)))

    def huge_declared(value: int) -> bytes:
        raw = bytearray(data)
        pos = raw.find(b"PK\x01\x02")
        while pos != -1:
            raw[pos + 24:pos + 28] = value.to_bytes(4, "little")
            pos = raw.find(b"PK\x01\x02", pos + 4)
        return bytes(raw)

    for value in (0xFFFFFFF0, 2**31, 3 * 2**30):
        cases.append(_structural("zip-bombs", f"tailles déclarées {value}", lambda v=value: huge_declared(v)))
    cases.append(_structural("zip-bombs", "10 001 éléments", lambda: rezip(
        data, add={f"xl/media/x{i}.bin": b"" for i in range(10_001)})))
    cases.append(_structural("zip-bombs", "feuille en double", lambda: rezip(data, add={sheets[0]: b"<worksheet/>"})))
    cases.append(_structural("zip-bombs", "sans compression, 150 Mio", lambda: rezip(
        data, add={"xl/media/big.bin": b"\0" * (150 * 1024 * 1024)}, compression=zipfile.ZIP_STORED)))
    cases.append(_structural("zip-bombs", "chaînes partagées gonflées", lambda: rezip(
        data, replace={"xl/sharedStrings.xml": None}, add={"xl/sharedStrings.xml": b"<sst " + NS + b">" + b"<si><t>"
                                                           + b"a" * (300 * 1024 * 1024) + b"</t></si></sst>"})))
    return cases


def _laughs(levels: int, width: int) -> bytes:
    entities = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * width) for i in range(1, levels))
    return b'<?xml version="1.0"?><!DOCTYPE x [' + entities + b"]>"


def entities(base: Base) -> list[Case]:
    data = base.export_bytes
    all_parts = [n for n in parts(data) if n.endswith(".xml") or n.endswith(".rels")]
    cases = []
    payloads = {
        "rires": lambda root: _laughs(10, 10) + root.replace(b"LOL", b"&l9;"),
        "quadratique": lambda root: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "' + b"a" * 100_000 + b'">]>'
        + root.replace(b"LOL", b"&a;" * 20_000),
        "externe": lambda root: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + root.replace(b"LOL", b"&e;"),
        "paramètre": lambda root: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://exemple.invalid/x">'
        b"%p;]>" + root.replace(b"LOL", b"x"),
    }
    for part in all_parts:
        original = parts(data)[part]
        for label, make in payloads.items():
            def build(part=part, make=make, original=original) -> bytes:
                body = original.split(b"?>", 1)[-1] if original.startswith(b"<?xml") else original
                root = body.replace(b"</", b"LOL</", 1)
                return rezip(data, replace={part: make(root)})

            cases.append(_structural("entities", f"{part} : {label}", build))
    return cases


# (declared dimension, cells written, must be refused): a range beyond the limits (cells, columns with data) must
# be refused; a merely odd one (one cell far down a column, a reference a reader skips) may be read.
DIMENSIONS = (
    (b"A1:XFD1048576", [b"A1", b"XFD1048576"], True),
    (b"A1:XFD1048576", [b"XFD1048576"], False),
    (b"A1:XFD100000", [b"A1", b"XFD100000"], True),
    (b"A1:A1048576", [b"A1", b"A1048576"], False),
    (b"A1:XFD1", [b"A1", b"XFD1"], True),
    (b"A1:ZZZZ9", [b"A1", b"ZZZZ9"], False),
    (b"A0:B2", [b"A0", b"B2"], False),
    (b"A1:B99999999999", [b"A1", b"B99999999999"], False),
    (b"A-5:B2", [b"A-5"], False),
    (b"", [b"", b"C3"], False),
    (b"A1:IV65536", [b"A1", b"IV65536"], True),
    (b"A1:CV20000", [b"A1", b"CV20000"], False),
)


def read_sheet_parts(data: bytes) -> list[str]:
    """The sheet parts of the sheets an import reads (not Synthèse or Listes, which it ignores)."""
    import re

    found = parts(data)

    def elements(xml: bytes, tag: bytes) -> list[dict[bytes, bytes]]:
        return [dict(re.findall(rb'([\w:]+)="([^"]*)"', e)) for e in re.findall(rb"<" + tag + rb" ([^>]*)>", xml)]

    rels = {r[b"Id"]: r[b"Target"].decode().lstrip("/").removeprefix("xl/")
            for r in elements(found["xl/_rels/workbook.xml.rels"], b"Relationship")}
    return ["xl/" + rels[s[b"r:id"]] for s in elements(found["xl/workbook.xml"], b"sheet")
            if s[b"name"].decode() not in ("Synthèse", "Listes") and s.get(b"r:id") in rels]


def dimensions(base: Base) -> list[Case]:
    data = base.export_bytes
    cases = []
    for part in read_sheet_parts(data):
        for ref, cells, must_refuse in DIMENSIONS:
            def build(part=part, ref=ref, cells=cells) -> bytes:
                rows = b""
                for cell in cells:
                    digits = bytes(ch for ch in cell if chr(ch).isdigit() or ch == ord("-")) or b"1"
                    rows += b'<row r="%s"><c r="%s"><v>1</v></c></row>' % (digits, cell)
                body = (b"<worksheet " + NS + b'><dimension ref="' + ref + b'"/><sheetData>' + rows +
                        b"</sheetData></worksheet>")
                return rezip(data, replace={part: body})

            cases.append(Case("dimensions", f"{part} {ref.decode()} {b','.join(cells).decode()}", build,
                              expect_refusal=must_refuse))
        for r in (b"0", b"-1", b"1048577", b"4294967297"):
            def build(part=part, r=r) -> bytes:
                original = parts(data)[part]
                return rezip(data, replace={part: original.replace(b'<row r="2"', b'<row r="' + r + b'"', 1)})

            # a reader may number rows itself and read the file whole: no crash is all that is asked
            cases.append(Case("dimensions", f"{part} ligne numérotée {r.decode()}", build))
    return cases


def byte_mutations(base: Base, count: int = 650) -> list[Case]:
    data = base.export_bytes
    cases = []
    for i in range(count):
        def build(i=i) -> bytes:
            rng = random.Random(1000 + i)
            raw = bytearray(data)
            how = i % 5
            if how == 0:
                for _ in range(rng.randint(1, 40)):
                    k = rng.randrange(len(raw))
                    raw[k] ^= 1 << rng.randrange(8)
            elif how == 1:
                k = rng.randrange(len(raw))
                raw[k:k + rng.randint(1, 4096)] = bytes(min(4096, len(raw) - k))
            elif how == 2:
                raw = raw[: rng.randrange(len(raw))]
            elif how == 3:
                k = rng.randrange(len(raw))
                raw[k:k] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
            else:
                k = rng.randrange(len(raw))
                raw[k:k] = raw[k: k + rng.randint(1, 2048)]
            return bytes(raw)

        cases.append(Case("bytes", f"mutation d'octets n° {i}", build))
    return cases


def _xml_mutation(rng: random.Random, body: bytes) -> bytes:
    how = rng.randrange(10)
    tags = [k for k in range(len(body)) if body[k:k + 1] == b"<"] or [0]
    if how == 0:  # a tag removed
        k = rng.choice(tags)
        end = body.find(b">", k)
        return body[:k] + body[end + 1:]
    if how == 1:  # a piece doubled
        k = rng.choice(tags)
        return body[:k] + body[k:k + rng.randint(5, 400)] + body[k:]
    if how == 2:
        return body.replace(b't="s"', b't="s" s="999999"', 1).replace(b"<v>", b"<v>99999", 1)
    if how == 3:
        return body.replace(b't="s"', rng.choice([b't="b"', b't="d"', b't="e"', b't="inlineStr"', b't="zz"']), 3)
    if how == 4:
        return body.replace(b"<v>", b"<v>" + rng.choice([b"NaN", b"-inf", b"1e999", b"x", b"", b"2024-13-45T99"]), 3)
    if how == 5:
        k = rng.randrange(len(body))
        return body[:k] + rng.choice([b"\x00", b"\xff\xfe", b"&", b"<", b"]]>", b"&#0;", b"&#xD800;"]) + body[k:]
    if how == 6:
        return body[: rng.randrange(len(body))]
    if how == 7:
        return body.replace(b'r="', b'r="' + rng.choice([b"XFD", b"AAAA", b"-", b"A0"]), rng.randint(1, 5))
    if how == 8:
        return body.replace(b's="', b's="' + str(rng.choice([9999, -1, 2**40])).encode() + b"", 3)
    return body.replace(b">", b' x="' + b"y" * rng.randint(1, 100_000) + b'">', 1)


def xml_mutations(base: Base, count: int = 650) -> list[Case]:
    data = base.export_bytes
    targets = [n for n in parts(data) if n.endswith(".xml")]
    cases = []
    for i in range(count):
        part = targets[i % len(targets)]

        def build(i=i, part=part) -> bytes:
            rng = random.Random(5000 + i)
            body = parts(data)[part]
            for _ in range(rng.randint(1, 3)):
                body = _xml_mutation(rng, body)
            return rezip(data, replace={part: body})

        cases.append(Case("xml", f"{part} mutation XML n° {i}", build))
    return cases


def headers(base: Base) -> list[Case]:
    cases = []
    for sheet in ENTITY_SHEETS:
        for title_rows in (29, 30, 31, 45):
            def build(sheet=sheet, n=title_rows) -> bytes:
                sheets = _copy(base.sheets)
                sheets[sheet] = [[f"titre {k}"] for k in range(n)] + sheets[sheet]
                return workbook_bytes(sheets)

            case = Case("headers", f"{sheet} : en-tête après {title_rows} lignes de titre", build)
            case.extra["header_row"] = title_rows + 1
            cases.append(case)

        def doubled(sheet=sheet) -> bytes:
            sheets = _copy(base.sheets)
            sheets[sheet] = [sheets[sheet][0]] + sheets[sheet]
            return workbook_bytes(sheets)

        cases.append(Case("headers", f"{sheet} : en-tête répété", doubled))

        def nothing(sheet=sheet) -> bytes:
            sheets = _copy(base.sheets)
            sheets[sheet] = [["rien"], ["à"], ["voir"]]
            return workbook_bytes(sheets)

        cases.append(Case("headers", f"{sheet} : pas d'en-tête", nothing))
    return cases


def releve(base: Base) -> list[Case]:
    rows = base.releve_rows
    head = next(i for i, r in enumerate(rows) if "Heures réalisées" in r)
    cases = []
    values = WRONG_TYPES + BAD_NUMBERS + BAD_DATES[:10] + BAD_TEXTS[:4]
    for j, header in enumerate(rows[head]):
        for value in values:
            def build(j=j, value=value) -> bytes:
                cells = [list(r) for r in rows]
                for r in cells[head + 1:]:
                    if len(r) > rows[head].index("Heures réalisées"):
                        r[rows[head].index("Heures réalisées")] = 7.5
                cells[head + 1][j] = value
                return workbook_bytes({"Relevé d'heures": cells})

            kind = {"Heures réalisées": "decimal", "Mois": "month", "Contrat (identifiant)": "ref_id"}.get(header, "info")
            cases.append(Case("releve", f"relevé/{header}/{value!r:.30}", build,
                              Probe("Relevé d'heures", head + 2, header, value, kind)))
    for k in range(head):  # the title rows (SIRET, month, format…) made hostile
        for value in (True, 1e308, float("nan"), date(9999, 12, 31), "", None):
            def build(k=k, value=value) -> bytes:
                cells = [list(r) for r in rows]
                if len(cells[k]) > 1:
                    cells[k][1] = value
                return workbook_bytes({"Relevé d'heures": cells})

            cases.append(Case("releve", f"relevé/titre {k}/{value!r:.30}", build))
    return cases


FAMILIES: dict[str, Callable[[Base], list[Case]]] = {
    "types": types,
    "missing": missing,
    "short-rows": short_rows,
    "dates": dates,
    "numbers": numbers,
    "texts": texts,
    "zip-bombs": zip_bombs,
    "entities": entities,
    "dimensions": dimensions,
    "bytes": byte_mutations,
    "xml": xml_mutations,
    "headers": headers,
    "releve": releve,
}


def all_cases(base: Base, families: list[str] | None = None) -> list[Case]:
    out = []
    for name, make in FAMILIES.items():
        if families is None or name in families:
            out += make(base)
    return out


def sample(cases: list[Case], per_family: int) -> list[Case]:
    """A spread of at most `per_family` cases of each family (the same ones every run)."""
    by_family: dict[str, list[Case]] = {}
    for case in cases:
        by_family.setdefault(case.family, []).append(case)
    out = []
    for family, found in by_family.items():
        if len(found) <= per_family:
            out += found
        else:
            step = len(found) / per_family
            out += [found[int(k * step)] for k in range(per_family)]
    return out
