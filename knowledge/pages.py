"""The knowledge pages: Markdown files with front matter, parsed once at first use and kept in
memory for the life of the process (knowledge/search.py indexes them)."""

import datetime
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import frontmatter
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

from knowledge.triage import load_rules

CONTENT_DIR = Path(__file__).resolve().parent / "content"

# The order and names of the groups on /learn/, so a person finds their situation quickly.
GROUPS = {
    "getting-help": _("Getting help"),
    "first-sex-and-injury": _("First sex, injury and sex without consent"),
    "infections": _("Infections"),
    "cervix-and-womb": _("The cervix and the womb"),
    "pregnancy-hormones-and-devices": _("Pregnancy, menopause, medicines and the coil"),
    "other-causes": _("Other causes"),
}
CARE_LEVELS = ("emergency", "urgent", "soon", "routine", "self_care")
# The levels whose situations open every page in its "Get help now if…" box: a scared reader
# on a phone sees them before a word of the body.
HELP_NOW_LEVELS = ("emergency", "urgent")

_CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)

# Raw HTML is off: the pages are text, and the CSP forbids inline anything anyway.
_markdown = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
    ["table", "replacements", "smartquotes"]
)


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    url: str

    @property
    def language(self):
        """The language the source is written in, read from its title: every body on
        source_hosts.yaml writes in English or in Russian. A Russian page cites English
        guidance too, and a screen reader must read those titles as English."""
        return "ru" if _CYRILLIC.search(self.title) else "en"


@dataclass(frozen=True)
class CareItem:
    """One situation on a page's care card and how urgently to get help.

    `rules` names the codes in rules.yaml that decide this situation, so a test can hold
    the page to the levels the clinicians reviewed. It is empty for advice the self-check
    does not ask about (for example, being in danger now).
    """

    level: str
    when: str
    rules: tuple = ()


@dataclass(frozen=True)
class Page:
    slug: str
    language: str
    title: str
    summary: str
    reviewed: datetime.date
    group: str
    order: int
    keywords: tuple
    related: tuple
    care_items: tuple  # the front matter's care_card: (CareItem, ...)
    sources: tuple
    review_note: str
    markdown: str
    html: str

    @property
    def url(self):
        return f"/learn/{self.slug}/"

    @property
    def care_levels(self):
        """Each level of the care card once, most urgent first, with its situations."""
        return [
            (level, [item.when for item in self.care_items if item.level == level])
            for level in CARE_LEVELS
            if any(item.level == level for item in self.care_items)
        ]

    @property
    def help_now_levels(self):
        """The care levels of the "Get help now if…" box, with their situations."""
        return [(level, whens) for level, whens in self.care_levels if level in HELP_NOW_LEVELS]


def _page_from_file(path, language):
    post = frontmatter.load(path)
    meta = post.metadata
    return Page(
        slug=path.stem,
        language=language,
        title=meta["title"],
        summary=meta["summary"],
        reviewed=meta["reviewed"],
        group=meta["group"],
        order=int(meta.get("order", 0)),
        keywords=tuple(str(k) for k in meta.get("keywords") or ()),
        related=tuple(meta.get("related") or ()),
        care_items=_care_items(meta.get("care_card") or (), f"{language}/{path.stem}"),
        sources=tuple(
            Source(s["title"], s.get("publisher", ""), s["url"]) for s in meta["sources"]
        ),
        review_note=meta.get("review_note", ""),
        markdown=post.content,
        html=_markdown.render(post.content),
    )


def _care_items(items, name):
    """The care card's items, refusing a rule code that rules.yaml does not have: a typo
    would otherwise quietly stop the page being checked against the rules."""
    codes = {rule["code"] for rule in load_rules()["rules"]}
    card = []
    for item in items:
        rules = item.get("rules") or []
        if not isinstance(rules, list):
            raise ValueError(f"knowledge page {name}: care card `rules` must be a list of codes")
        unknown = [code for code in rules if code not in codes]
        if unknown:
            raise ValueError(
                f"knowledge page {name}: care card item {item['when']!r} names rule codes "
                f"that are not in rules.yaml: {', '.join(map(str, unknown))}"
            )
        card.append(CareItem(item["level"], item["when"], tuple(rules)))
    return tuple(card)


def current_language():
    """The active language as the content folders name it ("en", "ru")."""
    return (get_language() or "en").split("-")[0]


@cache
def all_pages(language="en"):
    """Every page by slug, in `language` where it is written in it and in English where it
    is not yet (its `language` says which: the page then tells the reader so)."""
    found = {}
    for code in dict.fromkeys(["en", language]):
        folder = CONTENT_DIR / code
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
            page = _page_from_file(path, code)
            found[page.slug] = page
    return found


def get_page(slug, language="en"):
    return all_pages(language).get(slug)


def grouped_pages(language="en"):
    """[(group title, [pages in order])] in the order of GROUPS."""
    pages = all_pages(language).values()
    return [
        (title, sorted((p for p in pages if p.group == key), key=lambda p: (p.order, p.title)))
        for key, title in GROUPS.items()
    ]
