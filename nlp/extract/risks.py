"""Risk registers -> `Risk` records: id, title, owners, likelihood, impact, controls, actions.

Registers are laid out as small tables per risk: a "Risk ID … Risk Title …" row, a
header row (cause, event, consequence, owner, current likelihood/impact, sometimes the
target residual ones) over its values, then "Control Title / Control Owner" and
"Action Title / Action Owner / Planned Completion Date" tables that may continue over a
page break with a different column layout. Labels and scales: `nlp/data/performance.json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from nlp.cells import TAG
from nlp.dates import MONTHS, month_number
from nlp.extract.measure_cells import RULES
from nlp.model import Document, PersonRef
from nlp.text import squash

APPLIES_TO = {"RiskRegister"}
_R = RULES["risk"]
_LABELS = sorted(_R["fields"], key=lambda f: -len(f[0]))
_SCORE = re.compile(r"^\s*([A-Za-z][A-Za-z ]*?)\s*\((\d)\)")
_DUE = re.compile(r"^(?:(\d{1,2})\s*(?:st|nd|rd|th)?\s*)?(?:(" + "|".join(MONTHS) + r")\s+(\d{4}))?$", re.I)


@dataclass(frozen=True)
class Party:
    """A person named as owner, with the role written beside the name."""

    person: PersonRef
    role: str | None


@dataclass(frozen=True)
class RiskStep:
    """A control in place, or an action planned, with its owner(s) and due date."""

    kind: str  # control | action
    text: str
    line: int
    owner_text: str = ""
    due_text: str = ""
    due: date | None = None

    @property
    def owners(self) -> tuple[Party, ...]:
        return parties(self.owner_text, self.line)


@dataclass(frozen=True)
class Risk:
    """One register entry. Scores are (label as written, 1–5)."""

    id: str
    line: int
    fields: dict = field(default_factory=dict, compare=False)  # cause, event, consequence, owner, …
    steps: tuple[RiskStep, ...] = ()

    def get(self, name: str) -> str | None:
        return self.fields.get(name)

    def score(self, name: str) -> tuple[str, int] | None:
        """'Very Likely (5)' -> ('Very Likely', 5); a bare scale word is looked up."""
        text = self.fields.get(name)
        if not text:
            return None
        m = _SCORE.match(text)
        if m:
            return m.group(1).strip(), int(m.group(2))
        scale = _R["likelihood" if "likelihood" in name else "impact"]
        return (text, scale[text.lower()]) if text.lower() in scale else None

    def rating(self, prefix: str = "") -> int | None:
        lik, imp = self.score(prefix + "likelihood"), self.score(prefix + "impact")
        return lik[1] * imp[1] if lik and imp else None

    @property
    def owners(self) -> tuple[Party, ...]:
        return parties(self.fields.get("owner", ""), self.line)

    @property
    def cabinet_members(self) -> tuple[Party, ...]:
        return parties(self.fields.get("cabinet_member", ""), self.line)


def band(rating: int | None) -> str | None:
    """Low / Medium / High from the register's rating bands."""
    return next((name for top, name in _R["rating_bands"] if rating is not None and rating <= top), None)


def parties(text: str, line: int) -> tuple[Party, ...]:
    """'Andrew Ireland, Corporate Director SCHWB/ Mark Lobban Director Commissioning' -> Parties."""
    out = []
    for part in re.split(r"\s*/\s*(?=[A-Z])", text):
        words = part.replace(",", " , ").split()
        name = []
        for w in words:
            if w == "," or w.lower() in _R["role_words"] or not re.fullmatch(r"[A-Z][a-zA-Z'’-]+", w):
                break
            name.append(w)
        if 2 <= len(name) <= 3:
            role = part[len(" ".join(name)) :].strip(" ,") or None
            out.append(Party(PersonRef(" ".join(name), line), role))
    return tuple(out)


