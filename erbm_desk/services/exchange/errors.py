"""The one exception a user sees when a workbook cannot be read at all (French message, nothing changed)."""

from __future__ import annotations


class ExcelFileError(ValueError):
    """The file is not a workbook we can read safely: not xlsx, corrupt, encrypted, too large, zip bomb…"""
