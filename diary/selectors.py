"""Reads for the diary home, each a fixed number of queries however long the diary is."""

import bisect
import datetime
import math
import uuid
from functools import cache
from typing import Any, NamedTuple, cast

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from diary import follow_up
from diary.assessment import months_before
from diary.models import Episode, EpisodePoints
from knowledge import triage

COUNT_WINDOWS = (30, 90, 180)
# Open advice after the first, named on the diary home; the rest are counted.
OTHERS_SHOWN = 5
# What the list of episodes shows of each (templates/diary/history.html): a field left out
# is never decrypted.
LISTED = ("pk", "occurred_at", "amount", "assessment_level", "follow_up")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


def episodes_of(owner: Any) -> QuerySet[Episode]:
    return Episode.objects.filter(owner=owner)


def filtered(
    owner: Any, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> QuerySet[Episode]:
    """The owner's episodes, newest first, optionally between two dates (both included),
    with what the list shows of them."""
    episodes = episodes_of(owner)
    if date_from:
        episodes = episodes.filter(occurred_at__date__gte=date_from)
    if date_to:
        episodes = episodes.filter(occurred_at__date__lte=date_to)
    return episodes.order_by("-occurred_at").only(*LISTED)


def in_year(owner: Any, year: int) -> QuerySet[Episode]:
    """The owner's episodes of one year (in the current time zone), newest first, with what
    the list shows of them."""
    start, end = year_bounds(year)
    episodes = episodes_of(owner).filter(occurred_at__gte=start, occurred_at__lt=end)
    return episodes.order_by("-occurred_at").only(*LISTED)


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the year and of the next, in the current time zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=zone),
        datetime.datetime(year + 1, 1, 1, tzinfo=zone),
    )


# Points: every episode, as the diary home reads it ------------------------------------------


class Asked(NamedTuple):
    """What follow_up.is_open reads of an episode, and nothing else."""

    assessment_level: str
    follow_up: dict[str, Any] | None


# Later than any moment is_open is asked about: "not yet" has reopened by then, so advice
# that is still closed is closed for good ("booked", "seen").
FOREVER = datetime.datetime(9000, 1, 1, tzinfo=datetime.UTC)


def _can_open(level: str, answer: dict[str, Any] | None) -> bool:
    return follow_up.is_open(cast(Episode, Asked(level, answer)), FOREVER)


def _micro(moment: datetime.datetime) -> int:
    """A moment as whole microseconds since 1970: exact, and sorted as the moments are."""
    return (moment - EPOCH) // MICROSECOND


def _moment(micro: int) -> datetime.datetime:
    return EPOCH + micro * MICROSECOND


# One letter for each level in EpisodePoints: a thousand episodes' levels in a short string.
LETTERS = {"emergency": "e", "urgent": "u", "soon": "s", "routine": "r", "self_care": "c"}
LEVEL_OF = {letter: level for level, letter in LETTERS.items()}


