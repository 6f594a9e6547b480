"""Reads for the history page, each a fixed number of queries however long the diary is."""

import datetime
import math
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from diary import follow_up
from diary.assessment import months_before
from diary.models import Episode
from knowledge import triage

COUNT_WINDOWS = (30, 90, 180)
# Open advice after the first, named on the diary home; the rest are counted.
OTHERS_SHOWN = 5


def episodes_of(owner: Any) -> QuerySet[Episode]:
    return Episode.objects.filter(owner=owner)


def filtered(
    owner: Any, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> QuerySet[Episode]:
    """The owner's episodes, newest first, optionally between two dates (both included)."""
    episodes = episodes_of(owner)
    if date_from:
        episodes = episodes.filter(occurred_at__date__gte=date_from)
    if date_to:
        episodes = episodes.filter(occurred_at__date__lte=date_to)
    return episodes.order_by("-occurred_at")


def counts(owner: Any, now: datetime.datetime | None = None) -> dict[int, int]:
    """{30: n, 90: n, 180: n}: episodes in the last so many days, in one query."""
    now = now or timezone.now()
    aggregates = {
        f"days_{days}": Count("pk", filter=Q(occurred_at__gte=now - datetime.timedelta(days=days)))
        for days in COUNT_WINDOWS
    }
    result = episodes_of(owner).filter(occurred_at__lte=now).aggregate(**aggregates)
    return {days: result[f"days_{days}"] for days in COUNT_WINDOWS}


class TimelineRows(list[tuple[datetime.datetime, str]]):
    """What timeline() returns: (occurred_at, level) rows of the last 12 months, oldest
    first, for the chart (diary.timeline.build), and `episodes`, every episode up to now
    with only what open_advice reads (the follow-up among it), from the same query."""

    def __init__(self, episodes: list[Episode], since: datetime.datetime):
        super().__init__(
            (episode.occurred_at, episode.assessment_level)
            for episode in episodes
            if episode.occurred_at >= since
        )
        self.episodes = episodes


def timeline(owner: Any, now: datetime.datetime | None = None) -> TimelineRows:
    """Every episode up to now, oldest first, in one query: the chart shows the last 12
    months, and advice stays open until it is answered, however old. Model instances, as
    diary.follow_up reads episodes; only the fields the page uses are fetched (another
    would cost a query per episode)."""
    now = now or timezone.now()
    episodes = list(
        episodes_of(owner)
        .filter(occurred_at__lte=now)
        .order_by("occurred_at")
        .only("pk", "occurred_at", "assessment_level", "follow_up")
    )
    return TimelineRows(episodes, since=months_before(now, 12))


def open_advice(rows: TimelineRows, now: datetime.datetime | None = None) -> dict[str, Any] | None:
    """The advice still open, from timeline() rows (no extra query): each episode, however
    old, advised `soon` or more urgently whose "Did you get it checked?" is not
    answered, or answered "not yet" longer ago than the advice's time frame
    (diary.follow_up.is_open). The most urgent comes first, then the newest; the others
    follow it, the first OTHERS_SHOWN of them by name.

    `count` and `months` say how many episodes the last 6 months hold, for the context of
    the first: its assessment already counts them.
    """
    now = now or timezone.now()
    waiting = sorted(
        (episode for episode in rows.episodes if follow_up.is_open(episode, now)),
        key=lambda e: (triage.level_rank(e.assessment_level), -e.occurred_at.timestamp()),
    )
    if not waiting:
        return None
    first, others = waiting[0], waiting[1:]
    recent = [at for at, _level in rows if at >= months_before(now, 6)]
    months = max(1, math.ceil((now - recent[0]).days / 30.4)) if recent else 0
    return {
        "level": first.assessment_level,
        "occurred_at": first.occurred_at,
        "episode": first,
        "answered_at": follow_up.answered_at(first),
        "others": others[:OTHERS_SHOWN],
        "more": max(0, len(others) - OTHERS_SHOWN),
        "count": len(recent),
        "months": months,
    }
