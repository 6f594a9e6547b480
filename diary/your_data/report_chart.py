"""The report's chart, drawn here as inline SVG: episodes per month over the report's
period, one row per advice level (most urgent at the top) and a row of totals.

Made to be read on paper in black and white: the level is told by the row's name and each
month's count is written as a number, so the colours only help. No script, no library: the
same SVG is in the HTML preview and in the PDF. Colours and sizes are presentation
attributes, not only CSS classes: WeasyPrint's SVG renderer does not apply the page's
stylesheet inside an inline SVG (and the CSP, which forbids style attributes, allows them).
"""

import datetime
from collections import Counter

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from diary.timeline import AXIS_NAMES, LEVEL_NAMES
from knowledge.triage import LEVELS

WIDTH = 320
# Room for a level's name on the axis, ten letters at most (timeline.AXIS_NAMES).
LABEL_END, LEFT, RIGHT = 78, 84, 316
TOP, ROW = 4, 24
TOTAL_Y = TOP + ROW * len(LEVELS) + ROW // 2
AXIS_Y = TOP + ROW * (len(LEVELS) + 1)
MONTH_Y, YEAR_Y = AXIS_Y + 14, AXIS_Y + 27
HEIGHT = YEAR_Y + 5
# A dot grows with its count, up to the room a narrow month has.
SMALLEST, STEP, LARGEST = 7, 1.5, 11
# Text is placed by its baseline: this much below a row's middle centres it.
BASELINE = 4
# (fill, outline, text on it) per level: dark dots with white numbers for the levels that
# need care sooner, light ones with dark numbers for the others; the same as the badges
# in static/css/report.css.
COLOURS = {
    "emergency": ("#1c1c1c", "#1c1c1c", "#ffffff"),
    "urgent": ("#b3261e", "#b3261e", "#ffffff"),
    "soon": ("#1d5a85", "#1d5a85", "#ffffff"),
    "routine": ("#d6e6f2", "#1d5a85", "#1c2126"),
    "self_care": ("#eceef0", "#5b6670", "#1c2126"),
}
TOTAL = _("Total")


def month_starts(start, end):
    """The first day of each month from start's month to end's, both included."""
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def build(rows, start, end):
    """`rows`: (local datetime, level) for each episode in the period, which runs from the
    `start` date to the `end` date."""
    months = list(month_starts(start, end))
    width = (RIGHT - LEFT) / len(months)
    # A name for every month if they fit, else for every second or third.
    every = 1 if width >= 20 else 2 if width >= 10 else 3
    per_cell = Counter((at.year, at.month, level) for at, level in rows)
    columns, dots = [], []
    for i, month in enumerate(months):
        x = round(LEFT + width * (i + 0.5), 1)
        total = 0
        for level in LEVELS:
            count = per_cell[(month.year, month.month, level)]
            total += count
            if count:
                dots.append(
                    {
                        "x": x,
                        "y": TOP + ROW * LEVELS.index(level) + ROW // 2,
                        "r": min(SMALLEST + STEP * (count - 1), LARGEST, width / 2),
                        "text_y": TOP + ROW * LEVELS.index(level) + ROW // 2 + BASELINE,
                        "count": count,
                        "css": level.replace("_", "-"),
                        "fill": COLOURS[level][0],
                        "stroke": COLOURS[level][1],
                        "text": COLOURS[level][2],
                    }
                )
        columns.append(
            {
                "x": x,
                "total": total,
                "label": formats.date_format(month, "M") if i % every == 0 else "",
                # The year under the first month and under each January.
                "year": month.year if i == 0 or month.month == 1 else "",
                "name": formats.date_format(month, "F Y"),
                "levels": [
                    gettext("%(level)s %(count)s")
                    % {
                        "level": LEVEL_NAMES[level],
                        "count": per_cell[(month.year, month.month, level)],
                    }
                    for level in LEVELS
                    if per_cell[(month.year, month.month, level)]
                ],
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": RIGHT,
        "top": TOP,
        "axis_y": AXIS_Y,
        "month_y": MONTH_Y,
        "year_y": YEAR_Y,
        "total_y": TOTAL_Y,
        "total_text_y": TOTAL_Y + BASELINE,
        "label_x": LABEL_END,
        "total_name": TOTAL,
        "rows": [
            {
                "name": AXIS_NAMES[level],
                "y": TOP + ROW * i + ROW // 2,
                "text_y": TOP + ROW * i + ROW // 2 + BASELINE,
                "css": level.replace("_", "-"),
            }
            for i, level in enumerate(LEVELS)
        ],
        "columns": columns,
        "dots": dots,
        "busy": [column for column in columns if column["total"]],
        "total": len(rows),
    }
