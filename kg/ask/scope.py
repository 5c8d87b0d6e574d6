"""Step 2, scope: the documents a question names, by council, body or title words, and date.

A question that names a council ("at Enfield Cabinet", "Mid Devon District Council's"),
a meeting date ("on 2 June 2016") or a document ("the Draft Budgetary Plan meeting")
is answered from those documents only: graph look-ups and passages alike. A council
named in the question that no stored document belongs to leaves nothing in scope, so
the answer is "not found" rather than another council's fact.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date

from nlp.words import idf, tokens
from nlp.dates import MONTHS, dates_in

DOCS_QUERY = """SELECT DISTINCT ?d ?title ?source ?council ?issued ?parent WHERE {
  ?d a foaf:Document ; dct:title ?title .
  OPTIONAL { ?d ckg:sourceFile ?source } OPTIONAL { ?d dct:issued ?issued } OPTIONAL { ?d dct:isPartOf ?parent }
  OPTIONAL { ?d dct:publisher ?c . ?c rdfs:label ?council } }"""
MEETING_DATES_QUERY = """SELECT DISTINCT ?d ?when WHERE {
  { ?m ckg:minutedIn ?d } UNION { ?d ckg:forMeeting ?m } ?m ckg:date ?when }"""
# words every council's name may hold: they say what kind of council, not which one
GENERIC = frozenset(
    tokens(
        "council county borough district city metropolitan royal london unitary authority "
        "and of the town parish combined"
    )
)
_COUNCIL_PHRASE = re.compile(
    r"\b((?:[A-Z][\w'’&-]*\s+){1,4}?)(?:(?:City|County|Borough|District|Metropolitan|Town|Parish)\s+(?:and\s+County\s+)?)*Council\b"
    r"|\bLondon Borough of ((?:[A-Z][\w'’-]*\s?){1,3})"
)
_MONTH_YEAR = re.compile(r"\b(%s)\s+((?:19|20)\d\d)\b" % "|".join(MONTHS), re.I)
_PLACE = re.compile(
    r"\b(?:in|at|for|of|by)\s+((?:[A-Z][a-z][\w'-]*\s?){1,3})|\b([A-Z][a-z]+)'s\b"
)  # "in Surrey", "Kent's"
# a date names a document or meeting when one of these words comes just before it ("the meeting of 2 June 2016",
# "Cabinet, 13 February 2019", "the October 2020 version"); "rated red at 31 January 2016" is a date of the data
_DOCUMENT_WORDS = re.compile(
    r"\b(meeting|minutes|cabinet|committee|council|report|agenda|held|dated|plan|version|revision|"
    r"edition|panel|board|executive|session|sitting|published|issued)\b[^.?;]{0,25}$",
    re.I,
)
MIN_TITLE_SHARE = 0.6  # a question names a document by title when it holds this share of the title's words


@dataclass(frozen=True)
class DocId:
    """What names one document: its council, title, source file and dates."""

    iri: str
    council: str
    words: frozenset[str]  # tokens of title, body and source file name
    title: frozenset[str]  # tokens of the title alone
    dates: frozenset[date]  # issued and meeting dates
    parent: str | None = None


@dataclass(frozen=True)
class Scope:
    """The documents a question is about (empty: every document) and the words that named them."""

    documents: frozenset[str] = frozenset()
    naming: frozenset[str] = frozenset()
    elsewhere: bool = False  # a council is named that no stored document belongs to
    dates: tuple[date, ...] = field(default_factory=tuple)

    def admits(self, document: str) -> bool:
        return not self.documents or document in self.documents


def file_words(name: str) -> str:
    """A file name's words: "oldham_2020_cabinet-minutes.txt" -> "oldham 2020 cabinet minutes txt"."""
    return re.sub(r"[_.-]+", " ", name)


@functools.lru_cache(maxsize=4096)  # councils' names, and phrases from questions
def council_words(name: str) -> frozenset[str]:
    """The words that tell one council from another: "West Suffolk Council" -> {west, suffolk}."""
    return frozenset(tokens(name)) - GENERIC


def council_acronym(name: str) -> str:
    """ "East Sussex County Council" -> "escc"."""
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in ("of", "and", "the")).lower()


def question_dates(text: str, of_documents: bool = False) -> tuple[list[date], list[tuple[int, int]]]:
    """Full dates ("2nd June, 2016", "13/02/2019") and month-years ("October 2020") a text names;
    with `of_documents`, only those that name a meeting or document ("the meeting of 2 June 2016")."""

    def wanted(m: re.Match) -> bool:
        return not of_documents or bool(_DOCUMENT_WORDS.search(text[max(0, m.start() - 40) : m.start()]))

    full = [d for m, d in dates_in(text) if wanted(m)]
    months = [
        (int(m.group(2)), MONTHS.index(m.group(1).lower()) + 1)
        for m in _MONTH_YEAR.finditer(text)
        if wanted(m) or re.match(r"\s*(version|plan|revision|edition|report|minutes)\b", text[m.end() :])
    ]
    return full, months


