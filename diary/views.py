"""The diary pages. Every query goes through the signed-in owner: another person's episode
is a 404, never a 403 that would confirm it exists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from diary import selectors, services, timeline
from diary.forms import LABELS, BasicsForm, EpisodeForm, HistoryFilterForm, ProfileForm
from diary.models import Episode
from knowledge.care import care_card, result_context
from knowledge.pages import all_pages
from pcb_site.forms import submitted

PAGE_SIZE = 20
# Pages that explain what was logged, beyond those the reasons point to.
PAGES_FOR_ANSWERS = {
    "first_intercourse": "/learn/first-intercourse/",
    "partner_blood": "/learn/partners-blood/",
    "non_consensual": "/learn/non-consensual-sex/",
    "pregnancy": "/learn/bleeding-in-pregnancy/",
    "infection": "/learn/sexually-transmitted-infections/",
    "vaginal_dryness": "/learn/vaginal-dryness-and-menopause/",
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
    profile = services.get_profile(request.user)
    filter_form = HistoryFilterForm(request.GET or None)
    date_from = date_to = None
    if filter_form.is_valid():
        date_from = filter_form.cleaned_data["date_from"]
        date_to = filter_form.cleaned_data["date_to"]
    rows = selectors.timeline(request.user)
    advice = selectors.open_advice(rows)
    page = Paginator(selectors.filtered(request.user, date_from, date_to), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    months = []
    for episode in page:
        key = (episode.occurred_at.year, episode.occurred_at.month)
        if not months or months[-1]["key"] != key:
            months.append({"key": key, "date": episode.occurred_at, "episodes": []})
        months[-1]["episodes"].append(episode)
    return render(
        request,
        "diary/history.html",
        {
            "advice": advice,
            "advice_card": advice and care_card(advice["level"], profile.country),
            "counts": selectors.counts(request.user),
            "timeline": timeline.build(rows),
            "page": page,
            "months": months,
            "filter_form": filter_form,
            "filtered": bool(date_from or date_to),
        },
    )


@diary_page
@require_http_methods(["GET", "POST"])
def log(request):
    profile = services.get_profile(request.user)
    offer_basics = not profile.basics_offered and not (profile.year_of_birth and profile.menopause)
    form = EpisodeForm(submitted(request), year_of_birth=profile.year_of_birth)
    basics = BasicsForm(submitted(request)) if offer_basics else None
    if request.method == "POST" and form.is_valid() and (basics is None or basics.is_valid()):
        with transaction.atomic():  # the profile answers and the episode, or neither
            if basics is not None:
                given = {k: v for k, v in basics.cleaned_data.items() if v not in (None, "")}
                services.update_profile(profile, {**given, "basics_offered": True})
            episode, _created = services.log_episode(request.user, form.values())
        return redirect(episode)
    return render(request, "diary/log.html", {"form": form, "basics": basics})


@diary_page
def detail(request, pk):
    episode = _own_episode(request, pk)
    profile = services.get_profile(request.user)
    result = services.stored_assessment(episode)
    result["pages"] = _pages_for(episode, result["reasons"])
    values = {field: getattr(episode, field) for field in services.EPISODE_FIELDS}
    refine = services.assess(request.user, values, exclude_id=episode.pk)["refine"]
    return render(
        request,
        "diary/detail.html",
        {
            **result_context(result, profile.country),
            "episode": episode,
            "answers": _answers_for_display(episode),
            "refine": [FACT_NAMES[fact] for fact in refine],
        },
    )


def _pages_for(episode, reasons):
    urls = [url for reason in reasons for url in reason["pages"]]
    if episode.first_intercourse:
        urls.append(PAGES_FOR_ANSWERS["first_intercourse"])
    if episode.partner_blood:
        urls.append(PAGES_FOR_ANSWERS["partner_blood"])
    if episode.non_consensual:
        urls.append(PAGES_FOR_ANSWERS["non_consensual"])
    if episode.pregnancy != "no":
        urls.append(PAGES_FOR_ANSWERS["pregnancy"])
    if {"unusual_discharge", "itching_or_burning", "pain_passing_urine"} & set(episode.symptoms):
        urls.append(PAGES_FOR_ANSWERS["infection"])
    if "vaginal_dryness" in episode.symptoms:
        urls.append(PAGES_FOR_ANSWERS["vaginal_dryness"])
    urls.append("/learn/when-to-get-help/")
    known = {page.url for page in all_pages().values()}
    return [url for url in dict.fromkeys(urls) if url in known]


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
    profile = services.get_profile(request.user)
    form = EpisodeForm(
        submitted(request),
        episode=episode,
        year_of_birth=profile.year_of_birth,
    )
    if request.method == "POST" and form.is_valid():
        services.update_episode(episode, form.values())
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
    current = services.get_profile(request.user)
    form = ProfileForm(submitted(request), instance=current)
    if request.method == "POST" and form.is_valid():
        services.update_profile(current, form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return redirect("diary")
    return render(request, "diary/profile.html", {"form": form})
