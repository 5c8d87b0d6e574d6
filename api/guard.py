"""What a request must satisfy before any handler runs, and who may do what.

- The `Host` header must name this server (a web page elsewhere cannot reach it by DNS rebinding).
- A body is counted while it is read and cut off at the size limit (413); one that stops
  arriving is dropped (408); a connection that never completes its request line and
  headers is closed (`TimedH11Protocol`).
- `/id/…` that cannot be an IRI is a 400, not an error deep in the store.
- The request token, written to the data directory at start and readable only by its
  owner, marks the owner's own tools (the CLI): only they may ingest, and their queries
  carry no row or byte cap.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import NamedNode
from uvicorn.protocols.http.h11_impl import H11Protocol

TOKEN_FILE = "server.token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
ANY_ADDRESS = ("0.0.0.0", "::", "")


# -- the request token -------------------------------------------------------------------------
def issue_token(data: Path) -> str:
    """A fresh token in `<data>/server.token`, created readable and writable by the owner only."""
    token = secrets.token_urlsafe(32)
    path, tmp = data / TOKEN_FILE, data / f".{TOKEN_FILE}.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token)
    os.replace(tmp, path)
    return token


def read_token(data: Path) -> str | None:
    """The running server's token, for the owner's own tools; None when there is none."""
    try:
        return (data / TOKEN_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def withdraw_token(data: Path, token: str) -> None:
    """Remove the token file at shutdown, unless a newer server has replaced it."""
    if read_token(data) == token:
        (data / TOKEN_FILE).unlink(missing_ok=True)


def presented_token(headers: dict[str, str], params: dict[str, str]) -> str | None:
    """The token a request carries: `Authorization: Bearer …`, or an `access_token` parameter."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return params.get("access_token") or None


def is_owner(presented: str | None, token: str | None) -> bool:
    return bool(presented and token and secrets.compare_digest(presented, token))


# -- host names ----------------------------------------------------------------------------------
def served_hosts(bind: str | None, allowed: str) -> frozenset[str] | None:
    """Host names to answer: loopback names, the address bound, the machine's names when bound to every
    interface, and the `allowed_hosts` setting. None (no check) for `*`, or with neither a bind address nor a setting."""
    extra = {h.strip().lower() for h in allowed.split(",") if h.strip()}
    if "*" in extra or (bind is None and not extra):
        return None
    names = set(LOOPBACK_NAMES) | extra
    if bind in ANY_ADDRESS:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    elif bind:
        names.add(bind.lower().strip("[]"))
    return frozenset(names)


def host_name(header: str) -> str:
    """`example.org:8000` -> `example.org`; `[::1]:8000` -> `::1`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


# -- the middleware ------------------------------------------------------------------------------
class _BodyTooLarge(Exception):
    """The body ran past the size limit while it was read."""


class _BodyStalled(Exception):
    """The body stopped arriving before it was whole."""


class RequestGuard:
    """ASGI middleware: Host check, body size cap and read timeout, `/id/` paths that make IRIs under `base`."""

    def __init__(self, app, hosts: Iterable[str] | None, max_body: int, body_seconds: float, base: str):
        self.app, self.max_body, self.body_seconds, self.base = app, max_body, body_seconds, base
        self.hosts = frozenset(hosts) if hosts is not None else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal:
            return await _json(send, *refusal)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            return await _json(send, 413, self._too_large())
        started = False

        async def sending(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._counted(receive), sending)
        except (_BodyTooLarge, _BodyStalled) as e:
            if started:
                raise
            if isinstance(e, _BodyTooLarge):
                await _json(send, 413, self._too_large())
            else:
                await _json(send, 408, f"the request body stopped arriving for {self.body_seconds:g} s")

    def _refusal(self, scope, headers: dict[str, str]) -> tuple[int, str] | None:
        if self.hosts is not None and host_name(headers.get("host", "")) not in self.hosts:
            return 400, (
                f"this server does not answer to Host {headers.get('host', '')!r}; "
                "name it with the allowed_hosts setting (COUNCILKG_ALLOWED_HOSTS) to serve it"
            )
        path = scope.get("path", "")
        if path.startswith("/id/") and not _is_iri(self.base + path[len("/id/") :]):
            return (
                400,
                f"{path!r} cannot name a node: it is not a valid IRI (no spaces, quotes, braces or control characters)",
            )
        return None

    def _too_large(self) -> str:
        return f"the request body is over {self.max_body // 1024:,} KB (max_body_kb)"

    def _counted(self, receive):
        """`receive` that counts body bytes and times out while the body is still arriving."""
        seen, done = 0, False

        async def counted():
            nonlocal seen, done
            if done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_seconds)
            except TimeoutError:
                raise _BodyStalled() from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                done = not message.get("more_body", False)
                if seen > self.max_body:
                    raise _BodyTooLarge()
            return message

        return counted


def _is_iri(text: str) -> bool:
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


async def _json(send, status: int, error: str) -> None:
    body = json.dumps({"error": error}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class TimedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection that has not sent a whole request within `header_seconds`."""

    header_seconds = 10.0

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._header_timer = self.loop.call_later(self.header_seconds, self._close_if_silent)

    def _close_if_silent(self) -> None:
        if self.cycle is None and not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc) -> None:
        self._header_timer.cancel()
        super().connection_lost(exc)
