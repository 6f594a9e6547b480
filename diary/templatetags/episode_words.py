"""An episode's time, level and amount in a few words, for any diary template:
{% load episode_words %}. Filters, not includes: the diary home shows them for every
episode it lists, and an include costs a template render each time."""

from functools import lru_cache

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from diary.timeline import LEVEL_NAMES

register = template.Library()

AMOUNT_WORDS = {
    "spotting": _("Spotting"),
    "light": _("Light bleeding"),
    "moderate": _("Moderate bleeding"),
    "heavy": _("Heavy bleeding"),
}


@register.filter
def level_name(level):
    """{{ episode.assessment_level|level_name }}: "Urgent", "Self-care"."""
    return LEVEL_NAMES.get(level, LEVEL_NAMES["self_care"])


@register.filter
def amount_word(amount):
    """{{ episode.amount|amount_word }}: "Light bleeding"."""
    return AMOUNT_WORDS.get(amount, AMOUNT_WORDS["heavy"])


@register.filter
def when(moment, year=""):
    """{{ episode.occurred_at|when }}: "Tuesday 3 March, 21:40" in the person's time zone,
    as |date:"l j E, H:i" says it. {{ ...|when:"year" }} adds the year when it is not this
    one ("Tuesday 3 March 2025, 21:40"), for a list that is not a year's. The day's words
    are looked up once per day and language: |date took a quarter of the diary home's
    template time for its list of 20."""
    local = timezone.localtime(moment)
    day = local.date()
    with_year = bool(year) and day.year != timezone.localdate().year
    return f"{_day(day, get_language(), with_year)}, {local:%H:%M}"


@register.filter
def day(moment):
    """{{ advice.occurred_at|day }}: "3 March" this year, "3 March 2025" another year."""
    local = timezone.localdate(moment)
    return formats.date_format(local, "j E" if local.year == timezone.localdate().year else "j E Y")


@lru_cache(maxsize=1024)
def _day(day, language, with_year):
    return formats.date_format(day, "l j E Y" if with_year else "l j E")
