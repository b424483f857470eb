"""Start, stop and inspect the local Neo4j 5.26 Community server (127.0.0.1 only, auth on).

`python -m kubeatlas.graph.store.neo4j.local.server fetch|start|stop|status [--cache DIR]` drives it without
the CLI; `tools/setup-test` runs `fetch` so CI has the jars before the tests start a server.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubeatlas.errors import ServerSetupError
from kubeatlas.graph.store.neo4j.local.runtime import (
    JVM_FLAGS,
    NEO4J_VERSION,
    ServerLayout,
    fetch,
    find_java,
    is_fetched,
    layout,
    run_admin,
)

MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"


@dataclass(frozen=True, slots=True)
class ServerStatus:
    running: bool
    home: str
    pid: int | None = None
    port: int | None = None
    version: str = NEO4J_VERSION
    fetched: bool = False

    @property
    def uri(self) -> str | None:
        return f"bolt://127.0.0.1:{self.port}" if self.running and self.port else None

    def as_json(self) -> dict[str, Any]:
        return {"running": self.running, "home": self.home, "pid": self.pid, "port": self.port,
                "uri": self.uri, "version": self.version, "fetched": self.fetched}


def read_password(where: ServerLayout) -> str | None:
    try:
        return where.password_file.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _write_password(where: ServerLayout, password: str) -> None:
    where.home.mkdir(parents=True, exist_ok=True)
    fd = os.open(where.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(password + "\n")
    os.chmod(where.password_file, 0o600)


def status(where: ServerLayout) -> ServerStatus:
    state = _read_state(where)
    pid = state.get("pid") or None
    running = pid is not None and _is_our_server(int(pid), where)
    return ServerStatus(running, str(where.home), pid if running else None, state.get("port"),
                        fetched=is_fetched(where))


def start(where: ServerLayout, *, password: str | None = None, port: int | None = None,
          heap_mb: int = 4096, pagecache_mb: int = 2048, reset: bool = False,
          timeout: float = 180, log: Callable[[str], None] = lambda line: None) -> ServerStatus:
    """Start the server (fetching the jars on first use) and wait until it accepts Bolt."""
    current = status(where)
    if current.running:
        if password and password != read_password(where):
            raise ServerSetupError("the local Neo4j server is running with another password; "
                                   "`kubeatlas neo4j stop` first", step="start")
        return current
    fetch(where, log=log)
    java = find_java()
    if reset:
        shutil.rmtree(where.data, ignore_errors=True)
        where.password_file.unlink(missing_ok=True)
    port = port or _reusable_port(where) or _free_port()
    if not _port_is_free(port):
        raise ServerSetupError(f"port {port} on 127.0.0.1 is in use; pick another with --port",
                               step="start", port=port)
    _write_conf(where, port, pagecache_mb)
    _ensure_password(where, password)
    neo4j_log = where.logs / "neo4j.log"
    offset = neo4j_log.stat().st_size if neo4j_log.exists() else 0
    env = {**os.environ, "NEO4J_HOME": str(where.home), "NEO4J_CONF": str(where.conf)}
    with open(where.logs / "console.log", "ab") as console:
        proc = subprocess.Popen(
            [java, f"-Xms{heap_mb}m", f"-Xmx{heap_mb}m", *JVM_FLAGS, "-cp",
             str(where.jars / "*"), MAIN_CLASS, f"--home-dir={where.home}",
             f"--config-dir={where.conf}"],
            stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT, env=env,
            cwd=where.home, start_new_session=True)
    where.state_file.parent.mkdir(parents=True, exist_ok=True)
    where.state_file.write_text(json.dumps({"pid": proc.pid, "port": port,
                                            "started_at": time.time()}))
    log(f"starting Neo4j {NEO4J_VERSION} (pid {proc.pid}) on bolt://127.0.0.1:{port} …")
    _wait_started(where, proc, neo4j_log, offset, port, timeout)
    return status(where)


def stop(where: ServerLayout, timeout: float = 90) -> bool:
    """Stop the server if it runs (SIGTERM, then SIGKILL after timeout); True if it ran."""
    current = status(where)
    if not current.running or current.pid is None:
        where.state_file.unlink(missing_ok=True)
        return False
    os.kill(current.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(current.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(current.pid):
        os.kill(current.pid, signal.SIGKILL)
        while _alive(current.pid):
            time.sleep(0.1)
    where.state_file.write_text(json.dumps({"port": current.port}))  # reuse it next start
    return True


def _ensure_password(where: ServerLayout, password: str | None) -> None:
    stored = read_password(where)
    if (where.data / "dbms" / "auth.ini").exists():
        if password and password != stored:
            raise ServerSetupError(
                f"the server's data already has a password (kept in {where.password_file}); "
                "start with --reset to wipe the data and set a new one", step="start")
        return
    password = password or stored or secrets.token_urlsafe(18)
    if len(password) < 8:
        raise ServerSetupError("the Neo4j password needs at least 8 characters", step="start")
    run_admin(where, "dbms", "set-initial-password", password)
    _write_password(where, password)


def _wait_started(where: ServerLayout, proc: subprocess.Popen[bytes], neo4j_log: Path, offset: int,
                  port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            where.state_file.unlink(missing_ok=True)
            raise ServerSetupError(f"Neo4j exited at start (code {proc.returncode}): "
                                   + _log_tail(where), step="start")
        if _log_since(neo4j_log, offset).find("Started.") >= 0 and not _port_is_free(port):
            return
        time.sleep(0.25)
    proc.kill()
    proc.wait()
    where.state_file.unlink(missing_ok=True)
    raise ServerSetupError(f"Neo4j did not start within {timeout:.0f} s: " + _log_tail(where),
                           step="start")


def _log_since(path: Path, offset: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _log_tail(where: ServerLayout) -> str:
    text = _log_since(where.logs / "console.log", 0) + _log_since(where.logs / "neo4j.log", 0)
    lines = [ln for ln in text.splitlines() if "ERROR" in ln or "Exception" in ln]
    return (lines[-1] if lines else (text.strip().splitlines() or ["no log"])[-1])[:400]


def _write_conf(where: ServerLayout, port: int, pagecache_mb: int) -> None:
    for sub in ("conf", "data", "logs", "run", "plugins", "import"):
        (where.home / sub).mkdir(parents=True, exist_ok=True)
    lines = {
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.advertised_address": f"127.0.0.1:{port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "server.directories.data": where.data,
        "server.directories.logs": where.logs,
        "server.directories.run": where.home / "run",
        "server.directories.plugins": where.home / "plugins",
        "server.directories.import": where.home / "import",
        "server.memory.pagecache.size": f"{pagecache_mb}m",
        "dbms.security.auth_enabled": "true",
        "dbms.security.allow_csv_import_from_file_urls": "false",  # no LOAD CSV of local files
        "internal.dbms.cypher_ip_blocklist": "0.0.0.0/0,::/0",  # nor of any URL (5.26's name)
        "dbms.usage_report.enabled": "false",
        "db.logs.query.enabled": "OFF",
        "db.tx_log.rotation.retention_policy": "2 files",
        "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",  # stop in 1 s, not 6
    }
    text = "".join(f"{k}={v}\n" for k, v in lines.items())
    (where.conf / "neo4j.conf").write_text("# written by kubeatlas neo4j start\n" + text)


def _read_state(where: ServerLayout) -> dict[str, Any]:
    try:
        state = json.loads(where.state_file.read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}  # a damaged file is no state, not a crash


def _is_our_server(pid: int, where: ServerLayout) -> bool:
    if not _alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return True  # no /proc: trust the pid file
    return MAIN_CLASS in cmdline and str(where.home) in cmdline


def _alive(pid: int) -> bool:
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child that exited: reap it
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not a running server
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _reusable_port(where: ServerLayout) -> int | None:
    port = _read_state(where).get("port")
    return port if port and _port_is_free(port) else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kubeatlas.graph.store.neo4j.local.server",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("fetch", "start", "stop", "status"))
    parser.add_argument("--cache", type=Path, default=None, help="cache dir (KUBEATLAS_CACHE)")
    parser.add_argument("--password", default=None, help="initial password (first start)")
    parser.add_argument("--port", type=int, default=None, help="Bolt port (default: a free one)")
    args = parser.parse_args(argv)
    where = layout(args.cache)
    say = lambda line: print(line, file=sys.stderr)  # noqa: E731
    try:
        if args.action == "fetch":
            fetch(where, log=say)
            find_java()
        elif args.action == "start":
            start(where, password=args.password, port=args.port, log=say)
        elif args.action == "stop":
            say("stopped" if stop(where) else "not running")
    except ServerSetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(status(where).as_json(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
