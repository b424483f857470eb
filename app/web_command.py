"""`kubeatlas web`: start the Streamlit app (app/web/main.py) on an index."""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import sys
from pathlib import Path

import click

from kubeatlas import settings
from kubeatlas.app.cli_options import open_index
from kubeatlas.app.console import err
from kubeatlas.app.supervisor import supervise

MAIN = Path(__file__).resolve().parent / "web" / "main.py"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def streamlit_command(port: int, headless: bool, host: str = "127.0.0.1") -> list[str]:
    """`streamlit run` through app/web/server.py, which imports what a first page waits for
    while the server starts."""
    return [sys.executable, "-m", "kubeatlas.app.web.server", "run", str(MAIN),
            "--server.port", str(port),
            "--server.address", host, "--server.headless", "true" if headless else "false",
            "--browser.gatherUsageStats", "false",
            "--server.showEmailPrompt", "false",  # a first run would stop at "Email:" otherwise
            "--client.toolbarMode", "viewer", "--client.showErrorDetails", "none",
            # Streamlit's welcome lines, and with them its "install agent skills" nudge, a toast
            # on every page when an AI agent runs the command: the address is said below instead
            "--logger.hideWelcomeMessage", "true"]


@click.command()
@click.option("--db", type=click.Path(path_type=Path), multiple=True,
              help="Index file (default: KUBEATLAS_DB or <cache>/index/default.sqlite); give "
                   "two or more to choose between them and compare them.")
@click.option("--neo4j", "neo4j_uri", is_flag=False, flag_value="default", default=None,
              metavar="[URI]", help="Serve every page from Neo4j (NEO4J_URI or the local "
                                    "`kubeatlas neo4j` server when no URI is given), with a "
                                    "selector over the loaded trees.")
@click.option("--port", type=int, default=8501, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback serves the index and its SQL "
                   "console to everyone who can reach this machine (no authentication).")
@click.option("--headless", is_flag=True, help="Do not open a browser.")
def web(db: tuple[Path, ...], neo4j_uri: str | None, port: int, host: str, headless: bool) -> None:
    """Explore the index in the browser: search, architecture map, roles, packages, types and
    functions with their source, a live graph, paths, kinds, a read-only console, study notes
    and a release comparison (Streamlit)."""
    if importlib.util.find_spec("streamlit") is None:
        raise click.ClickException("the web app needs streamlit: pip install 'kubeatlas[web]'")
    env = dict(os.environ)
    if neo4j_uri is not None:
        from kubeatlas.graph.store.neo4j.connection import open_neo4j_reader

        open_neo4j_reader(None if neo4j_uri == "default" else neo4j_uri).close()  # fails here
        env[sources_env("NEO4J")] = neo4j_uri
    else:
        paths = [Path(p).expanduser().resolve() for p in db or (settings.default_db(),)]
        for path in paths:  # a missing, unreadable or older index fails here, in one line
            open_index(path).close()
        env["KUBEATLAS_DB"] = str(paths[0])
        env[sources_env("DBS")] = os.pathsep.join(str(p) for p in paths)
    if not is_loopback(host):
        err.print(f"warning: serving on {host}:{port}: the web app has no authentication; "
                  "anyone who can reach this address can browse the index and query it",
                  highlight=False, markup=False)
    shown = f"[{host}]" if ":" in host else host
    err.print(f"kubeatlas web: http://{shown}:{port}  (Ctrl-C stops it)", highlight=False,
              markup=False)
    code = supervise(streamlit_command(port, headless, host), env)
    if code in (128 + 2, 128 + 15):  # stopped by Ctrl-C or SIGTERM: the child is stopped too
        return
    if code:
        raise SystemExit(code)


def sources_env(what: str) -> str:
    """The variables app/web/sources.py reads (named here: the CLI does not import streamlit)."""
    return {"NEO4J": "KUBEATLAS_WEB_NEO4J", "DBS": "KUBEATLAS_WEB_DBS"}[what]
