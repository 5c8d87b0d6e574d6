"""Errors of the kg side; turned into CLI messages or HTTP statuses only at the edge."""

from nlp.errors import CouncilKGError, ReadError


class StoreBusyError(CouncilKGError):
    """The on-disk store is held by another process (usually a running server)."""


class QueryError(CouncilKGError):
    """A SPARQL query was malformed, not read-only, or too slow."""


__all__ = ["CouncilKGError", "ReadError", "StoreBusyError", "QueryError"]
