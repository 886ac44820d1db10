"""The PySide6 window, in feature folders (see docs/architecture.md). Nothing outside this package imports Qt."""
