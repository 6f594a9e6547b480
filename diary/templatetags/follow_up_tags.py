"""The follow-up question and its outcome in any diary template, with nothing for the view
to pass but the episode: {% load follow_up_tags %}."""

from django import template

from diary import follow_up

register = template.Library()


@register.simple_tag
def follow_up_form(episode):
    """{% follow_up_form episode as follow_up_form %}: the question, with the current answer."""
    return follow_up.FollowUpForm(episode=episode)


@register.filter
def follow_up_outcome(answer):
    """{{ episode.follow_up|follow_up_outcome }}: "Seen: nothing found", "" if unanswered."""
    return follow_up.outcome(answer)


@register.filter
def follow_up_answered_at(episode):
    """{{ episode|follow_up_answered_at|date:"j F" }}: when the person answered, or None."""
    return follow_up.answered_at(episode)
