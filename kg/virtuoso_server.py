"""A Virtuoso server for the `virtuoso` store: install, configure, start and stop it.

The server lives in `<data>/virtuoso/` (database, log, `virtuoso.ini`), listens on 127.0.0.1
only, and takes its ports and credentials from the settings (`COUNCILKG_VIRTUOSO_URL`,
`COUNCILKG_VIRTUOSO_SQL_PORT`, `COUNCILKG_VIRTUOSO_USER`, `COUNCILKG_VIRTUOSO_PASSWORD`).
Run: `make virtuoso-up` / `make virtuoso-down`, or `python -m kg.virtuoso_server up|down|status`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kg.errors import StoreBusyError
from kg.settings import Settings

PACKAGE = "virtuoso-opensource"
SERVER_BIN, ISQL_BIN = "virtuoso-t", "isql-vt"
FACTORY_PASSWORD = "dba"  # what a new database starts with; changed at once when the settings say otherwise
# loopback only; buffers of 8 KB (~320 MB), 4 threads on a small machine; no "anytime" partial
# answers (MaxQueryExecutionTime 0), since councilkg's /sparql applies its own time limit
INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
ServerThreads = 4
CheckpointInterval = 60
NumberOfBuffers = 40000
MaxDirtyBuffers = 30000
MaxQueryMem = 512M
DirsAllowed = {dir}
TempAllocationPct = 50
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
MaxMemPoolSize = 200000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/www
MaxClientConnections = 8
ServerThreads = 8
KeepAliveTimeout = 10
MaxKeepAlives = 8
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
DefaultQuery = SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}
MaxSortedTopRows = 10000000
"""


def server_dir(settings: Settings) -> Path:
    return Path(settings.data).resolve() / "virtuoso"


def http_port(settings: Settings) -> int:
    """The HTTP port of `virtuoso_url`, which must name the loopback host."""
    url = urllib.parse.urlsplit(settings.virtuoso_url)
    if url.hostname not in ("127.0.0.1", "localhost"):
        raise ValueError(f"virtuoso_url must be on 127.0.0.1 (loopback only), not {settings.virtuoso_url}")
    return url.port or 80


def installed() -> bool:
    return shutil.which(SERVER_BIN) is not None and shutil.which(ISQL_BIN) is not None


def install() -> None:
    """Install the Debian package (needs root); services are not started by it in a container."""
    if installed():
        return
    if os.geteuid() != 0:
        sys.exit(f"{SERVER_BIN} is missing: run `apt-get install {PACKAGE}` as root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", PACKAGE], check=True, env=env)


def write_ini(settings: Settings) -> Path:
    d = server_dir(settings)
    (d / "www").mkdir(parents=True, exist_ok=True)
    ini = d / "virtuoso.ini"
    ini.write_text(
        INI.format(dir=d, sql_port=settings.virtuoso_sql_port, http_port=http_port(settings)), encoding="utf-8"
    )
    return ini


def running_pid(settings: Settings) -> int | None:
    """The pid in the lock file when that process is alive."""
    lock = server_dir(settings) / "virtuoso.lck"
    if not lock.exists():
        return None
    text = lock.read_text(encoding="utf-8", errors="replace")
    pid = int(text.split("=", 1)[1].strip()) if "VIRT_PID=" in text else 0
    try:
        os.kill(pid, 0)
        return pid
    except (ProcessLookupError, PermissionError, ValueError, OverflowError):
        return None


def answers(settings: Settings) -> bool:
    """True when the SPARQL endpoint answers a query."""
    q = urllib.parse.urlencode({"query": "ASK {}"})
    try:
        with urllib.request.urlopen(f"{settings.virtuoso_url.rstrip('/')}/sparql?{q}", timeout=5) as r:
            return r.status == 200
    except (OSError, urllib.error.URLError):
        return False


def isql(settings: Settings, statement: str, password: str | None = None) -> str:
    """Run one SQL statement through isql-vt on the SQL port."""
    cmd = [
        ISQL_BIN,
        f"127.0.0.1:{settings.virtuoso_sql_port}",
        settings.virtuoso_user,
        password or settings.virtuoso_password,
        f"exec={statement}",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or "*** Error" in done.stdout:
        raise StoreBusyError(f"isql failed: {done.stdout.strip()} {done.stderr.strip()}")
    return done.stdout


def up(settings: Settings, wait: float = 120.0) -> None:
    """Install when missing, write the ini, start the server and wait until SPARQL answers."""
    install()
    if running_pid(settings) and answers(settings):
        return
    d = server_dir(settings)
    fresh = not (d / "virtuoso.db").exists()
    ini = write_ini(settings)
    subprocess.run(
        [SERVER_BIN, "+configfile", str(ini), "+wait"],
        cwd=d,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + wait
    while not answers(settings):
        if time.monotonic() > deadline:
            raise StoreBusyError(f"Virtuoso did not answer within {wait:.0f} s; see {d / 'virtuoso.log'}")
        time.sleep(0.5)
    if fresh and settings.virtuoso_password != FACTORY_PASSWORD:
        isql(settings, f"set password {FACTORY_PASSWORD} {settings.virtuoso_password};", FACTORY_PASSWORD)


def down(settings: Settings, wait: float = 60.0) -> None:
    """Checkpoint and stop the server (SIGTERM when isql cannot reach it)."""
    pid = running_pid(settings)
    if pid is None:
        return
    try:
        isql(settings, "checkpoint; shutdown;")
    except (StoreBusyError, subprocess.TimeoutExpired):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while running_pid(settings) and time.monotonic() < deadline:
        time.sleep(0.3)
    if running_pid(settings):
        os.kill(pid, signal.SIGKILL)


def main(argv: list[str]) -> None:
    settings = Settings.load()
    action = argv[0] if argv else "status"
    if action == "up":
        up(settings)
        print(f"Virtuoso up: {settings.virtuoso_url}/sparql, data in {server_dir(settings)}")
    elif action == "down":
        down(settings)
        print("Virtuoso stopped")
    elif action == "status":
        pid = running_pid(settings)
        print(f"Virtuoso running (pid {pid}) at {settings.virtuoso_url}" if pid else "Virtuoso not running")
    else:
        sys.exit("usage: python -m kg.virtuoso_server up|down|status")


if __name__ == "__main__":
    main(sys.argv[1:])
