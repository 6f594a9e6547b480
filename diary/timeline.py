"""The 12-month timeline, drawn on the server as inline SVG: no chart library, no script.

Each episode is a mark placed by date (left to right) and by level, one row per level with
its name on the y-axis (most urgent at the top). Level is told by the row's name and the
mark's shape as well as its colour, so it never relies on colour. Episodes of the same level
on the same day sit side by side with their number beside them, so three do not look like
one. The text alternative (the SVG's description and the table) says the same in words.
"""

import datetime
from collections import Counter, defaultdict

from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from diary.assessment import months_before
from knowledge.triage import LEVELS

# The same words as templates/diary/includes/level_name.html.
LEVEL_NAMES = {
    "emergency": _("Emergency"),
    "urgent": _("Urgent"),
    "soon": _("Soon"),
    "routine": _("Routine"),
    "self_care": _("Self-care"),
}

WIDTH = 360
# The level names end at LABEL_END; the y-axis is at LEFT, the plot ends at RIGHT, with room
# beyond it for a same-day count.
LABEL_END, LEFT, RIGHT = 73, 78, 346
TOP, ROW = 4, 26
AXIS_Y = TOP + ROW * len(LEVELS) + 2
HEIGHT = AXIS_Y + 22
# Half the widest mark; marks keep this far (and a little more) from the plot's edges, so
# the first and last days of the year are drawn whole, not cut by the axis or the frame.
MARK_RADIUS = 7
PLOT_LEFT, PLOT_RIGHT = LEFT + MARK_RADIUS + 2, RIGHT - MARK_RADIUS - 2
# Same-day marks are this far apart, and a day's group is never wider than SPREAD.
STEP, SPREAD = 5, 20


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


def _row_y(level):
    return TOP + ROW * LEVELS.index(level) + ROW // 2


def build(rows, now=None):
    """Everything the template needs: the level rows, the marks, the same-day counts, the
    month ticks and the counts per level and per month for the text alternative."""
    now = timezone.localtime(now or timezone.now())
    start = months_before(now, 12)
    span = (now - start).total_seconds()

    def x_for(moment):
        share = min(max((moment - start).total_seconds() / span, 0), 1)
        return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * share

    local_rows = [(timezone.localtime(at), level) for at, level in rows]
    same_day = defaultdict(list)
    for at, level in local_rows:
        same_day[(at.date(), level)].append(at)
    marks, counts = [], []
    for (_day, level), group in same_day.items():
        step = min(STEP, SPREAD / (len(group) - 1)) if len(group) > 1 else 0
        half = step * (len(group) - 1) / 2
        # Side by side around the day's place, the whole group inside the plot.
        centre = min(max(x_for(group[0]), PLOT_LEFT + half), PLOT_RIGHT - half)
        y = _row_y(level)
        xs = [round(centre - half + step * i, 1) for i in range(len(group))]
        for x, at in zip(xs, group, strict=True):
            marks.append(
                {
                    "x": x,
                    "y": y,
                    "d": _shape(level, x, y),
                    "level": level,
                    "css": level.replace("_", "-"),
                    "label": gettext("%(date)s: %(level)s")
                    % {"date": formats.date_format(at, "j M Y"), "level": LEVEL_NAMES[level]},
                }
            )
        if len(group) > 1:
            x = round(xs[-1] + MARK_RADIUS + 1, 1)
            counts.append({"x": x, "y": y - 2, "count": len(group), "level": level})

    per_month = Counter((at.year, at.month, level) for at, level in local_rows)
    months = [
        {
            "x": round(max(PLOT_LEFT, x_for(month)), 1),
            "label": formats.date_format(month, "M"),
            "name": formats.date_format(month, "F Y"),
            "count": sum(per_month[(month.year, month.month, level)] for level in LEVELS),
            "levels": [
                {"name": LEVEL_NAMES[level], "count": per_month[(month.year, month.month, level)]}
                for level in LEVELS
                if per_month[(month.year, month.month, level)]
            ],
            # Every other whole month is named (the part-month at the start would crowd the
            # next name), and none so near the right edge that it is cut.
            "labelled": month >= start and i % 2 == 1 and x_for(month) < WIDTH - 22,
        }
        for i, month in enumerate(_month_starts(start, now))
    ]
    per_level = Counter(level for _at, level in local_rows)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "top": TOP,
        "axis_y": AXIS_Y,
        "tick_end": AXIS_Y + 4,
        "label_y": AXIS_Y + 16,
        "left": LEFT,
        "right": RIGHT,
        "rows": [
            {
                "level": level,
                "name": LEVEL_NAMES[level],
                "y": _row_y(level),
                "label_x": LABEL_END,
                "css": level.replace("_", "-"),
                "shape": _shape(level, 0, 0),
            }
            for level in LEVELS
        ],
        "marks": marks,
        "counts": counts,
        "months": months,
        "levels": [
            {"level": level, "name": LEVEL_NAMES[level], "count": per_level[level]}
            for level in LEVELS
            if per_level[level]
        ],
        "total": len(rows),
    }
