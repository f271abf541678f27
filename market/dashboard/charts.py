"""Charts as SVG drawn on the server: numbers written on them, lines told apart by dash as
well as colour, so they read on a phone, in black-and-white print and in a PDF."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]  # percentages, one per x position
    colour: str
    dash: str = ""


def svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" '
        f'role="img" aria-label="{escape(title)}" {FONT} font-size="13"><title>{escape(title)}</title>'
    )


RUNGS = (
    ("registered", "#b7791f", ""),
    ("displayed", "#2a9d8f", "6 4"),
    ("active", "#0b6e4f", "2 3"),
)


LABEL_GAP = 14  # px between the baselines of two value labels at one day
CHAR_WIDTH = 0.62  # of the font size: a generous average for DejaVu Sans digits and letters


def spread(wanted: list[float], low: float, high: float, gap: float = LABEL_GAP) -> list[float]:
    """Baselines as close to ``wanted`` as possible, ``gap`` apart and within [low, high]
    (close values at one day, such as 38 and 43, get labels that do not overlap)."""
    order = sorted(range(len(wanted)), key=lambda k: wanted[k])
    placed = [min(max(wanted[k], low), high) for k in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    if placed and placed[-1] > high:
        placed[-1] = high
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    result = [0.0] * len(wanted)
    for k, position in zip(order, placed, strict=True):
        result[k] = position
    return result


def line_chart(days: Sequence[date], series: Sequence[Series], *, title: str,
               width: int = 520, height: int = 300) -> Markup:
    """Percentages over days; every point carries its value, placed clear of the others."""
    left, right, top, bottom, inset = 44, 16, 40, 46, 18
    plot_w, plot_h = width - left - right - 2 * inset, height - top - bottom
    n = max(len(days), 1)

    def x(i: int) -> float:
        return left + inset + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 100)

    parts = [svg_open(width, height, title)]
    for value in (0, 25, 50, 75, 100):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     f'stroke="#ddd"/><text x="{left - 4}" y="{y(value) + 4:.1f}" text-anchor="end" '
                     f'fill="#555">{value}%</text>')
    # Day labels thin out when they would touch: every k-th one, always the last.
    spacing = plot_w / (n - 1) if n > 1 else plot_w
    every = max(1, -(-(5 * 13 * CHAR_WIDTH + 8) // spacing))
    for i, day in enumerate(days):
        if (n - 1 - i) % every == 0:
            parts.append(f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                         f'fill="#555">{day.strftime("%d/%m")}</text>')
    for line in series:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(line.values))
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{line.colour}" '
                     f'stroke-width="2.5"{dash}/>')
    for i in range(len(days)):
        values = [line.values[i] for line in series]
        baselines = spread([y(v) - 6 for v in values], top - 6, y(0) - 5)
        for line, value, baseline in zip(series, values, baselines, strict=True):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{line.colour}"/>'
                         f'<text x="{x(i):.1f}" y="{baseline:.1f}" text-anchor="middle" '
                         f'fill="{line.colour}" font-size="12" font-weight="bold">{value:.0f}</text>')
    legend_x = left
    for line in series:
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(f'<line x1="{legend_x}" x2="{legend_x + 24}" y1="14" y2="14" stroke="{line.colour}" '
                     f'stroke-width="2.5"{dash}/><text x="{legend_x + 28}" y="18">{escape(line.label)}</text>')
        legend_x += 40 + 13 * CHAR_WIDTH * len(line.label)
    parts.append(f'<text x="{width - right}" y="{height - 6}" text-anchor="end" fill="#555">'
                 f'{escape(title)}</text></svg>')
    return Markup("".join(parts))


def bar_chart(groups: Sequence[tuple[str, Sequence[float]]], labels: Sequence[str], *, title: str,
              width: int = 520) -> Markup:
    """For each group, one bar per rung (percent), each labelled with its value."""
    left, right, bar, gap = 170, 46, 15, 10
    colours = [colour for _, colour, _ in RUNGS]
    group_h = bar * len(labels) + gap
    height = 30 + group_h * len(groups) + 10
    plot_w = width - left - right
    parts = [svg_open(width, height, title)]
    legend_x = 8
    for label, colour in zip(labels, colours, strict=False):
        parts.append(f'<rect x="{legend_x}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{legend_x + 16}" y="16">{escape(label)}</text>')
        legend_x += 26 + 8 * len(label)
    for g, (name, values) in enumerate(groups):
        top = 30 + g * group_h
        parts.append(f'<text x="{left - 6}" y="{top + group_h / 2:.1f}" text-anchor="end">'
                     f'{escape(name[:24])}</text>')
        for i, value in enumerate(values):
            w = plot_w * max(value, 0) / 100
            by = top + i * bar
            parts.append(f'<rect x="{left}" y="{by}" width="{w:.1f}" height="{bar - 2}" '
                         f'fill="{colours[i % len(colours)]}"/><text x="{left + w + 4:.1f}" '
                         f'y="{by + bar - 3}" font-size="12">{value:.0f}%</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
