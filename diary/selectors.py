"""Reads for the history page, each a fixed number of queries however long the diary is."""

import datetime
import math

from django.db.models import Count, Q
from django.utils import timezone

from diary.models import Episode
from diary.services import months_before
from knowledge import triage

COUNT_WINDOWS = (30, 90, 180)
OPEN_URGENT_DAYS = 7


def episodes_of(owner):
    return Episode.objects.filter(owner=owner)


def filtered(owner, date_from=None, date_to=None):
    """The owner's episodes, newest first, optionally between two dates (both included)."""
    episodes = episodes_of(owner)
    if date_from:
        episodes = episodes.filter(occurred_at__date__gte=date_from)
    if date_to:
        episodes = episodes.filter(occurred_at__date__lte=date_to)
    return episodes.order_by("-occurred_at")


def counts(owner, now=None):
    """{30: n, 90: n, 180: n}: episodes in the last so many days, in one query."""
    now = now or timezone.now()
    aggregates = {
        f"days_{days}": Count("pk", filter=Q(occurred_at__gte=now - datetime.timedelta(days=days)))
        for days in COUNT_WINDOWS
    }
    result = episodes_of(owner).filter(occurred_at__lte=now).aggregate(**aggregates)
    return {days: result[f"days_{days}"] for days in COUNT_WINDOWS}


def timeline(owner, now=None):
    """Episodes of the last 12 months as (occurred_at, level), oldest first, in one query."""
    now = now or timezone.now()
    return list(
        episodes_of(owner)
        .filter(occurred_at__gte=months_before(now, 12), occurred_at__lte=now)
        .order_by("occurred_at")
        .values_list("occurred_at", "assessment_level")
    )


def open_advice(timeline_rows, now=None):
    """The most urgent advice still open, from timeline() rows (no extra query).

    The latest episode of the last 6 months carries the advice (its assessment already
    counts the history). An emergency or urgent episode of the last 7 days outranks a
    milder later one: if the person has not been seen yet, that advice still stands.
    """
    now = now or timezone.now()
    recent = [(at, level) for at, level in timeline_rows if at >= months_before(now, 6)]
    if not recent:
        return None
    week_ago = now - datetime.timedelta(days=OPEN_URGENT_DAYS)
    candidates = [recent[-1]] + [
        (at, level) for at, level in recent if at >= week_ago and level in ("emergency", "urgent")
    ]
    at, level = min(candidates, key=lambda row: (triage.level_rank(row[1]), -row[0].timestamp()))
    first = recent[0][0]
    months = max(1, math.ceil((now - first).days / 30.4))
    return {"level": level, "occurred_at": at, "count": len(recent), "months": months}
