"""Care cards: what each level tells a person to do, with their country's emergency number."""

from django.utils.translation import gettext as _

from knowledge.emergency import COUNTRY_CODES, emergency_numbers
from knowledge.pages import all_pages
from knowledge.triage import LEVELS, load_rules


def country_from_request(request):
    """?country=XX when given and known; else the signed-in person's saved country; else None.

    Duck-typed on `request.user.profile` so that knowledge never imports the diary.
    """
    asked = request.GET.get("country", "").strip().upper()
    if asked in COUNTRY_CODES:
        return asked
    profile = getattr(getattr(request, "user", None), "profile", None)
    return getattr(profile, "country", None) or None


def care_card(level, country=None, situations=()):
    """Everything a care card template needs for one level."""
    info = load_rules()["levels"][level]
    numbers = emergency_numbers(country)
    return {
        "level": level,
        "css": level.replace("_", "-"),
        "title": _(info["title"]),
        "when": _(info["when"]),
        "action": _(info["action"]).format(emergency_number=numbers["number"]),
        "who": _(info["who"]),
        "advice": _(info["advice"]),
        "situations": list(situations),
        "number": numbers["number"],
        "second_number": numbers.get("second"),
        "is_emergency": level == "emergency",
    }


def all_care_cards(country=None):
    return [care_card(level, country) for level in LEVELS]


def result_context(result, country=None):
    """What a result page shows for an evaluated episode: the care card, each reason with
    its source, and the pages that explain them (title and address)."""
    slugs = {page.url: page for page in all_pages().values()}
    codes = {reason["code"] for reason in result["reasons"]}
    return {
        "card": care_card(result["level"], country),
        "reasons": [{**reason, "message": _(reason["message"])} for reason in result["reasons"]],
        "read_next": [slugs[url] for url in result["pages"] if url in slugs],
        "non_consensual": "non_consensual" in codes,
        "child_safeguarding": "child_safeguarding" in codes,
        "rules_version": result["rules_version"],
    }
