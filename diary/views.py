"""The diary pages. Every query goes through the signed-in owner: another person's episode
is a 404, never a 403 that would confirm it exists."""

import json
import uuid
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from diary import (
    assessment,
    encryption,
    follow_up,
    offline_queue,
    selectors,
    services,
    timeline,
)
from diary.choices import LABELS
from diary.forms import (
    BasicsForm,
    EpisodeForm,
    FactForm,
    HistoryFilterForm,
    ProfileForm,
    YearForm,
)
from diary.models import Episode
from diary.your_data.retention import delete_old_episodes
from knowledge.care import all_care_cards, care_card, country_from_request, present
from knowledge.forms import SelfCheckForm
from pcb_site.forms import submitted

PAGE_SIZE = 20
# Said first in a reason that fired only because the fact is not known.
ASSUMPTIONS = {
    "year_of_birth": gettext_lazy("We don't know your age."),
    "menopause": gettext_lazy("We don't know whether your periods have stopped."),
    "cervical_screening": gettext_lazy("We don't know when you last had cervical screening."),
    "anticoagulants": gettext_lazy("We don't know whether you take blood thinners."),
}
FACT_NAMES = {
    "year_of_birth": gettext_lazy("your year of birth"),
    "menopause": gettext_lazy("whether you have been through the menopause"),
    "cervical_screening": gettext_lazy("your cervical screening"),
    "anticoagulants": gettext_lazy("whether you take blood thinners"),
}


def diary_page(view):
    """Signed in, and no posted value in an error report: every field here is health data.
    (Never cached: pcb_site.middleware.NoStoreMiddleware covers /diary/.)"""
    return login_required(sensitive_post_parameters()(view))


def _own_episode(request, pk):
    return get_object_or_404(Episode, pk=pk, owner=request.user)


@diary_page
def history(request):
    """The diary home: open advice and the counts from the whole diary, then one year (this
    one, or ?year=) as a timeline and a list, with links to the other years that have
    episodes. A date filter lists the episodes between two dates instead, whatever the
    year."""
    profile = services.get_or_create_profile(request.user)
    delete_old_episodes(profile)  # automatic deletion, even if the scheduler missed a run
    now = timezone.now()
    this_year = timezone.localtime(now).year
    year = YearForm(request.GET, this_year=this_year).chosen()
    filter_form = HistoryFilterForm(request.GET or None)
    date_from = date_to = None
    if filter_form.is_valid():
        date_from = filter_form.cleaned_data["date_from"]
        date_to = filter_form.cleaned_data["date_to"]
    filtered = bool(date_from or date_to)
    points = selectors.points(request.user)
    advice = selectors.open_advice(points, now)
    of_year = points.of_year(year)
    if filtered:
        paginator = Paginator(selectors.filtered(request.user, date_from, date_to), PAGE_SIZE)
    else:
        paginator = Paginator(selectors.in_year(request.user, year), PAGE_SIZE)
        paginator.count = len(of_year)  # the points know: no COUNT query
    page = paginator.get_page(request.GET.get("page"))
    months = []
    for episode in page:
        local = timezone.localtime(episode.occurred_at)
        key = (local.year, local.month)
        if not months or months[-1]["key"] != key:
            months.append({"key": key, "date": episode.occurred_at, "episodes": []})
        months[-1]["episodes"].append(episode)
    # What a link to another page of the list keeps: the year and the dates, as read.
    kept: dict[str, object] = {"year": year} if year != this_year else {}
    if filtered:
        kept |= {name: day.isoformat() for name, day in filter_form.cleaned_data.items() if day}
    years = sorted({*points.years(), this_year, year}, reverse=True)
    return render(
        request,
        "diary/history.html",
        {
            "advice": advice,
            "advice_card": advice and care_card(advice["level"], profile.country),
            "counts": selectors.counts(points, now),
            "year": year,
            "this_year": this_year,
            # Links only when there is another year to go to: one with episodes, or back.
            "years": years if len(years) > 1 else [],
            "timeline": timeline.build(of_year, now, year),
            "page": page,
            "page_query": urlencode(kept),
            "months": months,
            "filter_form": filter_form,
            # Nothing typed into the filter: its fields as they are for everyone.
            "empty_filter": not any(request.GET.get(name) for name in filter_form.fields)
            and _empty_filter_fields(get_language()),
            "filtered": filtered,
            "has_episodes": bool(points.times),
        },
    )


@lru_cache(maxsize=8)
def _empty_filter_fields(language):
    """The date filter's fields with nothing typed in, rendered once per language: they are
    the same for everyone, and Django's form rendering (a template for each field and each
    widget) cost the diary home a tenth of its time."""
    return mark_safe("".join(field.as_field_group() for field in HistoryFilterForm()))


def _client_id(request):
    """The log form's client_id: made here for a new form, kept from the post after that.
    The offline queue sends an entry the form could not post with the same one, so an
    episode the server saved just before the connection dropped is not saved twice."""
    try:
        return uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        return None if request.method == "POST" else uuid.uuid4()


