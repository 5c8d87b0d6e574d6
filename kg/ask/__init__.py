"""Questions -> a short extractive answer, citations with line spans, graph nodes, the SPARQL used.

The pipeline, one module per step, run in this order by `Answerer.ask`:

1. `parse`    intent and slots (periods, value kinds, codes, topic words);
2. `scope`    the documents the question names (council, body, title words, date);
3. `lookup`   graph nodes and their facts, through the intent's handler (`handlers/`);
4. `retrieve` hybrid passage search within the scope;
5. `extract`  the short answer a passage holds, by the answer type the question expects;
6. `compose`  the response: answer, citations best first, nodes, the SPARQL shown.

Nothing is generated: an answer is a value, a name, a date or a span of the documents,
or a plain "not found".
"""

from __future__ import annotations

import re
from itertools import takewhile

from kg.ask.compose import NOT_FOUND, Found, dedupe, passage_nodes, with_list
from kg.ask.context import Context
from kg.ask.extract import (
    MAX_ANSWER,
    answer_type,
    best_sentence,
    cell_answer,
    misses_period,
    names_period,
    item_answer,
    novel,
    role_covered,
    short_answer,
    support,
    wanted,
    broad,
)
from kg.ask.handlers import HANDLERS
from kg.ask.parse import Question, parse
from kg.ask.retrieve import POOL, cite_first, retrieve
from kg.ask.scope import Scope, file_words
from kg.index import Entry
from nlp.words import tokens
from nlp.dates import dates_in

__all__ = ["Answerer", "MAX_ANSWER", "NOT_FOUND"]

MIN_SUPPORT = 0.5  # share of the question's words (IDF-weighted) a passage must hold to answer it …
MIN_SPAN_SUPPORT = 0.2  # … or this share when it holds a span of the type the question expects,
MIN_OWN_SUPPORT = 0.15  # of which its own text (not its document's title) holds at least this share


def _identity(e: Entry) -> str:
    """What a passage inherits from where it stands: its document's title and file, its section, its columns."""
    return f"{e.title} {file_words(e.source)} {e.section.rsplit(' > ', 1)[-1]} {e.headers}"


