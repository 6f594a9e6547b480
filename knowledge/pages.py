"""The knowledge pages: Markdown files with front matter, parsed once and searched in memory.

A few dozen pages need no search server: every page is loaded at first use, rendered to HTML
and indexed, and stays in memory for the life of the process.
"""

import datetime
import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import frontmatter
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

# Raw HTML is off: the pages are text, and the CSP forbids inline anything anyway.
_markdown = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
    ["table", "replacements", "smartquotes"]
)


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    url: str


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


@cache
def all_pages(language="en"):
    """Every page of a language by slug; falls back to English for a language with no pages."""
    folder = CONTENT_DIR / language
    if not folder.is_dir():
        folder, language = CONTENT_DIR / "en", "en"
    pages = (_page_from_file(path, language) for path in sorted(folder.glob("*.md")))
    return {page.slug: page for page in pages}


def get_page(slug, language="en"):
    return all_pages(language).get(slug)


def grouped_pages(language="en"):
    """[(group title, [pages in order])] in the order of GROUPS."""
    pages = all_pages(language).values()
    return [
        (title, sorted((p for p in pages if p.group == key), key=lambda p: (p.order, p.title)))
        for key, title in GROUPS.items()
    ]


# --- search -----------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = frozenset(
    "a an and are after at be by can do for from how i if in is it me my of on or the to "
    "what when why with you your".split()
)
# Weights per field: a title hit always outranks anything else (the "title first").
_WEIGHTS = {"title": 100, "keywords": 10, "summary": 4, "body": 1}


def stem(word):
    """Fold plurals so that "polyps" finds "polyp" and "tears" finds "tear"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _terms(text):
    return {stem(w) for w in _WORD.findall(text.lower().replace("'", "")) if w not in _STOP_WORDS}


@cache
def _index(language):
    index = {}
    for page in all_pages(language).values():
        index[page.slug] = {
            "title": _terms(page.title),
            "keywords": _terms(" ".join(page.keywords)),
            "summary": _terms(page.summary),
            "body": _terms(page.markdown),
        }
    vocabulary = sorted(set().union(*(t for fields in index.values() for t in fields.values())))
    return index, vocabulary


def _expand(term, vocabulary):
    """The term itself, words it starts (pregnan-t/-cy), and close spellings (clamydia)."""
    matches = {term}
    if len(term) >= 5:
        matches.update(w for w in vocabulary if w.startswith(term[:-1]) and len(w) - len(term) <= 3)
        matches.update(difflib.get_close_matches(term, vocabulary, n=3, cutoff=0.8))
    return matches


def search(query, language="en"):
    """Pages matching the query, best first; title matches before all others."""
    index, vocabulary = _index(language)
    terms = _terms(query)
    if not terms:
        return []
    pages = all_pages(language)
    expanded = [_expand(term, vocabulary) for term in terms]
    scored = []
    for slug, fields in index.items():
        score = 0
        for matches in expanded:
            score += sum(w for field, w in _WEIGHTS.items() if matches & fields[field])
        if score:
            scored.append((-score, pages[slug].title, pages[slug]))
    return [page for *_, page in sorted(scored, key=lambda item: item[:2])]
