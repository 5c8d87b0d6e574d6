"""Words for matching: tokens with light stemming, acronyms spelt out, and IDF weights.

One tokenizer serves the passage index (BM25), question parsing and answer scoring, so a
word is the same token wherever it is compared.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable

STOP_WORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have how i if in
into is it its many may much of on or our per shall should so than that the their them then there these they this
those to us was we were what when where which while who whom whose why will with would you your""".split()
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[/.][0-9]+)*")  # "2016/17" and "95.5" stay one token
_SUFFIXES = ("ations", "ation", "ions", "ion", "ings", "ing", "ies", "ed", "es", "s")
_IRREGULAR = {"led": "lead", "children": "child", "people": "person", "women": "woman", "men": "man"}
ACRONYM = re.compile(r"\b[A-Z]{2,5}(?=s?\b)")


@functools.lru_cache(maxsize=1 << 16)  # a corpus repeats its words: most calls are lookups
def stem(t: str) -> str:
    """A light suffix stripper: elected/election -> elect, receiving/received -> receiv."""
    if t in _IRREGULAR:
        return _IRREGULAR[t]
    if not t.isalpha() or len(t) <= 4 or t.endswith("ss"):
        return t
    for suf in _SUFFIXES:
        if t.endswith(suf) and len(t) - len(suf) >= 4:
            return t[: -len(suf)]
    return t


def tokens(text: str) -> list[str]:
    """Lower-case word and number tokens, stop words dropped, light stemming."""
    return [stem(t) for t in _TOKEN.findall(text.lower().replace("’", "'")) if t not in STOP_WORDS and t != "s"]


def spelt_out(text: str) -> dict[str, set[str]]:
    """Acronyms the text's consecutive words spell ("children in care" -> "cic"), with those words' tokens."""
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    out: dict[str, set[str]] = {}
    for n in range(2, 6):
        for i in range(len(words) - n + 1):
            run = words[i : i + n]
            if any(w.isupper() for w in run):
                continue
            out.setdefault("".join(w[0].lower() for w in run), set(tokens(" ".join(run))))
    return out


def idf(bags: Collection[Iterable[str]], smoothing: float = 0.5) -> dict[str, float]:
    """Word -> log((N + 1) / (df + smoothing)): inverse document frequency over N bags of words."""
    df = Counter(w for bag in bags for w in set(bag))
    n = len(bags) + 1
    return {w: math.log(n / (c + smoothing)) for w, c in df.items()}