class Answerer:
    """Answers questions for one engine; its context (catalog, passages, scopes) is built once."""

    def __init__(self, engine):
        self.engine = engine
        self.ctx = Context(engine)

    def ask(self, question: str, k: int = 5) -> dict:
        question = re.sub(r"<[^>]*>|[\x00-\x08\x0b-\x1f]", " ", question or "")  # markup and control characters
        question = re.sub(r"\s+", " ", question).strip()
        if not question or not tokens(question):
            return {
                "answer": "Please ask a question about the documents, in words.",
                "citations": [],
                "nodes": [],
                "sparql": None,
            }
        scope = self.ctx.scoper.scope(question, self.ctx.idf)
        q = parse(question, scope.naming)
        hits = retrieve(self.engine, question, scope, k) if not scope.elsewhere else []
        if scope.elsewhere or self._date_absent(scope):
            found = Found(NOT_FOUND)
        else:
            handler = HANDLERS.get(q.intent)
            found = handler(self.ctx, q, scope) if handler else None
        if found is None:
            return self._from_passages(q, hits, k)
        cited = [self.ctx.entries[s] for s in dict.fromkeys(found.sources) if s in self.ctx.entries]
        ranked = cite_first(cited, hits, k)
        cites = [self.engine.citation(e, s) for e, s in ranked]
        nodes = found.nodes + passage_nodes([e for e, _ in ranked])
        return {"answer": found.text[:MAX_ANSWER], "citations": cites, "nodes": dedupe(nodes), "sparql": found.sparql}

    def _date_absent(self, scope: Scope) -> bool:
        """The question names a day that no document in scope is dated or speaks of."""
        if not scope.dates or not scope.documents:
            return False
        if any(set(scope.dates) & self.ctx.scoper.docs[d].dates for d in scope.documents if d in self.ctx.scoper.docs):
            return False
        said = {x for d in scope.documents for e in self.ctx.order.get(d, []) for _, x in dates_in(e.text)}
        return not (set(scope.dates) & said)

    # -- answers from passages ------------------------------------------------------------
    def _from_passages(self, q: Question, hits: list[tuple[Entry, float]], k: int) -> dict:
        cites = [self.engine.citation(e, s) for e, s in hits[:k]]
        nodes = passage_nodes([e for e, _ in hits[:k]])
        entry, answer = self._best_passage(q, [e for e, _ in hits[:POOL]])
        if entry is None:
            return {"answer": NOT_FOUND, "citations": cites, "nodes": nodes, "sparql": None}
        if entry.iri != hits[0][0].iri:  # cite the passage the answer came from first
            cites = [self.engine.citation(entry, 1.0)] + [c for c in cites if c["passage_id"] != entry.iri]
            nodes = dedupe(passage_nodes([entry]) + nodes)
        return {"answer": answer[:MAX_ANSWER], "citations": cites[:k], "nodes": nodes, "sparql": None}

    def _names_period(self, q: Question, e: Entry, typed: bool) -> bool:
        """The passage names the period asked about; for a typed answer in prose, its document may name it
        once for all its passages (a report "on the 2019/20 register")."""
        if names_period(q, f"{e.text} {e.headers} {e.section}"):
            return True
        if not typed or e.headers:
            return False
        return any(names_period(q, x.text) for x in self.ctx.order[e.document][:12])

    def _items_after(self, e: Entry) -> list[Entry]:
        """The list items that directly follow a passage, in reading order (at most eight)."""
        passages = self.ctx.order[e.document]
        at = passages.index(e)
        return list(takewhile(lambda x: x.kind == "list_item", passages[at + 1 : at + 9]))

    def _list_of(self, e: Entry) -> list[Entry]:
        """The items of the list a passage introduces ("… the status was:"), or none."""
        return self._items_after(e) if e.text.rstrip().endswith(":") else []

    def _span(self, q: Question, e: Entry, items: list[Entry], text: str, sentence: str) -> tuple[Entry, str | None]:
        """A span of the expected type and the passage holding it: the one list item the question singles
        out, else the best sentence, else the passage read with its list (`text`)."""
        picked = item_answer(q, e.text, [x.text for x in items], self.ctx.idf)
        if picked:
            return items[picked[0]], picked[1]
        return e, short_answer(q, sentence, self.ctx.idf) or short_answer(q, text, self.ctx.idf)

    def _best_passage(self, q: Question, pool: list[Entry]) -> tuple[Entry | None, str]:
        """The passage that supports the question best and its short answer: a span of the expected type
        when the question expects one, else the best sentence or table cell."""
        idf, kind = self.ctx.idf, answer_type(q)
        ranked = []
        for i, e in enumerate(pool):
            items = self._list_of(e)
            text = " ".join([e.text, *(x.text for x in items)])
            sup = support(q, text, idf, context=_identity(e) if kind else "")
            cell = cell_answer(q, e.text, e.headers) if e.headers and sup >= 0.5 else None
            if not cell and (misses_period(q, e.headers) or not self._names_period(q, e, typed=bool(kind))):
                continue  # the passage (or its table, or for a typed answer its document) says nothing of the period
            sentence = cell or best_sentence(q, e.text, idf)
            source, span = (e, None) if cell or not kind else self._span(q, e, items, text, sentence)
            if span and (
                support(q, e.text, idf) < MIN_OWN_SUPPORT or not role_covered(q, f"{text} {_identity(e)}", idf)
            ):
                span = None  # only the document's title speaks of the question, or the passage of another role
            if sup < (MIN_SPAN_SUPPORT if span else MIN_SUPPORT) or not (i < 3 or sup >= 0.8 or cell):
                continue  # deeper hits only when they cover the question well
            score = sup + 0.2 * broad(q, f"{e.text}\t{e.headers}", idf) - 0.04 * i
            ranked.append(
                (
                    bool(cell or span or (not kind and novel(wanted(q), sentence, q))),
                    score,
                    source,
                    cell or span or sentence,
                )
            )
        if not ranked:
            return None, ""
        best = max(ranked, key=lambda t: t[:2])
        if kind and not best[0]:
            return None, ""  # no passage holds an answer of the type asked for
        if kind is None and wanted(q) and not best[0]:
            return None, ""
        entry, answer = best[2], best[3]
        return entry, with_list(answer, self._items_after(entry), MAX_ANSWER)
