"""The check-in trend: each partner's answers to one 1–10 question across the
revealed rounds, as numbers a template turns into an SVG line chart and a table.

Drawn on the server because the site runs without JavaScript: the page arrives
complete, the same numbers go into a table that screen readers and a browser
without CSS read, and the chart is a pure function of the answers, so nothing
needs caching or invalidating. Colours are not chosen here; the template gives
each line a class (`trend-line-0`, `trend-line-1`) and the stylesheet colours
it, so dark mode and forced colours work. The lines also differ in shape
(solid with dots, dashed with open diamonds) so colour is never the only cue.
"""

import hashlib
import math
from dataclasses import dataclass

LOW, HIGH = 1, 10  # the check-in scale, as library.models.SCALE_MIN/MAX
LABELLED = (1, 5, 10)  # y gridlines with a number beside them
MAX_X_LABELS = 5  # what fits under a 320 px wide chart: six dates touch

# The drawing, in viewBox units: numbers 1–10 on the left, round labels below.
WIDTH, HEIGHT = 320, 190
LEFT, RIGHT, TOP, BOTTOM = 40, 294, 10, 156
X_LABEL_Y = 180  # the labels are centred under their rounds: the margins leave room


@dataclass(frozen=True)
class Line:
    name: str  # a partner's display name
    values: tuple[int | None, ...]  # one per round, oldest first; None = no number


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    round_label: str


@dataclass(frozen=True)
class DrawnLine:
    name: str
    style: int  # 0: solid with dots; 1: dashed with open diamonds
    segments: tuple[str, ...]  # SVG points strings, one per unbroken run of two or more rounds
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Gridline:
    y: float
    value: int
    labelled: bool


@dataclass(frozen=True)
class XLabel:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[int | None, ...]  # one per line, in the lines' order


@dataclass(frozen=True)
class Chart:
    key: str  # unique per chart content: the ids the SVG's aria-labelledby points at
    question: str
    low_label: str
    high_label: str
    width: int
    height: int
    left: int  # where gridlines start and end
    right: int
    gridlines: tuple[Gridline, ...]
    x_labels: tuple[XLabel, ...]
    lines: tuple[DrawnLine, ...]
    rows: tuple[Row, ...]  # the table: a row per round, oldest first

    @property
    def names(self) -> tuple[str, ...]:
        """Whose lines these are, in the lines' order."""
        return tuple(line.name for line in self.lines)


def _y(value: int) -> float:
    return round(BOTTOM - (value - LOW) * (BOTTOM - TOP) / (HIGH - LOW), 1)


def _xs(count: int) -> list[float]:
    if count == 1:
        return [round((LEFT + RIGHT) / 2, 1)]
    step = (RIGHT - LEFT) / (count - 1)
    return [round(LEFT + i * step, 1) for i in range(count)]


def _labelled_rounds(count: int) -> list[int]:
    """As many evenly spaced rounds, first and last among them, as fit with
    no two closer than a quarter of the width."""
    if count < 2:
        return list(range(count))
    fits = next(n for n in range(MAX_X_LABELS, 1, -1) if (count - 1) // (n - 1) * (MAX_X_LABELS - 1) >= count - 1)
    return [math.floor(i * (count - 1) / (fits - 1) + 0.5) for i in range(fits)]


def _drawn(line: Line, style: int, xs: list[float], round_labels: list[str]) -> DrawnLine:
    points = tuple(
        Point(x=x, y=_y(value), value=value, round_label=label)
        for x, value, label in zip(xs, line.values, round_labels, strict=True)
        if value is not None
    )
    runs: list[list[str]] = [[]]
    for x, value in zip(xs, line.values, strict=True):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{x:g},{_y(value):g}")
    segments = tuple(" ".join(run) for run in runs if len(run) > 1)
    return DrawnLine(name=line.name, style=style, segments=segments, points=points)


def trend_chart(*, question: str, low_label: str, high_label: str, round_labels: list[str], lines: list[Line]) -> Chart:
    """The chart of one scale question; each line has a value per round label."""
    xs = _xs(len(round_labels)) if round_labels else []
    key = hashlib.blake2s(
        repr((question, low_label, high_label, round_labels, lines)).encode(), digest_size=6
    ).hexdigest()
    return Chart(
        key=f"trend-{key}",
        question=question,
        low_label=low_label,
        high_label=high_label,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=RIGHT,
        gridlines=tuple(Gridline(y=_y(v), value=v, labelled=v in LABELLED) for v in range(LOW, HIGH + 1)),
        x_labels=tuple(XLabel(x=xs[i], y=X_LABEL_Y, text=round_labels[i]) for i in _labelled_rounds(len(round_labels))),
        lines=tuple(_drawn(line, i % 2, xs, round_labels) for i, line in enumerate(lines)),
        rows=tuple(
            Row(label=label, values=tuple(line.values[i] for line in lines)) for i, label in enumerate(round_labels)
        ),
    )
