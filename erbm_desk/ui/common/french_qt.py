"""Qt's own texts in French whatever the machine's language (LANG=C.UTF-8 as well as fr_FR.UTF-8): file
dialogs, calendars, standard buttons, text fields' context menus.

Two parts: the French locale as the application's default (month and day names in calendars, numbers in spin
boxes), and the French translations shipped with PySide6 (`qtbase_fr`; in the frozen build,
packaging/erbm-desk.spec keeps them). Some of Qt's texts have changed since its French catalogue was made —
« &Look in: » is translated there as « Look in: », without its shortcut letter: a second translator answers
those from the same catalogue, and says a few in plainer French (« Regarder dans »).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)

# Texts of Qt's whose French its catalogue lacks, or says less plainly (context, source) -> French.
OURS = {
    ("QFileDialog", "&Look in:"): "&Regarder dans\u00a0:",
    ("QFileDialog", "Files of &type:"): "&Type de fichiers\u00a0:",
}


class _Catalogue(QTranslator):
    """Answers what `base` (qtbase_fr) misses: our own French (OURS), else the text with its shortcut letter (&)
    taken out, translated, the letter put back."""

    def __init__(self, base: QTranslator, parent=None):
        super().__init__(parent)
        self.base = base

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        ours = OURS.get((context, source))
        if ours is not None:
            return ours
        if "&" in source:
            bare = source.replace("&&", "\0").replace("&", "").replace("\0", "&")
            found = self.base.translate(context, bare, disambiguation, n)
            if found:
                return "&" + found
        return None  # a null string: Qt asks the next translator (an empty one would be taken as the answer)

    def isEmpty(self) -> bool:
        return False


def install_french(app: QCoreApplication) -> bool:
    """French locale and Qt's French texts for `app`; True when the translations were found."""
    QLocale.setDefault(FRENCH)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    base = QTranslator(app)
    if not base.load(FRENCH, "qtbase", "_", folder):
        return False
    # Qt asks the translator installed last first: ours, then qtbase_fr.
    app.installTranslator(base)
    app.installTranslator(_Catalogue(base, app))
    return True
