"""Errors raised by the nlp stages. The base class is shared by the whole project."""


class CouncilKGError(Exception):
    """Base class: the message is meant for the user."""


class ReadError(CouncilKGError):
    """A file could not be read as a document (empty, binary, too large, undecodable)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason
