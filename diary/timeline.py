"""The 12-month timeline, drawn on the server as inline SVG: no chart library, no script.

Each episode is a mark placed by date (left to right) and by level (most urgent at the
top). Level is shown by row and shape as well as colour, so it does not rely on colour.
"""

import datetime
from collections import Counter

from django.utils import formats, timezone

from diary.services import months_before
from knowledge.triage import LEVELS

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, ROW = 8, 352, 14, 24
AXIS_Y = TOP + ROW * len(LEVELS) + 4


def _month_starts(start, now):
    month = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while month <= now:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def _shape(level, x, y):
    """An SVG path per level: triangle, diamond, square, circle, small circle."""
    if level == "emergency":
        return f"M{x} {y - 7} l7 12 h-14 z"
    if level == "urgent":
        return f"M{x} {y - 7} l7 7 l-7 7 l-7 -7 z"
    if level == "soon":
        return f"M{x - 5} {y - 5} h10 v10 h-10 z"
    r = 6 if level == "routine" else 4
    return f"M{x - r} {y} a{r} {r} 0 1 0 {2 * r} 0 a{r} {r} 0 1 0 {-2 * r} 0"


def build(rows, now=None):
    """Everything the template needs: marks, month ticks and per-month counts."""
    now = timezone.localtime(now or timezone.now())
    start = months_before(now, 12)
    span = (now - start).total_seconds()

    def x_for(moment):
        return round(LEFT + (RIGHT - LEFT) * (moment - start).total_seconds() / span, 1)

    local_rows = [(timezone.localtime(at), level) for at, level in rows]
    marks = [
        {
            "d": _shape(level, x_for(at), TOP + ROW * LEVELS.index(level) + ROW // 2),
            "css": level.replace("_", "-"),
            "label": formats.date_format(at, "j M Y"),
        }
        for at, level in local_rows
    ]
    per_month = Counter((at.year, at.month) for at, _level in local_rows)
    months = [
        {
            "x": max(LEFT, x_for(month)),
            "label": formats.date_format(month, "M"),
            "name": formats.date_format(month, "F Y"),
            "count": per_month[(month.year, month.month)],
        }
        for month in _month_starts(start, now)
    ]
    rows_y = [
        {"level": level, "y": TOP + ROW * i + ROW // 2, "css": level.replace("_", "-")}
        for i, level in enumerate(LEVELS)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "axis_y": AXIS_Y,
        "tick_end": AXIS_Y + 4,
        "label_y": AXIS_Y + 16,
        "left": LEFT,
        "right": RIGHT,
        "marks": marks,
        "months": months,
        "rows": rows_y,
        "total": len(rows),
    }