def _offline_log_page(context, country):
    """What the log form's script needs offline, none of it about the person: the key that
    entries are sealed to, the care cards it shows, what it says of a question left out."""
    required = {name: str(message) for name, message in EpisodeForm.required_messages.items()}
    required["occurred_at"] = str(EpisodeForm.base_fields["occurred_at"].error_messages["required"])
    return {
        **context,
        "offline_key": json.dumps(offline_queue.public_key()),
        "required_messages": json.dumps(required),
        "care_cards": all_care_cards(country),
    }


@diary_page
@require_http_methods(["GET", "POST"])
def log(request):
    profile = services.get_or_create_profile(request.user)
    offer_basics = not profile.basics_offered and not (profile.year_of_birth and profile.menopause)
    form = EpisodeForm(submitted(request), year_of_birth=profile.year_of_birth)
    basics = BasicsForm(submitted(request)) if offer_basics else None
    client_id = _client_id(request)
    if request.method == "POST" and form.is_valid() and (basics is None or basics.is_valid()):
        with transaction.atomic():  # the profile answers and the episode, or neither
            if basics is not None:
                given = {k: v for k, v in basics.cleaned_data.items() if v not in (None, "")}
                services.update_profile(profile, {**given, "basics_offered": True})
            episode, _created = services.log_episode(
                request.user, form.values(), client_id=client_id
            )
        return redirect(episode)
    context = {
        "form": form,
        "basics": basics,
        "client_id": client_id or uuid.uuid4(),
        "offline_page": json.dumps(offline_queue.page_data(request.user)),
    }
    return render(request, "diary/log.html", _offline_log_page(context, profile.country))


@require_GET
def offline_log(request):
    """The log form as the service worker keeps it, for /diary/new/ opened with no
    connection. It is the same for everyone and holds nothing about anyone: no account, no
    CSRF token, no messages, no time filled in (its script fills in the time, a client_id and
    whose entry it is, from what a signed-in page left on this phone)."""
    form = EpisodeForm()
    form.initial["occurred_at"] = None
    context = {
        "form": form,
        "offline_shell": True,
        "user": AnonymousUser(),
        "messages": [],
        "session_mark": "",  # no session's: see pcb_site/context_processors.py
    }
    country = country_from_request(request, from_language=True)
    return render(request, "diary/log.html", _offline_log_page(context, country))


@diary_page
def detail(request, pk):
    """The episode with its current advice, as stored (the rules are not evaluated here),
    what was said when it was logged if that differs, and, where a reason rests on a fact
    we do not know, that fact said first with the taps that answer it."""
    episode = _own_episode(request, pk)
    profile = services.get_or_create_profile(request.user)
    result = assessment.stored_assessment(episode)
    shown = present(result, profile.country)
    for reason in shown["reasons"]:
        facts = result["assumed"].get(reason["code"], [])
        if facts:
            assumed = " ".join(str(ASSUMPTIONS[fact]) for fact in facts)
            reason["message"] = f"{assumed} {reason['message']}"
            reason["assumed"] = facts
            # A form per reason, so that two reasons resting on the age have distinct ids.
            reason["fact_form"] = FactForm(
                auto_id=f"id_{reason['code']}_%s", initial={"menopause": profile.menopause}
            )
    then = None
    if assessment.told_differs(episode):
        then = care_card(assessment.assessment_when_logged(episode)["level"], profile.country)
    return render(
        request,
        "diary/detail.html",
        {
            **shown,
            "episode": episode,
            "then_card": then,
            "answers": _answers_for_display(episode),
            "refine": [FACT_NAMES[fact] for fact in result["refine"]],
        },
    )


@diary_page
@require_http_methods(["POST"])
def answer_fact(request, pk):
    """Answer, from an episode's page, a profile fact its advice had to assume; every
    episode is assessed again at once, and the page shows the new advice."""
    episode = _own_episode(request, pk)
    form = FactForm(request.POST)
    if form.is_valid() and form.given():
        services.update_profile(services.get_or_create_profile(request.user), form.given())
        messages.success(request, _("Thank you. The advice below now counts your answer."))
    else:
        messages.error(request, _("We could not save that. Check it and try again."))
    return redirect(f"{episode.get_absolute_url()}#why-title")