def _cells(line: str) -> list[tuple[str, str | None, str]]:
    """(text, label field or None, value after the label) for each cell of a line."""
    out = []
    for raw in line.split("\t"):
        text = squash(TAG.sub(" ", raw).replace("**", ""))
        hit = next(((key, name) for key, name in _LABELS if text.lower().startswith(key)), None)
        out.append((text, hit[1] if hit else None, text[len(hit[0]) :].strip(" :") if hit else ""))
    return out


def _inline(text: str, fields: dict) -> str:
    """Labels inside a cell ('… Responsible Cabinet Member(s): X') fill their own fields."""
    pieces = re.split("(" + "|".join(re.escape(k) for k, _ in _LABELS) + r")\s*:?", text, flags=re.I)
    for i in range(1, len(pieces) - 1, 2):
        name = dict(_LABELS)[pieces[i].lower()]
        fields.setdefault(name, pieces[i + 1].strip())
    return pieces[0].strip()


def _due(text: str) -> tuple[str, date | None] | None:
    m = _DUE.match(text.strip())
    if not text.strip() or not m or not (m.group(1) or m.group(2)):
        return None
    full = m.group(1) and m.group(2)
    return text, date(int(m.group(3)), month_number(m.group(2)), int(m.group(1))) if full else None


def _step(kind: str, n: int, cells: list[str], steps: list[RiskStep]) -> None:
    """Add a control/action row, or continue the previous one (page-broken cell)."""
    filled = [c for c in cells if c]
    due = _due(filled[-1]) if kind == "action" and len(filled) > 1 else None
    body = filled[:-1] if due else filled
    cont = steps and (not cells[0] or body[0][:1].islower() or (kind == "action" and due is None))
    if cont:
        prev = steps[-1]
        text, owner = (prev.text, body) if not cells[0] else (f"{prev.text} {body[0]}", body[1:])
        owner_text = " ".join([prev.owner_text, *owner]).strip()
        steps[-1] = replace(prev, text=text, owner_text=owner_text)
        return
    owner = " ".join(body[1:])
    steps.append(RiskStep(kind, body[0], n, owner, *(due or ("", None))))


def extract(doc: Document) -> list[object]:
    """Every risk entry of a register, in order."""
    risks: list[Risk] = []
    cur: dict | None = None
    for n, line in doc.numbered():
        if not line.strip():
            continue
        if "\t" not in line and not re.search(r"risk (id|title)", line, re.I):
            mode = None if cur is None else "off"
            if cur is not None:
                cur["mode"] = mode
            continue
        cells = _cells(line)
        if any(f == "id" for _, f, _ in cells):
            cur = {"line": n, "fields": {}, "steps": [], "columns": {}, "mode": "head"}
            risks.append(cur)  # type: ignore[arg-type]
        if cur is None or cur["mode"] == "off":
            continue
        _line(cur, n, cells)
    return [_record(r) for r in risks]


def _line(cur: dict, n: int, cells: list[tuple[str, str | None, str]]) -> None:
    """Feed one tabbed line to the risk being read."""
    labels = [(j, f, v) for j, (t, f, v) in enumerate(cells) if f]
    fields = cur["fields"]
    if labels:
        for j, f, v in labels:
            if f in ("controls", "actions"):
                cur["mode"] = f
            elif v:
                fields.setdefault(f, _inline(v, fields))
            else:
                cur["columns"][j] = f
        values = [(j, t) for j, (t, f, v) in enumerate(cells) if not f and t]
        for j, t in values:  # "Risk ID | SCHW 01 | Risk Title | …": a value follows its label
            prev = next((f for i, f, v in reversed(labels) if i < j and not v), None)
            if prev in ("id", "title"):
                fields.setdefault(prev, t)
        return
    texts = [t for t, _, _ in cells]
    if cur["mode"] in ("controls", "actions"):
        _step(cur["mode"][:-1], n, texts, cur["steps"])
        return
    for j, t in enumerate(texts):
        f = cur["columns"].get(j)
        if t and f:
            fields.setdefault(f, _inline(t, fields))


def _record(cur: dict) -> Risk:
    fields = {k: v for k, v in cur["fields"].items() if v}
    return Risk(id=fields.get("id", ""), line=cur["line"], fields=fields, steps=tuple(cur["steps"]))
