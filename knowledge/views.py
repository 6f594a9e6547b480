from functools import lru_cache

from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from knowledge import handover, pages, triage
from knowledge import search as page_search
from knowledge.care import (
    all_care_cards,
    care_card,
    country_from_request,
    country_name,
    present,
)
from knowledge.countries import country_choices
from knowledge.emergency import COUNTRY_CODES, emergency_numbers
from knowledge.forms import SelfCheckForm
from pcb_site.page_cache import same_for_everyone, share

MAX_QUERY_LENGTH = 100


@same_for_everyone
def index(request):
    return render(
        request, "knowledge/index.html", {"groups": pages.grouped_pages(pages.current_language())}
    )


@same_for_everyone
def page(request, slug):
    found = pages.get_page(slug, pages.current_language())
    if found is None:
        raise Http404("No such page")
    country = country_from_request(request, from_language=True)
    context = {"page": found, "article": _article(slug, pages.current_language(), country)}
    return render(request, "knowledge/page.html", context)


# A page's content depends on nothing but its language and the country whose emergency
# number and services it names; the header around it is the reader's own (signed in or not).
# Rendering it was half of a signed-in page's time (issue 17); a deploy starts new
# processes, so a changed page or translation is never served stale.
@lru_cache(maxsize=256)
def _article(slug, language, country):
    found = pages.get_page(slug, language)
    related = [p for s in found.related if (p := pages.get_page(s, language))]
    context = {
        "page": found,
        "related": related,
        "help_now": [
            _page_card(found, level, country, whens) for level, whens in found.help_now_levels
        ],
        # The rest of the card, below the body: soon, routine and self-care.
        "care_cards": [
            _page_card(found, level, country, whens)
            for level, whens in found.care_levels
            if level not in pages.HELP_NOW_LEVELS
        ],
        "country": country,
        "numbers": emergency_numbers(country),
    }
    if slug == "when-to-get-help":
        context["level_cards"] = all_care_cards(country)
        context["country_choices"] = country_choices()
    return mark_safe(render_to_string("knowledge/includes/article.html", context))


def _page_card(found, level, country, whens):
    """A care card with the page's own situations, which are in the page's language: an
    English page shown to a Russian reader marks them as English for screen readers."""
    return {**care_card(level, country, whens), "situations_language": found.language}


def forget_rendered():
    """Empties the per-process copies of rendered content (for tests that change pages)."""
    _article.cache_clear()
    _empty_fields.cache_clear()


# A search reads and changes nothing, so it needs no CSRF token; without one, the pages that
# hold the search form (/learn/) set no cookie and stay cacheable, and a page kept open for
# hours never answers a search with "form expired". knowledge.handover refuses a search
# posted from another site.
@csrf_exempt
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def search(request):
    """The words come by POST so that they never appear in an address, and so never in a
    browser's history or a server log, and are answered at the plain visit the POST
    redirects to (knowledge/handover.py), so that they are not kept with the history entry
    either. NoStoreMiddleware keeps the results out of every cache. An old bookmark or link
    with ?q= is sent to the bare address and its empty form: answering it would keep such
    addresses working and in use, and the words on screen in the address bar."""
    if request.method == "POST":
        return handover.hand_over(request, ["q"])
    if request.GET:
        return redirect("learn_search")
    posted = handover.take(request)
    query = posted.get("q", "").strip()[:MAX_QUERY_LENGTH] if posted else ""
    context = {
        "query": query,
        "results": page_search.search(query, pages.current_language()) if query else [],
        "other_alphabet": page_search.in_another_alphabet(query, pages.current_language()),
    }
    response = render(request, "knowledge/search.html", context)
    return handover.forget(request, response)


