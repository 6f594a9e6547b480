"""The follow-up question and its outcome in any diary template, with nothing for the view
to pass but the episode: {% load follow_up_tags %}."""

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language

from diary import follow_up

register = template.Library()

FIELDS = ("status", "booked_for", "finding")
# Where each question's field group goes (the stylesheet shows the date and the findings
# only with their answer).
WRAPPERS = {"status": "", "booked_for": "follow-up__booked", "finding": "follow-up__seen"}
# The fields' markup of forms not yet posted, by language and the answer they start from.
_unposted: dict[tuple, str] = {}
UNPOSTED_KEPT = 64


@register.simple_tag
def follow_up_form(episode):
    """{% follow_up_form episode as follow_up_form %}: the question, with the current answer."""
    return follow_up.FollowUpForm(episode=episode)


@register.simple_tag
def follow_up_fields(form):
    """{% follow_up_fields follow_up_form %}: the three questions, each in its group.

    A form not yet posted looks the same for everyone who starts from the same answer, and
    the diary home shows one whenever advice is open: its markup is made once per process
    for each answer and language (Django's form templates took half the home's time). A
    posted form, with the person's own values and mistakes, is always made afresh."""
    if form.is_bound or settings.DEBUG:
        return _fields(form)
    initial = (str(form.initial.get(name)) for name in FIELDS)
    key = (type(form), get_language(), form.auto_id, *initial)
    if key not in _unposted:
        if len(_unposted) >= UNPOSTED_KEPT:
            _unposted.clear()
        _unposted[key] = _fields(form)
    return _unposted[key]


def _fields(form):
    groups = []
    for name in FIELDS:
        group = form[name].as_field_group()
        if WRAPPERS[name]:
            group = format_html('<div class="{}">{}</div>', WRAPPERS[name], group)
        groups.append((group,))
    return format_html_join("\n", "{}", groups)


@register.filter
def follow_up_outcome(answer):
    """{{ episode.follow_up|follow_up_outcome }}: "Seen: nothing found", "" if unanswered."""
    return follow_up.outcome(answer)


@register.filter
def follow_up_answered_at(episode):
    """{{ episode|follow_up_answered_at|date:"j E" }}: when the person answered, or None."""
    return follow_up.answered_at(episode)
