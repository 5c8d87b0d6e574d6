"""Entity resolution of people: every way a person is written -> one canonical name.

"Mrs J Whittle (Chairman)", "Mrs Whittle" and "J Whittle" are one person; so are
"Philip Segurola", "Mr P Segurola", "Mr P Segurolo" and "Philip Seguola". Names are
parsed into given names, initials and surname (honorifics, post-nominals and bracketed
roles stripped, see `nlp/data/people.json`), then clustered: a name joins the one person
whose surname matches (exactly, or within a small edit distance) and whose given names,
initials and title agree. Two people who share a surname but differ in initials or given
names are never merged; a surname-only mention joins a person only when that is unambiguous.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from nlp.entity_names import people_data
from nlp.model import Document, PersonRef
from nlp.ner import entities_many, load_pipeline, normalise

if TYPE_CHECKING:  # spaCy loads only in a process that runs the pipeline
    from spacy.language import Language


@dataclass(frozen=True)
class Name:
    """A parsed person name."""

    given: tuple[str, ...]  # full given names: ("Philip",)
    initials: str  # first letters of given names and initials, in order: "PJ"
    surname: str
    gender: str | None = None  # from the honorific, when it tells

    @property
    def text(self) -> str:
        """The name as written without honorifics: "Philip Segurola", "A D Allen", "Tidy"."""
        first = list(self.given) if self.given else list(self.initials)
        return " ".join([*first, self.surname])


@dataclass
class _Person:
    """A cluster of names believed to be one person."""

    names: Counter = field(default_factory=Counter)  # Name -> mentions

    def info(self) -> tuple[str | None, str, str | None]:
        """(first given name, longest initials, gender) over the cluster."""
        given = next((n.given[0] for n in self._ranked() if n.given), None)
        initials = max((n.initials for n in self.names), key=len, default="")
        gender = next((n.gender for n in self.names if n.gender), None)
        return given, initials, gender

    def surname(self) -> str:
        spellings = Counter()
        for n, count in self.names.items():
            spellings[n.surname] += count
        return spellings.most_common(1)[0][0]

    def _ranked(self) -> list[Name]:
        return sorted(self.names, key=lambda n: (-len(n.given), -len(n.initials), -self.names[n], n.text))

    def canonical(self) -> str:
        best = self._ranked()[0]
        first = list(best.given) if best.given else list(best.initials)
        return " ".join([*first, self.surname()])


# -- parsing --------------------------------------------------------------------------
def _words(raw: str) -> list[str]:
    text = normalise(raw)
    text = re.sub(r"\([^)]*\)?", " ", text)  # "(Chairman)", "(Substitute for Ms C J Cribbon)"
    text = text.rsplit("/", 1)[-1]  # "DCLDMH/Anne Tidmarsh"
    text = re.sub(r"'s\b", "", text)  # "Mrs Whittle's"
    return [w for w in re.split(r"[\s,;*]+", text) if w and any(c.isalpha() for c in w)]


def parse_name(raw: str) -> Name | None:
    """Split a written name into given names, initials and surname; None if nothing is left."""
    data = people_data()
    honorifics = data["honorifics"]
    drop = {w.lower() for w in data["post_nominals"] + data["roles_in_brackets"]}
    words, gender = _words(raw), None
    while words and words[0].lower().rstrip(".") in honorifics:
        gender = gender or honorifics[words.pop(0).lower().rstrip(".")]
    words = [w for w in words if w.lower().rstrip(".") not in drop]
    if not words:
        return None
    *front, surname = words
    given, initials = [], ""
    for w in front:
        bare = w.replace(".", "")
        if len(bare) == 1 or (len(bare) <= 3 and bare.isupper() and "." in w):
            initials += bare
        else:
            given.append(bare)
            initials += bare[0].upper()
    return Name(tuple(given), initials, surname.strip(".-"), gender)


# -- matching -------------------------------------------------------------------------
def surnames_close(a: str, b: str) -> bool:
    """Same surname, or a plausible misspelling of it (one edit, two for long names)."""
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    shortest = min(len(a), len(b))
    limit = 2 if shortest >= 8 else 1 if shortest >= 5 else 0
    return a[0] == b[0] and Levenshtein.distance(a, b) <= limit


def compatible(name: Name, person: _Person) -> bool:
    """Nothing known about `name` contradicts what is known about `person`."""
    given, initials, gender = person.info()
    if name.gender and gender and name.gender != gender:
        return False
    if name.given and given and ratio(name.given[0].lower(), given.lower()) < 80:
        return False
    if name.initials and initials:
        return initials.startswith(name.initials) or name.initials.startswith(initials)
    return True


def _choose(name: Name, people: list[_Person]) -> _Person | None:
    """The one person `name` belongs to, or None (new person, or ambiguous)."""
    found = [p for p in people if surnames_close(name.surname, p.surname()) and compatible(name, p)]
    exact = [p for p in found if p.surname().lower() == name.surname.lower()]
    found = exact or found
    if len(found) > 1 and not name.initials and name.gender:
        found = [p for p in found if p.info()[2] == name.gender]
    return found[0] if len(found) == 1 else None


def cluster(counts: Counter) -> list[_Person]:
    """Group parsed names into people, the most informative and most frequent first."""
    people: list[_Person] = []
    for name in sorted(counts, key=lambda n: (not n.given, -len(n.initials), -counts[n], n.text)):
        person = _choose(name, people)
        if person is None:
            person = _Person()
            people.append(person)
        person.names[name] += counts[name]
    return people


def canonical_names(refs: Iterable[PersonRef | str], known: Iterable[str] = ()) -> dict[str, str]:
    """Raw name -> canonical name, for every raw name in `refs` (and in `known`).

    Repeated mentions count: the most frequent spelling of a surname wins. `known` names
    (e.g. from a roster) weigh as much as many mentions.
    """
    raws = Counter(r.name if isinstance(r, PersonRef) else r for r in refs)
    for k in known:
        raws[k] += 1000
    parsed = {raw: parse_name(raw) for raw in raws}
    counts = Counter()
    for raw, name in parsed.items():
        if name is not None:
            counts[name] += raws[raw]
    canonical = {n: p.canonical() for p in cluster(counts) for n in p.names}
    return {raw: canonical[name] if name else " ".join(raw.split()) for raw, name in parsed.items()}


def same_person_candidates(names: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of distinct names that might be one person: same or close surname with
    agreeing first initials, or whole names within a small edit distance."""
    parsed = sorted({n: parse_name(n) for n in names if parse_name(n)}.items())
    pairs = []
    for i, (a, na) in enumerate(parsed):
        for b, nb in parsed[i + 1 :]:
            initials_agree = not na.initials or not nb.initials or na.initials[0] == nb.initials[0]
            close = surnames_close(na.surname, nb.surname) and initials_agree
            if close or Levenshtein.distance(a.lower(), b.lower()) <= 2:
                pairs.append((a, b))
    return pairs


def person_names(doc: Document, nlp: Language | None = None) -> list[PersonRef]:
    """Every person named in a document: the pipeline's PERSON entities (which include
    titled names such as "Mrs J Whittle" and "Cllr Standley"), with their source line."""
    numbered = [(n, line) for n, line in doc.numbered() if line.strip()]
    found = entities_many(nlp or load_pipeline(), [line for _, line in numbered])
    return [PersonRef(e.text, n) for (n, _), ents in zip(numbered, found) for e in ents if e.label == "PERSON"]
