"""The page frame of the clause documents (reminder letter, attestation): A4 portrait, DejaVu Sans (the font
matplotlib ships, so every accent, « », € and no-break space prints and `pdftotext` reads it back), a footer
with « page n / N », paragraph and table styles. Written through `atomic_path`: never half a document.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from xml.sax.saxutils import escape

from erbm_desk import __version__
from erbm_desk.services.atomic_files import atomic_path

FONT, BOLD = "ERBM-DejaVuSans", "ERBM-DejaVuSans-Bold"
INK = colors.HexColor("#2b2f36")
MUTED = colors.HexColor("#6b7280")
PRIMARY = colors.HexColor("#2f5d8a")
ALERT = colors.HexColor("#b5533c")
LIGHT = colors.HexColor("#eef3f8")
GRID = colors.HexColor("#c9ced6")


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    import matplotlib

    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    pdfmetrics.registerFont(TTFont(FONT, os.path.join(folder, "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, os.path.join(folder, "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=INK, spaceAfter=6)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0),
        "cell_right": ParagraphStyle("cell_right", parent=body, fontSize=8, leading=10, spaceAfter=0,
                                     alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=8, leading=10, spaceAfter=0,
                               textColor=colors.white),
        "head_right": ParagraphStyle("head_right", parent=body, fontName=BOLD, fontSize=8, leading=10,
                                     spaceAfter=0, textColor=colors.white, alignment=TA_RIGHT),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=15, leading=19, textColor=PRIMARY,
                                spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=11, leading=14,
                                  textColor=PRIMARY, spaceBefore=8, spaceAfter=5),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "strong": ParagraphStyle("strong", parent=body, fontName=BOLD),
    }


def p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: a company named « A & B » prints as such); `**…**` is bold."""
    parts = escape(text).split("**")
    marked = "".join(f"<b>{part}</b>" if i % 2 else part for i, part in enumerate(parts))
    return Paragraph(marked.replace("\n", "<br/>"), style)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *,
          right: Sequence[int] = (), total: bool = False, alert_rows: Sequence[int] = ()) -> Table:
    """A table with a coloured header row, numbers on the right, the last row bold when it is a total, and the
    rows of `alert_rows` (0-based among `rows`) in the alert colour."""
    st = styles()
    data = [[p(h, st["head_right"] if i in right else st["head"]) for i, h in enumerate(header)]]
    for row in rows:
        data.append([p(cell, st["cell_right"] if i in right else st["cell"]) for i, cell in enumerate(row)])
    t = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), PRIMARY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if total and rows:
        commands += [("BACKGROUND", (0, len(rows)), (-1, len(rows)), LIGHT),
                     ("FONTNAME", (0, len(rows)), (-1, len(rows)), BOLD)]
    for i in alert_rows:
        commands.append(("TEXTCOLOR", (0, i + 1), (-1, i + 1), ALERT))
    t.setStyle(TableStyle(commands))
    return t


def _numbered_canvas(footer: str):
    class NumberedCanvas(pdf_canvas.Canvas):
        """Draws « page n / N » once the number of pages is known (reportlab's two-pass recipe)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 7.5)
                self.setFillColor(MUTED)
                self.drawString(18 * mm, 10 * mm, footer)
                self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {self._pageNumber} / {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def write_pdf(target: str | Path, flowables: list, title: str, subject: str, footer: str) -> int:
    """Write the document atomically; returns its number of pages."""
    _register_fonts()
    target = Path(target)
    pages = []
    with atomic_path(target) as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                topMargin=16 * mm, bottomMargin=18 * mm, title=title, subject=subject,
                                author="ERBM Desk", creator=f"ERBM Desk {__version__}")
        doc.build(flowables, canvasmaker=_numbered_canvas(footer),
                  onLaterPages=lambda c, d: pages.append(d.page), onFirstPage=lambda c, d: pages.append(d.page))
    return len(pages)
