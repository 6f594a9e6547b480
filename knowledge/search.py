"""Search over the knowledge pages with SQLite's full-text search (FTS5).

The pages are files, not rows, so each process builds a small index in an in-memory SQLite
database at the first search, whatever database the site itself runs on. FTS5 ranks with
BM25, weighted so that a match in the title counts far above one in the body, and cuts the
one-line excerpt around the match. Porter stemming makes "polyps" find "polyp"; for Russian,
whose words change their endings far more, each indexed column has a twin holding its words
cut to their stems by the Snowball stemmer, so "хламидиоза" finds "хламидиоз" and "шейки
матки" finds "шейка матки". Excerpts come from the words as written.

A query is tried in tiers, so that whole words always rank above parts of words (within a
tier, pages with more of the words in their title first, then by BM25):
1. pages with every word as typed;
2. after them, pages with every word, each also as the start of a longer word or a close
   spelling ("pregnan", "clamydia");
3. only when neither finds anything: pages with any of those words.
"""

import difflib
import re
import sqlite3
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from knowledge.pages import all_pages

_WORD = re.compile(r"\w+")
_STOP_WORDS = frozenset(
    "a an and are after at be by can do for from how i if in is it me my of on or the to "
    "what when why with you your "
    "а без бы в во вы да для до же за и из или к как ко ли мне мой моя на не но о об от "
    "по после при с со у что это я".split()
)
# Languages whose pages get stemmed twins of their columns (Porter covers English).
_SNOWBALL = {"ru": "russian"}
# BM25 weight of each column, in the order of the table's columns; a stemmed twin (Russian)
# weighs as its column.
_COLUMNS = ("slug", "title", "headings", "keywords", "summary", "body")
_WEIGHTS = (0.0, 10.0, 4.0, 6.0, 3.0, 1.0)
_STEMMED = tuple(f"{name}_stems" for name in _COLUMNS[1:])
# Around the match in the excerpt: characters that cannot occur in a page's text.
_MARK_START, _MARK_END = "\x02", "\x03"
_EXCERPT_WORDS = 12

_parser = MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class Result:
    page: object  # knowledge.pages.Page
    excerpt: str  # safe HTML: the matched words in <mark>


def _plain_text(markdown):
    """(headings, body) of a page as plain text, without Markdown's marks."""
    headings, body = [], []
    in_heading = False
    for token in _parser.parse(markdown):
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline":
            text = "".join(c.content for c in token.children if c.type in ("text", "code_inline"))
            (headings if in_heading else body).append(text.strip())
    return " ".join(headings), " ".join(body)


