"""A year's timeline, drawn on the server as inline SVG: no chart library, no script.

Each episode is a mark placed by date (left to right, 1 January to 31 December) and by
level, one row per level with its name on the y-axis (most urgent at the top). Level is told
by the row's name and the mark's shape as well as its colour, so it never relies on colour.
Episodes of the same level on the same day sit side by side with their number beside them,
so three do not look like one. The text alternative (the SVG's description and the table)
says the same in words.

A diary can hold a thousand episodes in a year, so the marks are written here as one piece
of markup, each date's words worked out once, instead of a template loop over every mark.
"""

import datetime
import html
from collections import Counter, defaultdict
from functools import lru_cache

from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from knowledge.triage import LEVELS

# Also the words of diary/templatetags/episode_words.py's level_name.
LEVEL_NAMES = {
    "emergency": _("Emergency"),
    "urgent": _("Urgent"),
    "soon": _("Soon"),
    "routine": _("Routine"),
    "self_care": _("Self-care"),
}
# The chart's axis has room for about ten letters (LABEL_END), and so has the doctor's
# report's chart (diary/your_data/report_chart.py): a language whose level names are longer
# ("В ближайшее время") gives a short form here; the legends, tables and badges beside the
# charts use the full names.
AXIS_NAMES = {
    "emergency": pgettext_lazy("level on the timeline's axis, 10 letters at most", "Emergency"),
    "urgent": pgettext_lazy("level on the timeline's axis, 10 letters at most", "Urgent"),
    "soon": pgettext_lazy("level on the timeline's axis, 10 letters at most", "Soon"),
    "routine": pgettext_lazy("level on the timeline's axis, 10 letters at most", "Routine"),
    "self_care": pgettext_lazy("level on the timeline's axis, 10 letters at most", "Self-care"),
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


@lru_cache(maxsize=256)
def _month_words(language, year, month):
    """A month's short name and its name with the year ("Mar", "March 2026") in the active
    `language`: formatting them took a fifth of the time to build a chart."""
    start = datetime.date(year, month, 1)
    return formats.date_format(start, "M"), formats.date_format(start, "F Y")


@lru_cache(maxsize=2048)
def _day_words(language, day):
    """A day as a mark's title names it ("3 Mar 2026", "3 марта 2026") in the active
    `language`: once per day and language, as a year can hold a thousand marks."""
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _path_parts(level, y):
    """How far left of its centre a level's mark starts, and the rest of its SVG path:
    triangle, diamond, square, circle, small circle."""
    if level == "emergency":
        return 0, f" {y - 7} l7 12 h-14 z"
    if level == "urgent":
        return 0, f" {y - 7} l7 7 l-7 7 l-7 -7 z"
    if level == "soon":
        return -5, f" {y - 5} h10 v10 h-10 z"
    r = 6 if level == "routine" else 4
    return -r, f" {y} a{r} {r} 0 1 0 {2 * r} 0 a{r} {r} 0 1 0 {-2 * r} 0"


def _shape(level, x, y):
    left, rest = _path_parts(level, y)
    return f"M{round(x + left, 1)}{rest}"


def _row_y(level):
    return TOP + ROW * LEVELS.index(level) + ROW // 2


def build(rows, now=None, year=None):
    """Everything the template needs for one year (now's, without `year`): the chart's
    markup (`svg`), its marks and same-day counts, the level rows and the counts per level
    and per month for the legend and the text alternative. `rows`: (time, level) of the
    year's episodes, oldest first; one outside the year is drawn at its edge."""
    now = timezone.localtime(now or timezone.now())
    year = year or now.year
    zone = timezone.get_current_timezone()
    first_day = datetime.date(year, 1, 1).toordinal()
    days = datetime.date(year + 1, 1, 1).toordinal() - first_day

    def x_for(days_in):
        """Where a moment `days_in` days after 1 January falls on the plot."""
        return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * min(max(days_in / days, 0), 1)

    same_day = defaultdict(int)
    for at, level in rows:
        same_day[(at.astimezone(zone).date(), level)] += 1
    language = get_language()
    names = {level: str(name) for level, name in LEVEL_NAMES.items()}
    # A year can hold a thousand marks, so their markup is written here, not by a template
    # loop, and what is the same for every mark of a level is worked out once: its row, the
    # start of its path, and its words either side of the date ("%(date)s: %(level)s").
    label = gettext("%(date)s: %(level)s")
    by_level = {}
    for level in LEVELS:
        y = _row_y(level)
        left, rest = _path_parts(level, y)
        before, _date, after = (label % {"date": "\0", "level": names[level]}).partition("\0")
        head = f'<path class="timeline__mark timeline__mark--{level.replace("_", "-")}" d="M'
        title = (f'{rest}"><title>{html.escape(before)}', f"{html.escape(after)}</title></path>")
        by_level[level] = (y, left, head, title, before, after)
    marks, counts, markup, count_markup = [], [], [], []
    per_month, per_level = Counter(), Counter()
    width = PLOT_RIGHT - PLOT_LEFT
    for (day, level), number in same_day.items():
        per_month[(day.month, level)] += number
        per_level[level] += number
        words = _day_words(language, day)
        y, left, head, (open_title, close_title), before, after = by_level[level]
        text = f"{before}{words}{after}"
        tail = f"{open_title}{html.escape(words)}{close_title}"
        step = min(STEP, SPREAD / (number - 1)) if number > 1 else 0
        half = step * (number - 1) / 2
        # Side by side around the middle of the day, the whole group inside the plot.
        centre = PLOT_LEFT + width * min(max((day.toordinal() - first_day + 0.5) / days, 0), 1)
        centre = min(max(centre, PLOT_LEFT + half), PLOT_RIGHT - half)
        xs = [round(centre - half + step * i, 1) for i in range(number)]
        for x in xs:
            marks.append({"x": x, "y": y, "level": level, "label": text})
            markup.append(f"{head}{round(x + left, 1)}{tail}")
        if number > 1:
            x = round(xs[-1] + MARK_RADIUS + 1, 1)
            counts.append({"x": x, "y": y - 2, "count": number, "level": level})
            count_markup.append(
                f'<text class="timeline__count" x="{x}" y="{y - 2}">{number}</text>'
            )

    # The table lists the months so far: a month still to come has nothing to count.
    last_month = now.month if year == now.year else 12
    months = []
    for month in range(1, 13):
        start = datetime.date(year, month, 1)
        months.append(
            {
                "x": round(max(PLOT_LEFT, x_for(start.toordinal() - first_day)), 1),
                "label": _month_words(language, year, month)[0],
                "name": _month_words(language, year, month)[1],
                "count": sum(per_month[(month, level)] for level in LEVELS),
                # "Urgent 2, Soon 1" for the table, joined here: a template loop in a loop
                # for each month cost more than the rest of the table.
                "by_level": ", ".join(
                    f"{names[level]} {per_month[(month, level)]}"
                    for level in LEVELS
                    if per_month[(month, level)]
                ),
                "listed": month <= last_month,
                # Every other month is named (each name would crowd the next), from January.
                "labelled": month % 2 == 1,
            }
        )
    level_rows = [
        {
            "level": level,
            "name": names[level],
            "axis_name": str(AXIS_NAMES[level]),
            "y": _row_y(level),
            "label_x": LABEL_END,
            "css": level.replace("_", "-"),
            "shape": _shape(level, 0, 0),
        }
        for level in LEVELS
    ]
    return {
        "year": year,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": RIGHT,
        "axis_y": AXIS_Y,
        "rows": level_rows,
        # Made here from numbers, level codes and escaped words only.
        "svg": mark_safe("".join([*_frame(level_rows, months), *markup, *count_markup])),
        "marks": marks,
        "counts": counts,
        "months": months,
        "levels": [
            {"level": level, "name": names[level], "count": per_level[level]}
            for level in LEVELS
            if per_level[level]
        ],
        "total": len(rows),
    }


def _frame(level_rows, months):
    """The chart's frame: each level's name and dotted line, the axes, and the months'
    ticks and short names."""
    for row in level_rows:
        yield (
            f'<text class="timeline__level" x="{row["label_x"]}" y="{row["y"]}" text-anchor="end" '
            f'dominant-baseline="central">{html.escape(row["axis_name"])}</text>'
            f'<line class="timeline__row" x1="{LEFT}" x2="{RIGHT}" y1="{row["y"]}" '
            f'y2="{row["y"]}"/>'
        )
    yield f'<line class="timeline__axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{AXIS_Y}"/>'
    yield f'<line class="timeline__axis" x1="{LEFT}" x2="{RIGHT}" y1="{AXIS_Y}" y2="{AXIS_Y}"/>'
    for month in months:
        x = month["x"]
        yield f'<line class="timeline__tick" x1="{x}" x2="{x}" y1="{AXIS_Y}" y2="{AXIS_Y + 4}"/>'
        if month["labelled"]:
            yield (
                f'<text class="timeline__label" x="{x}" y="{AXIS_Y + 16}">'
                f"{html.escape(month['label'])}</text>"
            )