class Points:
    """Every episode of one person, oldest first, as diary.models.EpisodePoints keeps them:
    {"at": [microseconds since 1970], "level": one letter each (LETTERS)}, and for those
    whose advice asks "Did you get it checked?" now or may again, "asked": [their index],
    "ids": [their id] and "answers": [the answer as diary.follow_up keeps it, null until
    answered]. Flat lists: read back at every visit, they parse several times faster than
    a list per episode."""

    def __init__(self, stored: dict[str, Any]):
        self.times: list[int] = stored["at"]
        self.levels: str = stored["level"]
        self.asked = dict(zip(stored["asked"], stored["answers"], strict=True))
        self.ids = dict(zip(stored["asked"], stored["ids"], strict=True))

    def _at(self, moment: datetime.datetime, after: bool = False) -> int:
        """The index of the first point at `moment` (after it, with `after`)."""
        find = bisect.bisect_right if after else bisect.bisect_left
        return find(self.times, _micro(moment))

    def count(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """How many from `start` to `end`, both included."""
        return max(0, self._at(end, after=True) - self._at(start))

    def first(self, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime | None:
        """The time of the first from `start` to `end`, both included."""
        index = self._at(start)
        return _moment(self.times[index]) if self.count(start, end) else None

    def of_year(self, year: int) -> list[tuple[datetime.datetime, str]]:
        """(time, level) of each episode of the year, in the current time zone, oldest
        first: what diary.timeline.build draws."""
        start, end = year_bounds(year)
        zone = timezone.get_current_timezone()
        return [
            (_moment(self.times[index]).astimezone(zone), LEVEL_OF[self.levels[index]])
            for index in range(self._at(start), self._at(end))
        ]

    def years(self) -> list[int]:
        """The years (in the current time zone) that have an episode, newest first."""
        if not self.times:
            return []
        zone = timezone.get_current_timezone()
        first, last = (_moment(self.times[i]).astimezone(zone).year for i in (0, -1))
        years = []
        for year in range(last, first - 1, -1):
            start, end = year_bounds(year)
            if self._at(end) > self._at(start):
                years.append(year)
        return years

    def waiting(self, now: datetime.datetime) -> list[int]:
        """The indexes of those up to now whose advice is open (follow_up.is_open),
        however old: the most urgent first, then the newest."""
        end = self._at(now, after=True)
        found = [
            (triage.level_rank(level), -self.times[index], index)
            for index, answer in self.asked.items()
            if index < end
            for level in [LEVEL_OF[self.levels[index]]]
            if follow_up.is_open(cast(Episode, Asked(level, answer)), now)
        ]
        found.sort()
        return [index for _rank, _at, index in found]

    def episode(self, index: int) -> Episode:
        """One whose advice can be open, as an episode read with only the fields the diary
        home shows of it (as from .only(): another would be read from the database)."""
        values = [
            uuid.UUID(self.ids[index]),
            _moment(self.times[index]),
            LEVEL_OF[self.levels[index]],
            self.asked[index],
        ]
        return Episode.from_db(
            "default", ["id", "occurred_at", "assessment_level", "follow_up"], values
        )


def points(owner: Any) -> Points:
    """Every episode of the owner as the diary home reads them (diary.models.EpisodePoints),
    in one query while they are current. When an episode has changed since they were made
    (their stamp no longer matches), they are made again from the episodes: two queries
    more, the same however many episodes there are."""
    with connection.cursor() as cursor:
        cursor.execute(_points_sql(), [owner.pk] * 4)
        episodes, changed, stamp, stored = cursor.fetchone()
    current = _stamp(episodes, changed)
    if stamp == current:
        field = EpisodePoints._meta.get_field("points")
        return Points(field.from_db_value(stored, None, connection))
    return Points(_make_points(owner, current))


@cache
def _points_sql() -> str:
    """The stamp of the owner's episodes as they are now, with the stored stamp and points.

    Written out: it runs on every visit of the diary home, and building it with the ORM
    (two correlated subqueries) took four times as long as running it. One row even when
    nothing is stored yet, so that points made now get the stamp read before the episodes.
    """

    def name(model: Any, field: str | None = None) -> str:
        meta = model._meta
        return connection.ops.quote_name(meta.get_field(field).column if field else meta.db_table)

    episodes, owner = name(Episode), name(Episode, "owner")
    stored, stored_owner = name(EpisodePoints), name(EpisodePoints, "owner")
    return (
        f"SELECT (SELECT COUNT(*) FROM {episodes} WHERE {owner} = %s), "
        f"(SELECT MAX({name(Episode, 'updated_at')}) FROM {episodes} WHERE {owner} = %s), "
        f"(SELECT {name(EpisodePoints, 'stamp')} FROM {stored} WHERE {stored_owner} = %s), "
        f"(SELECT {name(EpisodePoints, 'points')} FROM {stored} WHERE {stored_owner} = %s)"
    )


def _stamp(episodes: int, changed: Any) -> str:
    """What EpisodePoints.stamp holds: the number of episodes and their latest updated_at
    as the database gives it (a datetime or its text), from the same query every time."""
    return f"{episodes} {changed}"


def _make_points(owner: Any, stamp: str) -> dict[str, Any]:
    """The points of the owner's episodes, stored with `stamp`, read before them: a change
    in between makes them out of date at once, never up to date when they are not."""
    rows = list(
        episodes_of(owner)
        .order_by("occurred_at")
        .values_list("pk", "occurred_at", "assessment_level", "follow_up")
    )
    asked = [index for index, row in enumerate(rows) if _can_open(row[2], row[3])]
    made = {
        "at": [_micro(row[1]) for row in rows],
        "level": "".join(LETTERS[row[2]] for row in rows),
        "asked": asked,
        "ids": [rows[index][0].hex for index in asked],
        "answers": [rows[index][3] for index in asked],
    }
    EpisodePoints.objects.bulk_create(
        [EpisodePoints(owner=owner, stamp=stamp, points=made)],
        update_conflicts=True,
        unique_fields=["owner"],
        update_fields=["stamp", "points"],
    )
    return made


def counts(points: Points, now: datetime.datetime | None = None) -> dict[int, int]:
    """{30: n, 90: n, 180: n}: episodes in the last so many days."""
    now = now or timezone.now()
    return {days: points.count(now - datetime.timedelta(days=days), now) for days in COUNT_WINDOWS}


def open_advice(points: Points, now: datetime.datetime | None = None) -> dict[str, Any] | None:
    """The advice still open: each episode, however old, advised `soon` or more urgently
    whose "Did you get it checked?" is not answered, or answered "not yet" longer ago than
    the advice's time frame (diary.follow_up.is_open). The most urgent comes first, then the
    newest; the others follow it, the first OTHERS_SHOWN of them by name, and the rest are
    counted. All from the points: no query.

    `count` and `months` say how many episodes the last 6 months hold, for the context of
    the first: its assessment already counts them.
    """
    now = now or timezone.now()
    waiting = points.waiting(now)
    if not waiting:
        return None
    first, *others = (points.episode(index) for index in waiting[: OTHERS_SHOWN + 1])
    since = months_before(now, 6)
    recent, first_recent = points.count(since, now), points.first(since, now)
    months = max(1, math.ceil((now - first_recent).days / 30.4)) if first_recent else 0
    return {
        "level": first.assessment_level,
        "occurred_at": first.occurred_at,
        "episode": first,
        "answered_at": follow_up.answered_at(first),
        "others": others,
        "more": max(0, len(waiting) - 1 - OTHERS_SHOWN),
        "count": recent,
        "months": months,
    }