# Like the search, the self-check changes and keeps nothing: no CSRF token, so that the copy
# of its form that the service worker keeps (fetched without cookies, its token stale) is
# answered when it is posted once the connection is back. knowledge.handover refuses a form
# posted from another site.
@csrf_exempt
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def check(request):
    """The anonymous self-check. Answers come by POST so that they never appear in an
    address, a browser history or a server log, and are answered at the plain visit the POST
    redirects to (knowledge/handover.py); nothing is stored. Never cached: NoStoreMiddleware
    covers /check/.

    No missing or mistyped answer holds back an emergency: when the answers that are valid
    already make it one, the result is shown whatever else is wrong."""
    detected = country_from_request(request, from_language=True)
    # Only a guess when it comes from the browser's language (static/js/offline-check.js
    # then keeps a country remembered earlier rather than this one).
    guessed = detected is not None and country_from_request(request) is None
    if request.method == "POST":
        return handover.hand_over(request, list(SelfCheckForm.base_fields))
    posted = handover.take(request)
    if posted is None:
        form = SelfCheckForm(initial={"country": detected or ""})
        context = _form_context(form, detected, guessed)
        context["empty_fields"] = _empty_fields(get_language(), detected)
        return share(render(request, "knowledge/check.html", context))
    return handover.forget(request, _answer(request, SelfCheckForm(posted), detected, guessed))


# Rendering 18 fields through Django's form templates was 85 % of the self-check's time
# (issue 17). The empty form holds nothing about anyone: what varies is only the language
# and the country it starts on, so each process renders it once per pair. A deploy starts
# new processes, so a changed template or translation is never served stale.
@lru_cache(maxsize=64)
def _empty_fields(language, country):
    form = SelfCheckForm(initial={"country": country or ""})
    return render_to_string("knowledge/includes/check_fields.html", {"form": form})


def _answer(request, form, detected, guessed):
    valid = form.is_valid()
    answers = form.answers()
    result = triage.evaluate(answers)
    if not valid and result["level"] != "emergency":
        return render(request, "knowledge/check.html", _form_context(form, detected, guessed))
    country = form.cleaned_data.get("country") or None
    unknown = []
    if answers["age"] is None and triage.would_change(
        answers, "age", triage.AGES_TO_TRY, result["level"]
    ):
        unknown.append("age")
    context = {
        **present(result, country),
        "country": country,
        "answers": form.hidden_answers(),
        "unknown": unknown,
        "can_save": answers["amount"] is not None,
        "refine_form": SelfCheckForm(initial={"country": country or ""}),
    }
    return render(request, "knowledge/check_result.html", context)


def _form_context(form, country, guessed):
    # The emergency card gives the banner its number before a single answer is given.
    return {
        "form": form,
        "card": care_card("emergency", country),
        "country_guessed": guessed,
        **_offline_context(),
    }


# The result page's care card and reason, with {placeholders} in place of what the answer
# decides: rendered into the self-check as a <template> (knowledge/includes/
# offline_result.html), which static/js/offline-check.js fills from the rule table when there
# is no connection. So the offline result has the server's markup and translated labels,
# and no English is written in JavaScript.
def _placeholders(*keys):
    return {key: "{" + key + "}" for key in keys}


OFFLINE_CARD = _placeholders(
    "level", "css", "title", "when", "action", "who", "advice", "number", "second_number",
    "country_name",
)  # fmt: skip
OFFLINE_REASON = _placeholders("level", "message", "source", "source_url")


def _offline_context():
    """What the self-check needs to answer without a connection, besides the rule table
    (fetched from /api/v1/rules/ and kept): the placeholder card and reason, every
    country's emergency numbers and name, and the form's own error messages."""
    numbers = {}
    for code in (None, *COUNTRY_CODES):
        entry = emergency_numbers(code)
        numbers[code or "default"] = {"number": entry["number"], "second": entry["second"]}
        if code:
            numbers[code]["name"] = str(country_name(code))
    empty = SelfCheckForm({})
    empty.is_valid()
    age_errors = SelfCheckForm.base_fields["age"].error_messages
    return {
        "offline_card": OFFLINE_CARD,
        "offline_emergency_card": {**OFFLINE_CARD, "is_emergency": True},
        "offline_reasons": [OFFLINE_REASON],
        "offline_numbers": numbers,
        "offline_errors": {
            # The form's messages, so that the offline check says what the server would.
            "amount": empty.errors["amount"][0],
            **{f"age_{kind}": age_errors[kind] for kind in ("invalid", "min_value", "max_value")},
        },
    }