class Scoper:
    """Knows every stored document's identity; scopes questions to the documents they name."""

    def __init__(self, store):
        meetings: dict[str, set[date]] = defaultdict(set)
        for r in store.query(MEETING_DATES_QUERY):
            with_date = _iso(r["when"].value)
            if with_date:
                meetings[r["d"].value].add(with_date)
        self.docs: dict[str, DocId] = {}
        for r in store.query(DOCS_QUERY):
            iri = r["d"].value
            council = r["council"].value if r["council"] is not None else ""
            source = re.sub(r"\.\w+$", "", r["source"].value) if r["source"] is not None else ""
            words = frozenset(tokens(f"{r['title'].value} {file_words(source)}"))
            issued = {_iso(r["issued"].value)} if r["issued"] is not None else set()
            parent = r["parent"].value if r["parent"] is not None else None
            title = frozenset(t for t in tokens(r["title"].value) if not t[:1].isdigit()) - GENERIC
            self.docs[iri] = DocId(
                iri, council, words - GENERIC, title, frozenset((issued | meetings[iri]) - {None}), parent
            )
        self.councils = {c for c in (d.council for d in self.docs.values()) if council_words(c)}
        self.idf = idf([d.words for d in self.docs.values()], smoothing=0)

    def scope(self, question: str, vocabulary: Container[str]) -> Scope:
        """The documents `question` names; every document when it names none. `vocabulary` holds every
        word of the stored passages: a council phrase with a word none of them holds names a council
        the store knows nothing of ("Surrey County Council"), while "Band D Council Tax" is no council."""
        asked = set(tokens(question))
        if _unknown_place(question, vocabulary):
            return Scope(elsewhere=True)
        named = [c for c in self.councils if council_words(c) <= asked or council_acronym(c) in asked]
        phrases = [council_words(m.group(1) or m.group(2)) for m in _COUNCIL_PHRASE.finditer(question)]
        phrases = [p for p in phrases if p and not any(council_words(c) <= p for c in named)]
        matched = [p for p in phrases if any(self._of_council(d, [], [p]) for d in self.docs.values())]
        if any(t not in vocabulary for p in phrases if p not in matched for t in p):
            return Scope(naming=frozenset(t for p in phrases for t in p), elsewhere=True)
        docs = set(self.docs)
        naming: set[str] = set()
        if named or matched:
            docs = {d.iri for d in self.docs.values() if self._of_council(d, named, matched)}
            naming |= {t for c in named for t in council_words(c)} | {t for p in matched for t in p}
            docs = self._by_title(docs, {t for t in asked - naming if not t[:1].isdigit()}, naming)
        docs, when = self._by_date(docs, question)
        docs |= {d.iri for d in self.docs.values() if d.parent in docs}  # the parts of a pack in scope
        everything = docs == set(self.docs)
        return Scope(frozenset() if everything else frozenset(docs), frozenset(naming), False, tuple(when))

    def _of_council(self, d: DocId, named: list[str], phrases: list[frozenset[str]]) -> bool:
        """The document belongs to a council the question names; a document whose council is not
        known is named by its title or file name holding the council's words."""
        if d.council and council_words(d.council):
            own = council_words(d.council)
            return d.council in named or any(p <= own for p in phrases)
        return any(p <= d.words for p in phrases) or any(council_words(c) <= d.words for c in named)

    def _by_title(self, docs: set[str], asked: set[str], naming: set[str]) -> set[str]:
        """Among one council's documents, those the question names by their title: most of the title's
        words (weighted by how few titles hold them), and at least two of them, are in the question."""
        named = set()
        for d in docs:
            title = self.docs[d].title
            hit = asked & title
            weight = sum(self.idf.get(t, 0.0) for t in title)
            if len(hit) >= 2 and weight and sum(self.idf.get(t, 0.0) for t in hit) >= MIN_TITLE_SHARE * weight:
                named.add(d)
        if not named:
            return docs
        naming |= {t for d in named for t in asked & self.docs[d].title}
        return named

    def _by_date(self, docs: set[str], question: str) -> tuple[set[str], list[date]]:
        """Documents issued (or minuting a meeting) on a date the question names, when any are."""
        full, months = question_dates(question, of_documents=True)
        days = set(question_dates(question)[0])  # any day the question names
        on_day = {d for d in docs if self.docs[d].dates & days} if days else set()
        if on_day:
            return on_day, full
        in_month = (
            {d for d in docs if any((x.year, x.month) in months for x in self.docs[d].dates)} if months else set()
        )
        return (in_month or docs), full


def _unknown_place(question: str, vocabulary: Container[str]) -> bool:
    """A place the question names ("in Surrey", "Kent's") whose words no passage holds."""
    names = [m.group(1) or m.group(2) for m in _PLACE.finditer(question)]
    return any(t not in vocabulary for n in names for t in tokens(n) if not t.isdigit())


def _iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
