"""Canonical names of entities: the alias table and name data behind the NER rules.

Pattern files in `nlp/patterns/*.jsonl` hold one JSON object per line, dispatched by key:
``label`` lines are EntityRuler patterns (string patterns double as aliases: their ``id``
is the canonical name), ``lead_in`` / ``not_name_tail`` lines are filter words for
spans, ``relation`` lines are read by `nlp.extract.mentions`. Honorifics and other
words around people's names live in `nlp/data/people.json`, common given names in
`nlp/data/given_names.txt`. No spaCy here: lookups
work without loading a model.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

PATTERN_DIR = Path(__file__).parent / "patterns"
PEOPLE_FILE = Path(__file__).parent / "data" / "people.json"
GIVEN_NAMES_FILE = Path(__file__).parent / "data" / "given_names.txt"
_SMALL_WORDS = {"and", "of", "for", "the", "in", "on", "to", "with", "a", "an", "by", "at", "or"}


@cache
def pattern_lines() -> tuple[dict, ...]:
    """Every JSON object in the pattern files, in file order."""
    rows: list[dict] = []
    for path in sorted(PATTERN_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return tuple(rows)


@cache
def people_data() -> dict:
    """Honorifics, post-nominals and bracketed roles (see `nlp/data/people.json`)."""
    return json.loads(PEOPLE_FILE.read_text(encoding="utf-8"))


@cache
def given_names() -> frozenset[str]:
    """Common given names ("Peter", "Mairead"): whitespace-separated, `#` starts a comment line."""
    lines = GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


@cache
def aliases() -> dict[str, tuple[str, str]]:
    """Surface form -> (label, canonical name), from string patterns with an ``id``."""
    return {
        r["pattern"]: (r["label"], r.get("id", r["pattern"]))
        for r in pattern_lines()
        if "label" in r and isinstance(r["pattern"], str)
    }


@cache
def filter_words(kind: str) -> frozenset[str]:
    """Words of one filter kind ("lead_in", "not_name_tail") from the pattern files."""
    return frozenset(r[kind] for r in pattern_lines() if kind in r)


@cache
def head_words() -> dict[str, str]:
    """Lower-cased head word -> label, from the last token of the generic token patterns."""
    heads: dict[str, str] = {}
    for r in pattern_lines():
        if "label" in r and isinstance(r["pattern"], list):
            last = r["pattern"][-1]
            for spec in (last.get("ORTH"), last.get("LOWER")):
                if isinstance(spec, dict):
                    heads.update({w.lower(): r["label"] for w in spec.get("IN", [])})
    return heads


def lookup(text: str) -> tuple[str, str] | None:
    """(label, canonical name) of a known surface form, tolerating Service/Services/"X service"."""
    table = aliases()
    variants = [text, text + "s", text[:-1] if text.endswith("s") else text]
    variants += [text.rsplit(" ", 1)[0] for h in (" service", " services") if text.lower().endswith(h)]
    return next((table[v] for v in variants if v in table), None)


def canonical_key(text: str, label: str) -> str:
    """The name a surface form stands for: its alias, else the tidied text in title case
    (so "Health Visiting service" and "HEALTH VISITING SERVICE" are one name)."""
    text = re.sub(r"(?<=\w)\s*[–—-]\s*(?=\w)", "-", " ".join(text.split()))
    found = lookup(text) or lookup(titlecase(text))
    if found:
        return found[1]
    if label == "SERVICE" and text.lower().endswith("services"):
        text = text[:-1]
    return text if label == "PERSON" else titlecase(text)


def titlecase(text: str) -> str:
    """Capitalise words, leaving acronyms and short joining words alone."""

    def word(i: int, w: str) -> str:
        if i and w.lower() in _SMALL_WORDS:
            return w.lower()
        if w.isupper() and len(w) <= 5 or not w[:1].isalpha():
            return w
        return w[0].upper() + (w[1:].lower() if w.islower() or w.isupper() else w[1:])

    return " ".join(word(i, w) for i, w in enumerate(text.split(" ")))


_BODY = re.compile(r"\b(committee|sub-committee|panel|board|cabinet|forum|partnership)s?\s*$", re.I)


def is_body(name: str) -> bool:
    """A committee-like body: a name ending in Committee, Panel, Board, …"""
    return bool(_BODY.search(name.strip()))


def body_name(name: str) -> str:
    """One spelling per body: straight apostrophes, "and" for "&", single spaces, title case.

    "CHILDREN'S SOCIAL CARE & HEALTH CABINET COMMITTEE" -> "Children's Social Care and Health Cabinet Committee";
    "Resolved the Corporate Parenting Panel" -> "Corporate Parenting Panel".
    """
    shouting = name.isupper()
    text = re.sub(r"\s+", " ", name.replace("’", "'").replace("&", " and ")).strip()
    tail = re.split(r"\bthe\s+", text, flags=re.I)[-1]  # "Resolved the X Committee", "Chairman of the X Panel"
    text = tail if is_body(tail) and tail[:1].isupper() else text
    return titlecase(text.lower()) if shouting else text


# -- what a name claims to be ---------------------------------------------------------
# Text-only checks of a name against the words around it on its line; `nlp.extract.mentions`
# applies them to every organisation, service, provider and body the NER finds.
_SPACED_DASH = re.compile(r"[\w)]\s+[–—-]\s+[A-Za-z]|^\d+\s*[–—-]\s*[A-Za-z]")
_UNIT_HEAD = r"(?:Directorate|Division|Department)"
_FUNCTION = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "our",
    "their",
    "its",
    "his",
    "her",
    "my",
    "your",
    "in",
    "on",
    "at",
    "for",
    "of",
    "to",
    "by",
    "with",
    "from",
    "and",
    "or",
    "all",
    "any",
    "each",
    "both",
}
_CAPS = r"(?:[A-Z][\w'&-]*(?:\s+(?:and|&|of)\s+|,?\s+)){0,7}?[A-Z][\w'&-]*"  # capitalised words, a space between
_UNIT_NAMED = [
    re.compile(rf"\b(?P<n>{_CAPS})\s*(?:\([A-Z][A-Za-z]+\)\s+)?{_UNIT_HEAD}\b"),
    re.compile(rf"\bDirector(?:ate)?(?:\s+(?:of|for)|,)?\s+(?P<n>{_CAPS.replace('}?', '}')})(?=[^\w'&-]|$)"),
]


def owner_words(council: str) -> frozenset[str]:
    """How a document names its own council ("Kent County Council", "Kent", "KCC"): "KCC services"
    are all of them, not one service."""
    from nlp.identity import known_council  # local: identity imports this module

    if not council:
        return frozenset()
    place = re.sub(r"\s+(?:County|Borough|District|City|Metropolitan)?\s*Council$", "", council)
    initials = "".join(w[0] for w in council.split() if w[0].isupper())
    known = known_council(council) or {"aliases": []}
    return frozenset([council, place, initials, *known["aliases"]])


def unit_names(texts: list[str]) -> frozenset[str]:
    """Canonical names of directorates, divisions and departments a document names ("the Early Help
    Division", "Corporate Director of Education and Young People's Services")."""
    found = set()
    for text in texts:
        for rx in _UNIT_NAMED:
            for m in rx.finditer(text):
                name = re.sub(r"^(?:The|This|Our)\s+", "", m.group("n").strip(" ,"))
                if " " in name:
                    found.add(canonical_key(name, "SERVICE"))
    return frozenset(found)


def not_a_service(name: str, before: str, after: str, owners: frozenset[str]) -> bool:
    """A "<…> Service(s)" span that is no one service: a heading joined by a dash ("Model - Targeted
    … service"), an owner's services ("KCC services", "EYPS services"), the modifier of a compound
    ("SCS service delivery") or a name cut short ("One You East Sussex service" read as "East Sussex service")."""
    words = name.split()
    modifier = " ".join(words[:-1])
    return bool(
        _SPACED_DASH.search(name)
        or modifier in owners
        or re.fullmatch(r"[A-Z]{2,}s?", modifier)
        and words[-1] == "services"
        or words[-1] == "service"
        and re.match(r"\s+(?:delivery|users?|areas?|provision|model|level)\b", after)
        or _cut_after(before)
    )


def _cut_after(before: str) -> bool:
    """The text before a name ends, after a space, in a capitalised word that is no lead-in, no
    function word and not the first word of its sentence or cell: the name began earlier."""
    m = re.search(r"(?P<prev>\S+) (?P<word>[A-Z][\w'-]*) $", before)
    return (
        bool(m)
        and m.group("word") not in filter_words("lead_in")
        and m.group("word").lower() not in _FUNCTION
        and not re.search(r"[.:;!?•]$", m.group("prev"))
        and not re.fullmatch(r"[-–*#\d.)]+", m.group("prev"))
    )


def body_start(name: str, before: str) -> str:
    """A body's name with the capitalised lead-in words a rule trimmed put back ("Transformation
    Portfolio Board"), and a leading "<common noun> of" dropped ("Administration of Youth Offender Panels")."""
    roles = set(people_data()["role_words"])
    lead = re.search(r"((?:\b[A-Z][a-z]+\s)+)$", before)
    back = lead.group(1).split() if lead else []
    while back and (back[0] not in filter_words("lead_in") or back[0] in roles):
        back.pop(0)
    if back and all(w in filter_words("lead_in") and w not in roles for w in back):
        name = " ".join(back + [name])
    m = re.match(r"[A-Z][a-z]+ of (?P<rest>[A-Z].*)$", name)
    return m.group("rest") if m and is_body(m.group("rest")) and not is_body(name.split()[0]) else name


def not_a_body(name: str, after: str, owners: frozenset[str] = frozenset()) -> bool:
    """A committee-like name that is a role ("Lead Cabinet Member"), a legal form ("Limited Liability
    Partnership"), a list ending in a known name ("Health Visiting and Family Nurse Partnership") or
    a kind of body ("Safeguarding Boards", "Kent Area Committees": a plural after one word)."""
    return bool(
        re.match(r"\s+(?:Members?|Chair(?:man|person)?|Portfolio Holders?)\b", after)
        or name in filter_words("legal_form")
        or _ends_in_known(name)
        or _kind_of_body(name, owners)
    )


def _kind_of_body(name: str, owners: frozenset[str]) -> bool:
    """ "Safeguarding Boards", "Kent Safeguarding Boards" (Kent the council's place): bodies of one kind, not one body."""
    words = name.split()
    for owner in sorted(owners, key=len, reverse=True):
        if name.startswith(owner + " "):
            words = words[len(owner.split()) :]
            break
    return len(words) == 2 and words[-1].endswith("s") and is_body(words[-1]) and words[0][:1].isupper()


def _ends_in_known(name: str) -> str | None:
    """The known name a coordinated span ends with: "Health Visiting and Family Nurse Partnership" -> "Family Nurse Partnership"."""
    parts = re.split(r"\s+(?:and|&)\s+", name)
    for i in range(1, len(parts)):
        tail = " and ".join(parts[i:])
        if lookup(tail) and not lookup(name):
            return tail
    return None


def provider_cut(name: str, after: str) -> str | None:
    """A provider span as far as it is one provider: "Barnardo's for Observation and Assessment
    Nursery" -> "Barnardo's"; None when it is part of a longer name ("the Regional School's
    Commissioner") or the modifier of a compound ("… Short Break School holiday play schemes")."""
    if re.match(r"'s\s+[A-Z]", after) or re.match(r"\s+(?:holidays?|places|term|transport|meals)\b", after):
        return None
    m = re.match(r"(?P<own>.+?'s)\s+(?:for|of|in|with)\s", name)
    return m.group("own") if m else name


_NOT_A_PROVIDER = re.compile(
    r"^(?:various|individual|none|nil|n/?a|tb[ca]|to be|unknown|yes|no|in-?house|internal|"
    r"external|approx|several|multiple|other|all|each|see|as with)\b|\bproviders?\b",
    re.I,
)
_JOINING = {"and", "of", "for", "the", "n", "&", "on", "in"}


def provider_names(cell: str) -> list[str]:
    """The providers a "Provider name" table cell names: "Salus/Addaction" -> two, "Princess Christian
    Farm (Hadlow College)" -> both, "Nottingham Rehab Limited (trading as …). Joint contract …" -> one;
    "Various", "Individual providers", descriptions and runs of several names -> none."""
    first = re.split(r"(?<=[a-z)])\.\s", cell.strip(), maxsplit=1)[0]
    names = []
    for part in re.split(r"\s*[•/;]\s*", first):
        main, *brackets = re.split(r"\s*\(([^)]*)\)\s*", part)
        for name in [n.strip(" .,") for n in [main, *brackets[:1]]]:
            names += [n for n in _two_names(name) if _provider_like(n)]
    return names


_ORG_END = r"(?:Trust|Ltd|Limited|CIC|plc|PLC)"


def _two_names(name: str) -> list[str]:
    """A cell naming two providers: "Job Centre Plus and Kent Supported Employment" (one "and",
    two words or more either side), "Shaw Trust Porchlight" (words after an organisation's suffix)."""
    m = re.fullmatch(rf"(?P<a>.+?\b{_ORG_END})\s+(?P<b>[A-Z]\S*(?:\s+\S+)*)", name)
    if m:
        return [m.group("a"), m.group("b")]
    sides = name.split(" and ")
    if len(sides) == 2 and all(len(s.split()) >= 2 for s in sides):
        return sides
    return [name]


def _provider_like(name: str) -> bool:
    """One organisation's name: capitalised words (a few joining words), not "Various", not a run
    of names ("Careers Explorer Time OCR GCSE Pod") or a sentence."""
    words = name.split()
    capitalised = [w for w in words if w not in _JOINING]
    return (
        0 < len(words) <= 7
        and name[0].isalnum()
        and bool(re.search(r"[A-Za-z]{2}", name))
        and not _NOT_A_PROVIDER.search(name)
        and all(w[0].isupper() or w[0].isdigit() for w in capitalised)
        and len(set(capitalised)) == len(capitalised)
        and (len(capitalised) <= 4 or len(capitalised) < len(words))
        and sum(w.isupper() and len(w) > 1 for w in capitalised[:-1]) < 2
    )


_DEFINED = re.compile(r"(?P<svc>\s+service)?\s+\((?P<acr>[A-Z][A-Za-z-]{1,9})\)")
_IS_A_SERVICE = re.compile(r",?\s+(?:is|was)\s+(?:an?|the)\s+(?:[\w'-]+\s+){0,3}?service\b")


def defined_services(text: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of services a line defines with an acronym: "The Drug and Alcohol Recovery
    Team (DART) is an integrated service", "Safeguarding with Intensive Family Treatment service
    (SWIFT)", "Information and Advice Service Kent (I-ASK)". The acronym's letters fix where the
    name starts, so it may hold "and", "of" or "with"."""
    out = []
    for m in _DEFINED.finditer(text):
        words = list(re.finditer(r"[\w'&-]+", text[: m.start()]))
        n = spelt_by(m.group("acr").replace("-", "").upper(), [w.group() for w in words])
        if not n:
            continue
        name = " ".join(w.group() for w in words[-n:])
        ends_as_service = re.search(r"\bServices?$", name)  # the NER's service patterns read these
        if (
            not ends_as_service
            and not lookup(name)
            and (m.group("svc") or " Service " in name or _IS_A_SERVICE.match(text, m.end()))
        ):
            out.append((name, words[-n].start(), words[-1].end()))
    return out


def spelt_by(acronym: str, words: list[str]) -> int:
    """How many of the last `words` the acronym's letters spell (joining words may be skipped); 0 if none."""
    for n in range(len(acronym), min(len(acronym) * 2, len(words)) + 1):
        if words[-n][0].isupper() and _spells(acronym, words[-n:]):
            return n
    return 0


def _spells(acronym: str, words: list[str]) -> bool:
    """The initials of `words` (each capitalised word one letter, joining words one letter or none) are `acronym`."""
    if not words:
        return not acronym
    w, rest = words[0], words[1:]
    if w in _SMALL_WORDS and _spells(acronym, rest):
        return True
    return bool(acronym) and w[0].upper() == acronym[0] and _spells(acronym[1:], rest)
