"""A running `councilkg serve`, seen from the command line.

The server holds the store (RocksDB allows one writer, and a read-only open beside a
writer is undefined behaviour), so while it runs the CLI asks it over HTTP: `Served`
answers the engine's reading calls and ingests through `POST /ingest`. The server is
found through `<data>/server.json`, which `serve` writes and removes; requests carry the
server's token (`<data>/server.token`, readable by its owner only), which lets the owner's
CLI ingest and query without the caps other clients get.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from api.guard import read_token
from kg.errors import CouncilKGError, StoreBusyError
from kg.ingest import DocReport, IngestReport
from kg.store import EndpointStore, http_error_text, store_stats

SERVER_FILE = "server.json"


def server_url(data: Path, wait: float = 30.0) -> str | None:
    """The URL of the server named in `<data>/server.json` once it answers; None when none runs.

    A server still loading its models is waited for, up to `wait` seconds."""
    try:
        info = json.loads((data / SERVER_FILE).read_text(encoding="utf-8"))
        url, pid = str(info["url"]), int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    deadline = time.monotonic() + wait
    while True:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=5).close()
            return url
        except OSError:
            if not _alive(pid) or time.monotonic() > deadline:
                return None
            time.sleep(0.5)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Served:
    """The reading calls of `Engine` (`sparql`, `ask`, `stats`, `validate`, `store.dump`) and
    `ingest`, answered by the server at `url` that holds the store of data directory `data`."""

    def __init__(self, url: str, data: Path):
        token = read_token(data)
        self.url, self.data = url, data
        self.headers = {"authorization": f"Bearer {token}"} if token else {}
        self.store = EndpointStore(f"{url}/sparql", headers=self.headers)

    @classmethod
    def find(cls, data: Path) -> Served | None:
        """The server holding `data`, or None when none runs."""
        url = server_url(data)
        return cls(url, data) if url else None

    def sparql(self, query: str, bindings: dict | None = None):
        return self.store.query(query, bindings)

    def ask(self, q: str, k: int = 5) -> dict:
        return self._call("/ask", q=q, k=k)

    def citations(self, q: str, k: int = 10, mode: str = "hybrid") -> list[dict]:
        """The server's `/search`: citations of the best passages."""
        return self._call("/search", q=q, k=k, mode=mode)["results"]

    def stats(self) -> dict:
        return store_stats(self.store)

    def validate(self) -> tuple[bool, int, str]:
        from kg.validate import validate_store

        return validate_store(self.store)

    def ingest(self, paths: list[Path], force: bool = False) -> IngestReport:
        """Files on this machine ingested by the server, which then answers from them at once.

        The paths become corpus roots first, as `Engine.ingest` makes them: the owner named them."""
        from kg.corpus import remember_roots

        remember_roots(self.data, paths)
        body = {"paths": [str(p.resolve()) for p in paths], "force": force}
        sent = self._call("/ingest", body=body)
        return IngestReport([DocReport(**d) for d in sent["documents"]], sent["warnings"])

    def _call(self, path: str, body: dict | None = None, **params: object) -> dict:
        url = f"{self.url}{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data, {**self.headers, "content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=3600) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise CouncilKGError(f"the server at {self.url} refused {path}: {http_error_text(e)}") from None
        except OSError as e:
            raise StoreBusyError(f"the server at {self.url} does not answer: {e}") from None
