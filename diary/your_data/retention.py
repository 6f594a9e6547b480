"""Automatic deletion: episodes older than the age a person chose (6, 12 or 24 months).

Never shorter than the 6 months the rules look back (diary.assessment.HISTORY_MONTHS), so
that deleting old episodes cannot lower the advice for a new one. Run for everyone by
`manage.py delete_old_episodes` (a scheduler calls it, see the README) and for the person
whenever they open their diary, so a missed run never keeps an episode longer than promised.
The deleting itself is diary.services.delete_episodes_before, which re-assesses what remains.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from diary import services
from diary.assessment import HISTORY_MONTHS, months_before
from diary.models import Profile

AGES = tuple(months for months, _label in Profile._meta.get_field("auto_delete_months").choices)


def validate_months(months: int | None) -> int | None:
    """None (off) or one of AGES; never fewer months than the rules look back."""
    if months is None:
        return None
    if months < HISTORY_MONTHS:
        raise ValidationError(
            _("Choose %(months)s months or more: the advice counts the last %(months)s months."),
            params={"months": HISTORY_MONTHS},
        )
    if months not in AGES:
        raise ValidationError(_("Choose 6, 12 or 24 months, or never."))
    return months


def cutoff(months: int, now: datetime.datetime | None = None) -> datetime.datetime:
    """Episodes before this moment are older than `months` calendar months."""
    return months_before(now or timezone.now(), validate_months(months))


def delete_old_episodes(profile: Profile, now: datetime.datetime | None = None) -> int:
    """Delete the profile owner's episodes older than the age they chose; 0 (and no query)
    when they chose none."""
    if profile.auto_delete_months is None:
        return 0
    return services.delete_episodes_before(profile.user, cutoff(profile.auto_delete_months, now))


def delete_old_episodes_for_everyone(now: datetime.datetime | None = None) -> tuple[int, int]:
    """Run automatic deletion for every person who chose an age: (people, episodes)."""
    profiles = Profile.objects.filter(auto_delete_months__isnull=False).select_related("user")
    people = episodes = 0
    for profile in profiles.iterator():
        people += 1
        episodes += delete_old_episodes(profile, now)
    return people, episodes
