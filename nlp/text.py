"""Text normalisation shared by every stage: spaces, HTML tags, slugs and title case."""

from __future__ import annotations

import re
import unicodedata

TAG = re.compile(r"<[^>]+>")  # an HTML tag, or anything between angle brackets
SMALL_WORDS = frozenset("a an and at for in of on the to with".split())  # lower-case inside a title
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")  # hyphens, en and em dashes, minus: word breaks in a slug


def squash(text: str) -> str:
    """Runs of white space as one space, ends stripped."""
    return re.sub(r"\s+", " ", text).strip()


def slug(text: str | int, keep: str = "") -> str:
    """Lower-case ASCII words joined by hyphens: "Children's Services" -> "childrens-services".

    Accents are folded ("é" -> "e"), apostrophes dropped, any other run of characters between words
    is one hyphen; `keep` names characters that stay (IRIs keep "." in "2020.1")."""
    text = unicodedata.normalize("NFKD", _DASHES.sub("-", str(text))).encode("ascii", "ignore").decode()
    text = re.sub(r"['`]", "", text.lower())
    return re.sub(rf"[^a-z0-9{re.escape(keep)}]+", "-", text).strip("-" + keep)


def titlecase(text: str) -> str:
    """'CHILDREN'S SOCIAL CARE AND HEALTH' -> "Children's Social Care and Health" (small words lower-case)."""
    words = text.lower().split()
    return " ".join(w if i and w in SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))