def _answers_for_display(episode):
    """(question, answer) pairs for what was logged, in plain words."""
    yes, no = _("Yes"), _("No")
    rows = [
        (_("Amount"), LABELS["amount"].get(episode.amount, episode.amount)),
        (_("Pain during sex"), LABELS["pain_during_sex"].get(episode.pain_during_sex)),
        (_("Pain since the sex"), LABELS["pain_after"].get(episode.pain_after)),
        (_("Felt faint or dizzy"), yes if episode.faint else no),
        (_("Pregnant"), LABELS["pregnancy"].get(episode.pregnancy)),
        (_("Clots"), LABELS["clots"].get(episode.clots)),
    ]
    if episode.onset:
        rows.append((_("Started"), LABELS["onset"][episode.onset]))
    if episode.colour:
        rows.append((_("Colour"), LABELS["colour"][episode.colour]))
    if episode.still_bleeding:
        rows.append((_("How long"), LABELS["duration"]["still_bleeding"]))
    elif episode.duration:
        rows.append((_("How long"), LABELS["duration"][episode.duration]))
    if episode.recent_procedure not in ("", "none"):
        procedure = LABELS["recent_procedure"].get(episode.recent_procedure)
        rows.append((_("Recently"), procedure))
    if episode.symptoms:
        symptoms = ", ".join(str(LABELS["symptoms"][s]) for s in episode.symptoms)
        rows.append((_("Symptoms"), symptoms))
    circumstances = [
        str(label) for name, label in LABELS["circumstances"].items() if getattr(episode, name)
    ]
    if circumstances:
        rows.append((_("This time"), "; ".join(circumstances)))
    return rows


@diary_page
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    episode = _own_episode(request, pk)
    profile = services.get_or_create_profile(request.user)
    form = EpisodeForm(
        submitted(request),
        episode=episode,
        year_of_birth=profile.year_of_birth,
    )
    if request.method == "POST" and form.is_valid():
        services.update_episode(episode, form.changed_values())
        messages.success(request, _("Saved. The advice was worked out again."))
        return redirect(episode)
    return render(request, "diary/edit.html", {"form": form, "episode": episode})


@diary_page
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    episode = _own_episode(request, pk)
    if request.method == "POST":
        services.delete_episode(episode)
        messages.success(request, _("The episode is deleted."))
        return redirect("diary")
    return render(request, "diary/delete.html", {"episode": episode})


@diary_page
@require_http_methods(["GET", "POST"])
def profile(request):
    current = services.get_or_create_profile(request.user)
    form = ProfileForm(submitted(request), instance=current)
    if request.method == "POST" and form.is_valid():
        services.update_profile(current, form.changed_values())
        messages.success(request, _("Your profile is saved."))
        return redirect("diary")
    return render(request, "diary/profile.html", {"form": form})


# A self-check result waiting in the session while its owner signs up or logs in. Encrypted
# with the diary's key: the answers are health data, and sessions live in the database.
PENDING_CHECK = "self_check_to_save"


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def save_check(request):
    """Save a self-check result as a diary episode, with nothing to type again.

    POST carries the answers from the result page (hidden fields, as it was never stored).
    Signed in, it is saved at once. Otherwise it waits, encrypted, in the session, and the
    person goes to sign-up (or log-in) with ?next= back here, where GET saves it.
    """
    if request.method == "POST":
        form = SelfCheckForm(request.POST)
        if (not form.is_valid() and not form.is_emergency()) or not form.answers()["amount"]:
            messages.error(request, _("We could not read those answers. Please check again."))
            return redirect("check")
        pending = {
            "answers": form.answers(),
            "checked_at": timezone.now().isoformat(),
            "client_id": str(uuid.uuid4()),
        }
        if not request.user.is_authenticated:
            request.session[PENDING_CHECK] = encryption.encrypt(pending)
            return redirect(f"{reverse('signup')}?next={reverse('diary_save_check')}")
    else:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        token = request.session.pop(PENDING_CHECK, None)
        if token is None:
            return redirect("diary")
        pending = encryption.decrypt(token)
    episode, filled = services.save_self_check(
        request.user,
        pending["answers"],
        parse_datetime(pending["checked_at"]),
        uuid.UUID(pending["client_id"]),
    )
    if filled:
        messages.success(
            request,
            _("Saved in your diary, and your answers from the check are in your profile now."),
        )
    else:
        messages.success(request, _("Saved in your diary. You can add details or change it."))
    return redirect(episode)


@diary_page
@require_http_methods(["GET", "POST"])
def answer_follow_up(request, pk):
    """Answer "Did you get it checked?" for an episode. The form is posted from the diary
    home or the episode's page; this page of its own shows it with any mistake beside its
    field, and is where the home links for open advice after the first."""
    episode = _own_episode(request, pk)
    form = follow_up.FollowUpForm(submitted(request), episode=episode)
    came_from = "diary" if request.POST.get("from", request.GET.get("from")) == "diary" else ""
    if request.method == "POST" and form.is_valid():
        follow_up.record_follow_up(episode, **form.answer())
        messages.success(
            request,
            _("Your answer is saved: %(outcome)s.")
            % {"outcome": follow_up.outcome(episode.follow_up)},
        )
        return redirect("diary" if came_from else episode)
    profile = services.get_or_create_profile(request.user)
    return render(
        request,
        "diary/follow_up.html",
        {
            "episode": episode,
            "card": care_card(episode.assessment_level, profile.country),
            "follow_up_form": form,
            "follow_up_from": came_from,
        },
    )
