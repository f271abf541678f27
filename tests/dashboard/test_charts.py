"""Charts stay readable: no two pieces of text on a chart overlap, however close the values."""
from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.dashboard.charts import RUNGS, Series, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def text_boxes(svg: str) -> list[tuple[str, float, float, float, float]]:
    """(text, left, top, right, bottom) of every text, measured generously for DejaVu Sans."""
    root = ET.fromstring(svg)
    base = float(root.get("font-size", 13))
    boxes = []
    for node in root.iter(f"{SVG}text"):
        if node.text is None:
            continue
        size = float(node.get("font-size", base))
        width = len(node.text) * size * 0.6
        x, y = float(node.get("x")), float(node.get("y"))
        anchor = node.get("text-anchor", "start")
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        boxes.append((node.text, left, y - size * 0.8, left + width, y + size * 0.2))
    return boxes


def overlapping(boxes):
    return [
        (a[0], b[0]) for a, b in itertools.combinations(boxes, 2)
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


def chart(values_by_rung: list[list[float]]) -> str:
    days = [date(2026, 1, 31) + timedelta(days=30 * i) for i in range(len(values_by_rung[0]))]
    series = [Series(label, values, colour, dash)
              for (label, colour, dash), values in zip(RUNGS, values_by_rung, strict=False)]
    return str(line_chart(days, series, title="Tỉ lệ theo tháng (%)"))


@pytest.mark.parametrize("values", [
    [[38, 64, 70], [43, 53, 58], [40, 60, 70]],  # close values at the same day
    [[0, 0, 100], [0, 0, 100], [0, 0, 100]],  # equal values, at both ends of the axis
    [[100] * 12, [99] * 12, [98] * 12],  # twelve months, all near the top
])
def test_value_and_day_labels_do_not_overlap(values):
    assert overlapping(text_boxes(chart(values))) == []


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.lists(st.lists(st.floats(0, 100), min_size=n, max_size=n), min_size=3, max_size=3)))
def test_no_labels_overlap_for_any_values(values):
    assert overlapping(text_boxes(chart(values))) == []
