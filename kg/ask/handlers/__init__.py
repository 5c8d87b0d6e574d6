"""Intent -> handler registry. A handler takes the shared `Context`, the parsed `Question` and its
`Scope`, and returns a `Found` (an answer read from the graph, or a definite "not found") or None
(the graph does not know: answer from passages). The registry is checked against the intents of
`intents.json` when this package loads, so an intent can never miss its handler."""

from __future__ import annotations

from collections.abc import Callable

from kg.ask.compose import Found
from kg.ask.context import Context
from kg.ask.handlers import changes, meetings, outline, series, values
from kg.ask.parse import Question, rules
from kg.ask.scope import Scope

Handler = Callable[[Context, Question, Scope], Found | None]
PASSAGE = "passage"  # the intent answered from passages alone

HANDLERS: dict[str, Handler] = {
    "value": values.value,
    "measure_lead": values.measure_lead,
    "measure_outcomes": values.measure_outcomes,
    "risk_owner": values.risk_owner,
    "risk_fact": values.risk_fact,
    "count_rag": outline.count_rag,
    "provider": outline.provider,
    "role_holder": outline.role_holder,
    "outcome_text": outline.outcome_text,
    "priority_outcomes": outline.priority_outcomes,
    "version_diff": series.version_diff,
    "trace": series.trace,
    "target_met": changes.target_met,
    "indicator_change": changes.indicator_change,
    "document_changes": changes.document_changes,
    "priority_became": changes.priority_became,
    "chair": meetings.chair,
    "attendance_count": meetings.attendance_count,
    "proposer": meetings.proposer,
}


def _check() -> None:
    declared = {name for name, _ in rules()["intents"]} - {PASSAGE}
    missing, unused = declared - set(HANDLERS), set(HANDLERS) - declared
    if missing or unused:
        raise RuntimeError(
            f"intents without a handler: {sorted(missing)}; handlers without an intent: {sorted(unused)}"
        )


_check()
