"""Static SVG plots for the report, drawn by matplotlib's Agg backend (no display, no network).

Each function returns an `<svg>` element to embed inline: text stays text (svg.fonttype none)
and each plot's internal ids are salted with its own key, so several plots in one page never
share a clip-path id.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from html import escape

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator  # noqa: E402

WIDTH, HEIGHT = 5.0, 2.4  # inches


def _svg(fig: plt.Figure, key: str) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": key}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    # The XML prologue cannot stand inside HTML; the RDF metadata only names matplotlib.
    text = re.sub(r"<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)
    return text.replace("<svg ", f'<svg class="plot" data-plot="{escape(key, quote=True)}" role="img" ', 1)


def histogram(key: str, values: Sequence[float], maximum: float, xlabel: str, title: str) -> str:
    """Scores from 0 to `maximum` in at most 20 bins, with the median marked."""
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    top = maximum if maximum > 0 else max(values, default=1.0) or 1.0
    bins = np.linspace(0, top, min(20, max(5, len(set(values)))) + 1)
    ax.hist(np.clip(values, 0, top), bins=list(bins), color="#4c78a8", edgecolor="white")
    if values:
        ax.axvline(float(np.median(values)), color="#e45756", linestyle="--", label=f"median {np.median(values):.4g}")
        ax.legend(frameon=False, fontsize=8)
    ax.set(xlabel=xlabel, ylabel="submissions", title=title, xlim=(0, top))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _tidy(ax)
    return _svg(fig, key)


def ratios(key: str, values: Sequence[float], limit: float, title: str) -> str:
    """Student/reference time ratios on a log axis, with the limit as a vertical line."""
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    shown = [v for v in values if v > 0]
    low = min([*shown, limit, 1.0]) / 1.5
    high = max([*shown, limit]) * 1.5
    ax.hist(shown, bins=list(np.geomspace(low, high, 25)), color="#54a24b", edgecolor="white")
    ax.axvline(limit, color="#e45756", linestyle="--", label=f"limit {limit:g}x")
    ax.set_xscale("log")
    # Plain tick labels: the default ones are mathtext ($10^{2}$), parsed at a second a plot.
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.legend(frameon=False, fontsize=8)
    ax.set(xlabel="student time / reference time", ylabel="submissions", title=title)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _tidy(ax)
    return _svg(fig, key)


def _tidy(ax: plt.Axes) -> None:
    # Fixed margins: a tight bounding box would draw every plot twice.
    ax.figure.subplots_adjust(left=0.13, right=0.97, bottom=0.2, top=0.88)
    ax.spines[["top", "right"]].set_visible(False)
    ax.title.set_fontsize(10)
