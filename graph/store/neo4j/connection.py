"""The only module that talks to the neo4j driver: connect (NEO4J_* env or the local server),
run reads and writes with one-line errors, and the read-only Cypher console."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import neo4j
from neo4j import exceptions as nx

from kubeatlas.errors import QueryRejected, QueryTimeout, StoreUnavailable
from kubeatlas.graph.query.reader import QueryResult
from kubeatlas.graph.store.neo4j.guard import check_cypher
from kubeatlas.graph.store.neo4j.local.runtime import layout
from kubeatlas.graph.store.neo4j.local.server import read_password, status
from kubeatlas.graph.store.neo4j.result_cap import MAX_RESULT_BYTES, capped, installed
from kubeatlas.settings import setting

if TYPE_CHECKING:  # the reader imports this module; at run time it is imported where used
    from kubeatlas.graph.store.neo4j.reader import Neo4jReader

MIN_MAJOR = 5
logging.getLogger("neo4j").addHandler(logging.NullHandler())  # errors arrive as one line each,
# not also as the driver's log records printed by logging's last-resort handler
_LOCAL_HOSTS = ("127.0.0.1", "localhost")


@dataclass(frozen=True, slots=True)
class Neo4jConfig:
    uri: str
    user: str
    password: str
    database: str
    tree: str | None = None  # which loaded tree a reader answers for (None: the newest)


def config_from_env(uri: str | None = None) -> Neo4jConfig:
    """NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE / KUBEATLAS_NEO4J_TREE; with no
    URI anywhere, the local `kubeatlas neo4j` server and its stored password."""
    uri = uri or setting("neo4j_uri") or None
    password = setting("neo4j_password") or None
    local = status(layout())
    if uri is None:
        if local.uri is None:  # not running (or running on no known port)
            raise StoreUnavailable("no Neo4j to ask: NEO4J_URI is not set and the local server "
                                   "is not running (`kubeatlas neo4j start`)", uri=None)
        uri = local.uri
    if password is None and _is_local_server(uri, local.port):
        password = read_password(layout())
    return Neo4jConfig(uri=uri, user=setting("neo4j_user") or "neo4j", password=password or "",
                       database=setting("neo4j_database") or "neo4j",
                       tree=setting("neo4j_tree") or None)


def _is_local_server(uri: str, local_port: int | None) -> bool:
    """Does uri name the local `kubeatlas neo4j` server (listening on local_port)?"""
    found = re.match(r"^[a-z+]+://([^:/]+):?(\d+)?", uri)
    return bool(found and found.group(1) in _LOCAL_HOSTS and local_port
                and int(found.group(2) or 7687) == local_port)


class Neo4jStore:
    """One driver for one server and database; callers see plain values and KubeatlasErrors."""

    def __init__(self, config: Neo4jConfig, *, retry_s: float = 5.0) -> None:
        self.config = config
        self.uri = config.uri
        if not re.match(r"^(bolt|neo4j)(\+s|\+ssc)?://", config.uri):
            raise StoreUnavailable(f"bad Neo4j URI {config.uri!r}; use bolt://host:7687 or "
                                   "neo4j://host (neo4j+s:// for Aura)", uri=config.uri,
                                   reason="uri")
        try:
            self._driver = neo4j.GraphDatabase.driver(
                config.uri, auth=(config.user, config.password), connection_timeout=5,
                max_transaction_retry_time=retry_s, notifications_min_severity="OFF")
            self.server_version = check_server_version(self._driver.get_server_info().agent,
                                                       config.uri)
            self._driver.execute_query("RETURN 1", database_=config.database,
                                       routing_=neo4j.RoutingControl.READ)
        except StoreUnavailable:
            self._close_quietly()
            raise
        except Exception as exc:  # every driver failure becomes one line
            self._close_quietly()
            raise self._translate(exc, "connect") from None

    def close(self) -> None:
        self._driver.close()

    def _close_quietly(self) -> None:
        try:
            self._driver.close()
        except Exception:
            pass

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """Run a read query; rows of plain values (maps, lists, strings, numbers)."""
        try:
            records, _, _ = self._driver.execute_query(
                query, dict(params or {}), database_=self.config.database,
                routing_=neo4j.RoutingControl.READ)
        except Exception as exc:
            raise self._translate(exc, "read") from None
        return [list(r.values()) for r in records]

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """Run a write in one managed transaction (retried on transient errors)."""
        def work(tx: neo4j.ManagedTransaction) -> list[list[Any]]:
            return [list(r.values()) for r in tx.run(query, dict(params or {}))]
        try:
            with self._driver.session(database=self.config.database) as session:
                return session.execute_write(work)
        except Exception as exc:
            raise self._translate(exc, "write") from None

    def run_readonly(self, query: str, params: Mapping[str, Any] | None = None, *,
                     limit_ms: int = 2000, max_rows: int = 1000) -> QueryResult:
        """The console: allow-listed statement (guard.py), EXPLAIN says read-only, READ access
        mode transaction with a server-side time limit, row cap with a truncated flag, and a
        client-side cap on the bytes and time of what comes back (result_cap.py)."""
        check_cypher(query)
        query = query.strip().rstrip(";")
        params = dict(params or {})
        installed()  # the client-side cap on received bytes and time (result_cap.py)
        with capped(MAX_RESULT_BYTES, client_deadline_s(limit_ms)) as budget:
            try:
                return self._run_console(query, params, limit_ms, max_rows)
            except QueryRejected:
                raise
            except Exception as exc:
                if budget.tripped == "bytes":
                    raise QueryRejected(f"the result passed {MAX_RESULT_BYTES >> 20} MB; return "
                                        "less (LIMIT, fewer or smaller columns)",
                                        query=query) from None
                if budget.tripped == "time" or _timed_out(exc):
                    raise QueryTimeout(f"query exceeded {limit_ms} ms; raise KUBEATLAS_QUERY_MS",
                                       limit_ms=limit_ms) from None
                if isinstance(exc, nx.Neo4jError) and (exc.code or "").startswith(
                        "Neo.ClientError") and "Security" not in (exc.code or ""):
                    raise QueryRejected(f"query refused: {exc.message}", query=query) from None
                raise self._translate(exc, "query") from None

    def _run_console(self, query: str, params: dict[str, Any], limit_ms: int,
                     max_rows: int) -> QueryResult:
        with self._driver.session(database=self.config.database,
                                  default_access_mode=neo4j.READ_ACCESS) as session:
            plan = session.run("EXPLAIN " + query, params).consume()
            if plan.query_type != "r":
                raise QueryRejected("only read-only Cypher is allowed (the plan of this query"
                                    f" is {_QUERY_TYPES.get(plan.query_type or '', '?')})",
                                    query=query)
            with session.begin_transaction(timeout=limit_ms / 1000) as tx:
                result = tx.run(query, params)
                columns = tuple(result.keys())
                rows: list[tuple[Any, ...]] = []
                for record in result:
                    if len(rows) == max_rows:
                        return QueryResult(columns, tuple(rows), True)
                    rows.append(tuple(plain(v) for v in record.values()))
                return QueryResult(columns, tuple(rows), False)

    def _translate(self, exc: Exception, action: str) -> Exception:
        where = f"Neo4j at {self.uri}"
        if isinstance(exc, nx.AuthError) or (isinstance(exc, nx.Neo4jError) and exc.code and
                                             "Security.Unauthorized" in exc.code):
            return StoreUnavailable(f"{where} refused the credentials of user "
                                    f"{self.config.user!r} (check NEO4J_USER / NEO4J_PASSWORD)",
                                    uri=self.uri, reason="auth")
        if isinstance(exc, nx.Neo4jError) and exc.code and "DatabaseNotFound" in exc.code:
            return StoreUnavailable(f"{where} has no database {self.config.database!r} "
                                    "(NEO4J_DATABASE)", uri=self.uri, reason="database")
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if any(m in text.lower() for m in ("does not support communication", "protocol version",
                                            "handshake")):
            return StoreUnavailable(f"{where} is too old or not Neo4j (no common Bolt protocol "
                                    f"version); kubeatlas needs Neo4j {MIN_MAJOR} or newer",
                                    uri=self.uri, reason="version")
        if isinstance(exc, (nx.ConfigurationError, ValueError)):
            return StoreUnavailable(f"bad Neo4j URI {self.uri!r} ({exc}); use "
                                    "bolt://host:7687 or neo4j://host", uri=self.uri,
                                    reason="uri")
        if isinstance(exc, (nx.ServiceUnavailable, nx.SessionExpired, nx.IncompleteCommit,
                            OSError)):
            hint = ("start it with `kubeatlas neo4j start` or set NEO4J_URI" if action ==
                    "connect" else "the server went away; run the command again once it is up")
            return StoreUnavailable(f"cannot reach {where} during {action}: {text}; {hint}",
                                    uri=self.uri, reason="unreachable")
        if isinstance(exc, nx.Neo4jError):
            return StoreUnavailable(f"{where} failed during {action}: {exc.code}: "
                                    f"{exc.message}", uri=self.uri, reason="server")
        return StoreUnavailable(f"{where} failed during {action}: {type(exc).__name__}: {exc}",
                                uri=self.uri, reason="driver")


def client_deadline_s(limit_ms: int) -> float:
    """How long the client waits for a console query in all: the server's limit, plus half of
    it and a second for the plan, the round trips and a loaded machine."""
    return limit_ms / 1000 * 1.5 + 1.0


def _timed_out(exc: Exception) -> bool:
    code = getattr(exc, "code", None) or ""
    return isinstance(exc, nx.Neo4jError) and ("TransactionTimedOut" in code
                                               or "Terminated" in code)


_QUERY_TYPES = {"w": "a write", "rw": "a read-write", "s": "a schema change", "r": "a read"}


def check_server_version(agent: str, uri: str) -> str:
    """'Neo4j/5.26.30' -> '5.26.30'; older than Neo4j 5 is refused with one clear line."""
    found = re.match(r"Neo4j/(\d+)\.(\d+)", agent or "")
    if not found:
        raise StoreUnavailable(f"{uri} does not look like a Neo4j server (agent {agent!r})",
                               uri=uri, reason="version")
    if int(found.group(1)) < MIN_MAJOR:
        raise StoreUnavailable(f"Neo4j at {uri} is {agent.split('/', 1)[1]}; kubeatlas needs "
                               f"Neo4j {MIN_MAJOR} or newer", uri=uri, reason="version")
    return agent.split("/", 1)[1]


def plain(value: Any) -> Any:
    """Driver values -> JSON-friendly Python (nodes and relationships as maps)."""
    if isinstance(value, neo4j.graph.Node):  # native properties; `_attrs` repeats them as JSON
        return {"_labels": sorted(value.labels),
                **{k: plain(v) for k, v in value.items() if k != "_attrs"}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"_type": value.type, "_start": _node_key(value.start_node),
                "_end": _node_key(value.end_node),
                **{k: plain(v) for k, v in value.items() if k != "_attrs"}}
    if isinstance(value, neo4j.graph.Path):
        return {"nodes": [plain(n) for n in value.nodes],
                "relationships": [plain(r) for r in value.relationships]}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # temporal, spatial, bytes


def _node_key(node: neo4j.graph.Node | None) -> Any:
    if node is None:
        return None
    return node.get("id", node.element_id)


def connect(uri: str | None = None, **kwargs: Any) -> Neo4jStore:
    return Neo4jStore(config_from_env(uri), **kwargs)


def open_neo4j_reader(uri: str | None = None, tree: str | None = None) -> Neo4jReader:
    """A GraphReader over one loaded tree (the newest unless KUBEATLAS_NEO4J_TREE / tree)."""
    from kubeatlas.graph.store.neo4j.reader import Neo4jReader

    store = connect(uri)
    try:
        return Neo4jReader(store, tree or store.config.tree)
    except BaseException:
        store.close()
        raise
