"""Charts as SVG drawn on the server: numbers written on them, lines told apart by dash as
well as colour, so they read on a phone, in black-and-white print and in a PDF.

A page shows a chart about as wide as a phone's card (``WIDTH`` units to roughly as many CSS
px), so that its 13-unit text stays at least 11 px on a phone. Nothing is shortened: long
names wrap onto more lines, and a value label that would touch another text is left out (its
point keeps the value as a tooltip) rather than drawn over it.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
WIDTH = 300  # about the width of a chart card on a 360-390 px wide phone, in CSS px
SIZE = 13  # font size of every text, in SVG units
LINE = 17  # baseline to baseline: a line box of DejaVu Sans is 1.164 font sizes tall
ASCENT, DESCENT = 0.93, 0.24  # of the font size, DejaVu Sans (among the widest fallbacks)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]  # percentages, one per x position
    colour: str
    dash: str = ""


RUNGS = (
    ("registered", "#b7791f", ""),
    ("displayed", "#2a9d8f", "6 4"),
    ("active", "#0b6e4f", "2 3"),
)

# Advance widths (of the font size) that bound DejaVu Sans Bold from above; other fonts a
# phone falls back to are narrower, so a text measured with these never ends up wider.
NARROW, WIDE, CAPITAL, OTHER = 0.5, 1.05, 0.85, 0.72


def text_width(text: str, size: float = SIZE) -> float:
    total = 0.0
    for char in text:
        base = unicodedata.normalize("NFD", char)[0]  # "ữ" is as wide as "u"
        if base in " ,.:;/()[]|!'ijlftrI·-":
            total += NARROW
        elif base in "mwMW%@":
            total += WIDE
        elif base.isupper():
            total += CAPITAL
        else:
            total += OTHER
    return total * size


def wrap(text: str, width: float, size: float = SIZE) -> list[str]:
    """``text`` in lines no wider than ``width``, broken between words (a single word wider
    than that keeps a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


@dataclass
class Sheet:
    """The texts placed so far, as boxes, so that a new one can be checked against them."""

    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)

    @staticmethod
    def box(text: str, x: float, baseline: float, anchor: str = "start", size: float = SIZE):
        width = text_width(text, size)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        return left, baseline - ASCENT * size, left + width, baseline + DESCENT * size

    def free(self, box, gap: float = 1.0) -> bool:
        left, top, right, bottom = box
        return all(right + gap <= a or b + gap <= left or bottom + gap <= c or d + gap <= top
                   for a, c, b, d in self.boxes)

    def take(self, box) -> None:
        self.boxes.append(box)


def svg_open(width: float, height: float, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'class="chart" role="img" aria-label="{escape(title)}" {FONT} font-size="{SIZE}">'
        f'<title>{escape(title)}</title>'
    )


