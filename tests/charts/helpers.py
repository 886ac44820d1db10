"""Reading back what a figure draws: bars, lines, texts (not pixels)."""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle


def bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle) and hasattr(p, "erbm_label")]


def drawn(ax) -> dict[str, float]:
    """label -> drawn length of each bar (width of horizontal bars, height of vertical ones)."""
    out = {}
    for bar in bars(ax):
        horizontal = ax.get_yaxis_transform() is not None and bar.get_x() == 0 and bar.get_height() < 1
        out[bar.erbm_label] = bar.get_width() if horizontal else bar.get_height()
    return out


def texts(fig) -> list[str]:
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [t.get_text() for t in ax.texts] + [ax.get_title(loc="left")]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend:
            found += [t.get_text() for t in legend.get_texts()]
    return found


def render(fig) -> None:
    """Draw once (tick labels exist only after a draw) and make sure nothing raises."""
    FigureCanvasAgg(fig).draw()