class _Index:
    def __init__(self, language):
        # One connection per process, shared by its threads behind a lock: the index is
        # read-only once built, and a query takes well under a millisecond.
        self.lock = threading.Lock()
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.stemmer = (
            snowballstemmer.stemmer(_SNOWBALL[language]) if language in _SNOWBALL else None
        )
        names = _COLUMNS + (_STEMMED if self.stemmer else ())
        self.weights = ", ".join(map(str, _WEIGHTS + (_WEIGHTS[1:] if self.stemmer else ())))
        columns = ", ".join(f"{name} UNINDEXED" if name == "slug" else name for name in names)
        self.db.execute(
            f"CREATE VIRTUAL TABLE pages USING fts5({columns}, tokenize='porter unicode61')"
        )
        self.pages = all_pages(language)
        vocabulary = set()
        for page in self.pages.values():
            headings, body = _plain_text(page.markdown)
            row = (page.slug, page.title, headings, " ".join(page.keywords), page.summary, body)
            if self.stemmer:
                row += tuple(self.stems(text) for text in row[1:])
            marks = ", ".join("?" * len(row))
            self.db.execute(f"INSERT INTO pages VALUES ({marks})", row)
            vocabulary.update(_words(" ".join(row[1 : len(_COLUMNS)])))
        self.vocabulary = sorted(vocabulary)

    def stems(self, text):
        return " ".join(self.stemmer.stemWords(_WORD.findall(text.lower())))

    def term(self, word, columns=None):
        """The FTS5 query for one word, in `columns` (all when None). Russian matches by
        stem in the twins only, as Porter does for English: a rare ending as typed must not
        outrank the page about the word."""
        if self.stemmer:
            stem = self.stems(word.rstrip("*")) + ("*" if word.endswith("*") else "")
            columns = [f"{name}_stems" for name in columns or _COLUMNS[1:]]
            word = stem
        typed = _fts_term(word)
        return "{" + " ".join(columns) + "} : " + typed if columns else typed

    def find(self, groups, conjunction):
        """Pages matching each group of alternative words (all groups, or any), best first."""
        match = f" {conjunction} ".join(
            "(" + " OR ".join(self.term(word) for word in sorted(group)) + ")" for group in groups
        )
        weights = self.weights
        # The excerpt comes from the summary when the words are there (it is written to be
        # read on its own), else from the body; a title or keyword list makes a poor one.
        snippet = f"snippet(pages, {{column}}, ?1, ?2, '…', {_EXCERPT_WORDS})"
        query = (
            f"SELECT slug, {snippet.format(column=4)}, {snippet.format(column=5)} FROM pages "
            f"WHERE pages MATCH ?3 ORDER BY bm25(pages, {weights}), title"
        )
        with self.lock:
            rows = self.db.execute(query, (_MARK_START, _MARK_END, match)).fetchall()
        if self.stemmer:
            # FTS5 marks only what matched in a column; Russian matched in the twins, so the
            # summary's words are marked here, by stem.
            wanted = {self.stems(word.rstrip("*")) for group in groups for word in group}
            return [
                (self.pages[slug], self.marked(self.pages[slug].summary, wanted))
                for slug, *_ in rows
            ]
        return [(self.pages[slug], _better_excerpt(summary, body)) for slug, summary, body in rows]

    def marked(self, text, stems):
        def mark(match):
            word = match.group(0)
            if self.stems(word) in stems:
                return f"{_MARK_START}{word}{_MARK_END}"
            return word

        return _WORD.sub(mark, text)

    def in_titles(self, words):
        """How many of the words each page has in its title, by slug."""
        counts = Counter()
        with self.lock:
            for word in words:
                rows = self.db.execute(
                    "SELECT slug FROM pages WHERE pages MATCH ?", [self.term(word, ["title"])]
                )
                counts.update(slug for (slug,) in rows)
        return counts


def _better_excerpt(summary, body):
    return summary if _MARK_START in summary or _MARK_START not in body else body


def _words(text):
    return [word for word in _WORD.findall(text.lower()) if word not in _STOP_WORDS]


def _fts_term(word):
    # A prefix search is written `"pregnan"*`; quoting keeps FTS5's own syntax out of reach.
    if word.endswith("*"):
        return f'"{word[:-1]}"*'
    return f'"{word}"'


@cache
def _index(language):
    return _Index(language)


def _near(word, vocabulary):
    """The word, longer words it starts, and close spellings of it in the pages."""
    found = {word}
    if len(word) >= 4:
        found.add(word + "*")
    if len(word) >= 5:
        found.update(difflib.get_close_matches(word, vocabulary, n=3, cutoff=0.8))
    return found


def _excerpt(text):
    marked = escape(text)
    return mark_safe(marked.replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>"))


def search(query, language="en"):
    """[Result] for the query, best first; [] when it has no words to look for."""
    words = list(dict.fromkeys(_words(query)))[:12]
    if not words:
        return []
    index = _index(language)
    near = [_near(word, index.vocabulary) for word in words]
    # BM25 weighs a word by how rare it is, so "bleeding", on every page, adds next to nothing
    # to "bleeding after menopause": the page with more of the words in its title goes first.
    titles = index.in_titles(words)

    def ranked(hits):
        return sorted(hits, key=lambda hit: -titles[hit[0].slug])  # stable: BM25 order within

    found = ranked(index.find([{word} for word in words], "AND"))
    seen = {page.slug for page, _ in found}
    found += ranked(hit for hit in index.find(near, "AND") if hit[0].slug not in seen)
    if not found:
        found = ranked(index.find(near, "OR"))
    return [Result(page, _excerpt(excerpt)) for page, excerpt in found]


def in_another_alphabet(query, language="en"):
    """True when an English search is typed in letters that are not Latin (Cyrillic, say):
    the pages are in English for now, so it would find nothing, and the person should be
    told why."""
    if language != "en":
        return False
    letters = [ch for ch in query if ch.isalpha()]
    return bool(letters) and any("LATIN" not in unicodedata.name(ch, "") for ch in letters)