def text(x: float, baseline: float, content: str, extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{baseline:.1f}"{extra}>{escape(content)}</text>'


def heading(title: str, width: float, sheet: Sheet) -> tuple[list[str], float]:
    """The title, wrapped, from the top left: its parts and the baseline of its last line."""
    parts, baseline = [], 0.0
    for line in wrap(title, width - 8):
        baseline += LINE
        parts.append(text(4, baseline, line, ' font-weight="bold"'))
        sheet.take(sheet.box(line, 4, baseline))
    return parts, baseline


def legend(items: Sequence[tuple[str, str]], width: float, baseline: float,
           sheet: Sheet) -> tuple[list[str], float]:
    """Swatches (SVG markup at the origin, 24 units wide, standing on the baseline) each
    with its label, flowing onto as many lines as the width needs."""
    parts, x = [], 4.0
    baseline += LINE
    for swatch, label in items:
        needed = 28 + text_width(label)
        if x > 4 and x + needed > width - 4:
            x, baseline = 4.0, baseline + LINE
        parts.append(f'<g transform="translate({x:.1f} {baseline:.1f})">{swatch}</g>'
                     + text(x + 28, baseline, label))
        sheet.take((x, baseline - ASCENT * SIZE, x + needed, baseline + DESCENT * SIZE))
        x += needed + 14
    return parts, baseline


def line_chart(days: Sequence[date], series: Sequence[Series], *, title: str,
               width: float = WIDTH) -> Markup:
    """Percentages over days; every point carries its value where it can be written clear
    of every other text, the latest day's first."""
    sheet = Sheet()
    parts, baseline = heading(title, width, sheet)
    swatches = [(_stroke(s.colour, s.dash), s.label) for s in series]
    legend_parts, baseline = legend(swatches, width, baseline, sheet)
    parts += legend_parts
    axis_w = text_width("100%") + 6
    left, right, inset = axis_w, 8.0, 18.0
    top = baseline + DESCENT * SIZE + LINE + 4  # room for a value label above 100 %
    plot_h = 150.0
    bottom = top + plot_h
    height = bottom + LINE + 8
    plot_w = width - left - right - 2 * inset
    n = max(len(days), 1)

    def x(i: int) -> float:
        return left + inset + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 100)

    for value in (0, 25, 50, 75, 100):
        label = f"{value}%"
        parts.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" stroke="#ddd"/>'
                     + text(left - 4, y(value) + 4, label, ' text-anchor="end" fill="#555"'))
        sheet.take(sheet.box(label, left - 4, y(value) + 4, "end"))
    # Day labels thin out when they would touch: every k-th one, always the last.
    spacing = plot_w / (n - 1) if n > 1 else plot_w
    every = max(1, int(-(-(text_width("00/00") + 8) // spacing)))
    day_baseline = bottom + LINE
    for i, day in enumerate(days):
        if (n - 1 - i) % every == 0:
            parts.append(text(x(i), day_baseline, day.strftime("%d/%m"),
                              ' text-anchor="middle" fill="#555"'))
    for line in series:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(line.values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{line.colour}" '
                     f'stroke-width="2.5"{_dash(line.dash)}/>')
    order = [n - 1, 0, *range(n - 2, 0, -1)] if n > 1 else [0]
    for i in order:
        for line in series:
            value = line.values[i]
            label = f"{value:.0f}"
            tooltip = f"<title>{escape(line.label)} {days[i].strftime('%d/%m/%Y')}: {label}%</title>"
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{line.colour}">'
                         f'{tooltip}</circle>')
            above, below = y(value) - 6, y(value) + 6 + ASCENT * SIZE
            for candidate in (above, below, above - LINE, below + LINE):  # stacked when close
                box = sheet.box(label, x(i), candidate, "middle")
                if box[1] >= top - LINE and box[3] <= bottom + 2 and sheet.free(box):
                    sheet.take(box)
                    parts.append(backing(box) + text(x(i), candidate, label, f' text-anchor="middle" '
                                        f'fill="{line.colour}" font-weight="bold"'))
                    break
    parts.append("</svg>")
    return Markup(svg_open(width, height, title) + "".join(parts))


def backing(box) -> str:
    """A pale plate under a value, so that the lines it sits on do not cross its digits (a
    white outline would do in a browser, but not in the PDF maker)."""
    left, top, right, bottom = box
    return (f'<rect x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" height="{bottom - top:.1f}" '
            f'fill="#fff" fill-opacity="0.8"/>')


def _dash(dash: str) -> str:
    return f' stroke-dasharray="{dash}"' if dash else ""


def _stroke(colour: str, dash: str) -> str:
    """A series' line in the legend, 24 units long, a little above the baseline."""
    return f'<line x1="0" x2="24" y1="-4" y2="-4" stroke="{colour}" stroke-width="2.5"{_dash(dash)}/>'


def bar_chart(groups: Sequence[tuple[str, Sequence[float]]], labels: Sequence[str], *, title: str,
              width: float = WIDTH) -> Markup:
    """For each group its whole name on a line of its own (wrapped when long), then one bar
    per rung (percent), each followed by its value."""
    sheet = Sheet()
    colours = [colour for _, colour, _ in RUNGS]
    parts, baseline = heading(title, width, sheet)
    swatches = [(f'<rect x="6" y="-11" width="12" height="12" fill="{colour}"/>', label)
                for label, colour in zip(labels, colours, strict=False)]
    legend_parts, baseline = legend(swatches, width, baseline, sheet)
    parts += legend_parts
    left = 4.0
    plot_w = width - left - text_width("100%") - 8
    for name, values in groups:
        baseline += 8
        for line in wrap(name, width - 8):
            baseline += LINE
            parts.append(text(left, baseline, line))
        for i, value in enumerate(values):
            baseline += LINE
            w = plot_w * min(max(value, 0), 100) / 100
            parts.append(f'<rect x="{left:.1f}" y="{baseline - 11:.1f}" width="{w:.1f}" height="13" '
                         f'fill="{colours[i % len(colours)]}"/>'
                         + text(left + w + 4, baseline, f"{value:.0f}%"))
    height = baseline + DESCENT * SIZE + 6
    parts.append("</svg>")
    return Markup(svg_open(width, height, title) + "".join(parts))
