from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from knowledge import pages, triage
from knowledge.care import all_care_cards, care_card, country_from_request, result_context
from knowledge.countries import country_choices
from knowledge.emergency import emergency_numbers
from knowledge.forms import SelfCheckForm

MAX_QUERY_LENGTH = 100


def _language():
    return (get_language() or "en").split("-")[0]


def index(request):
    return render(request, "knowledge/index.html", {"groups": pages.grouped_pages(_language())})


def page(request, slug):
    found = pages.get_page(slug, _language())
    if found is None:
        raise Http404("No such page")
    country = country_from_request(request)
    related = [p for s in found.related if (p := pages.get_page(s, _language()))]
    context = {
        "page": found,
        "related": related,
        "care_cards": [care_card(level, country, whens) for level, whens in found.care_levels],
        "country": country,
        "numbers": emergency_numbers(country),
    }
    if slug == "when-to-get-help":
        context["level_cards"] = all_care_cards(country)
        context["country_choices"] = country_choices()
    return render(request, "knowledge/page.html", context)


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = pages.search(query, _language()) if query else []
    return render(request, "knowledge/search.html", {"query": query, "results": results})


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def check(request):
    """The anonymous self-check. Answers come by POST so that they never appear in an
    address, a browser history or a server log, and nothing is stored. Never cached:
    NoStoreMiddleware covers /check/."""
    if request.method == "GET":
        form = SelfCheckForm(initial={"country": country_from_request(request) or ""})
        return render(request, "knowledge/check.html", {"form": form})
    form = SelfCheckForm(request.POST)
    if not form.is_valid():
        return render(request, "knowledge/check.html", {"form": form})
    country = form.cleaned_data["country"] or None
    context = result_context(triage.evaluate(form.answers()), country)
    return render(request, "knowledge/check_result.html", {**context, "country": country})
