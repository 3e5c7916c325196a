"""Bar charts of articles over time, laid out on the server for SVG.

The search page's date facet and an entity's timeline are the same chart:
one bar per year, month or day (``search/query/facets.py`` picks the
level), each bar a link that narrows to its period. The geometry is
computed here so the template only writes attributes (the pages' CSP
allows no inline styles) and the chart works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from search import FacetValue, Period
from webapp.formatting import MONTHS, periodo_it

WIDTH, HEIGHT = 300, 120
LEFT, BOTTOM, TOP = 26, 16, 6
# At most one axis label per this many units of width, so labels never touch.
LABEL_SPACING = 62
LEVELS = {4: "anno", 7: "mese", 10: "giorno"}


@dataclass
class Bar:
    value: str  # "2019", "2019-05", "2019-05-03"
    label: str  # "maggio 2019"
    count: int
    href: str
    x: float
    y: float
    width: float
    height: float


@dataclass
class Tick:
    x: float
    text: str


@dataclass
class Chart:
    level: str  # anno, mese, giorno
    bars: list[Bar]
    ticks: list[Tick]
    top: int
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: float = HEIGHT - BOTTOM


def bar_chart(values: Sequence[FacetValue | Period], link: Callable[[str], str], subject: str
              ) -> Chart | None:
    """The chart of dated periods in calendar order (a date facet's values
    or a timeline), each bar linked to ``link(period)``; ``subject`` says
    what is counted, for the title."""
    periods = [(v.period, v.count) if isinstance(v, Period) else (v.value, v.count)
               for v in values]
    periods = [(value, count) for value, count in periods if value[:1].isdigit()]
    if not periods:
        return None
    level = LEVELS.get(len(periods[0][0]), "giorno")
    top = max(count for _, count in periods) or 1
    slot = (WIDTH - LEFT) / len(periods)
    gap = min(2.0, slot * 0.2)
    plot = HEIGHT - BOTTOM - TOP
    bars = []
    for i, (value, count) in enumerate(periods):
        height = 0.0 if not count else max(2.0, plot * count / top)
        bars.append(Bar(value, periodo_it(value), count, link(value) if count else "",
                        round(LEFT + i * slot + gap / 2, 2), round(HEIGHT - BOTTOM - height, 2),
                        round(slot - gap, 2), round(height, 2)))
    step = max(1, -(-len(periods) * LABEL_SPACING // (WIDTH - LEFT)))
    ticks = [Tick(round(bar.x + bar.width / 2, 2), short_period(bar.value))
             for bar in bars[::step]]
    first, last = bars[0].label, bars[-1].label
    total = sum(count for _, count in periods)
    span = first if first == last else f"da {first} a {last}"
    description = (f"{total} articoli {span}, per {level}; il massimo è {top} "
                   f"in {', '.join([b.label for b in bars if b.count == top][:3])}.")
    return Chart(level, bars, ticks, top, f"{subject} per {level}", description)


def short_period(value: str) -> str:
    """An axis label: 2019, "mag 2019", "3 mag"."""
    parts = value.split("-")
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1][:3]} {parts[0]}"
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1][:3]}"
    return value
