"""Charts: pure functions `data -> matplotlib.figure.Figure` (never pyplot), one module per family; their input
types come from `domain.figures`.

The same figures are shown on screen (`ui/dashboard/chart_canvas.py`) and written to the bilan PDF
(`services/reporting/bilan_pages.py`). French labels, decimal comma, thousands separated by spaces; every bar,
point and polygon carries its exact value for the hover tooltip (`style.tip_for`).
"""
