"""`kubeatlas web`: start the Streamlit app (app/web/main.py) on an index."""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import sys
from pathlib import Path

import click

from kubeatlas import settings
from kubeatlas.app.console import err
from kubeatlas.app.supervisor import supervise
from kubeatlas.graph.store.sqlite.reader import SqliteReader

MAIN = Path(__file__).resolve().parent / "web" / "main.py"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def streamlit_command(port: int, headless: bool, host: str = "127.0.0.1") -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(MAIN), "--server.port", str(port),
            "--server.address", host, "--server.headless", "true" if headless else "false",
            "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer", "--client.showErrorDetails", "none"]


@click.command()
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="Index file (default: KUBEATLAS_DB or <cache>/index/default.sqlite).")
@click.option("--port", type=int, default=8501, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback serves the index and its SQL "
                   "console to everyone who can reach this machine (no authentication).")
@click.option("--headless", is_flag=True, help="Do not open a browser.")
def web(db: Path | None, port: int, host: str, headless: bool) -> None:
    """Explore the index in the browser: architecture map, roles, packages, paths, kinds,
    a read-only SQL console and study notes (Streamlit)."""
    if importlib.util.find_spec("streamlit") is None:
        raise click.ClickException("the web app needs streamlit: pip install 'kubeatlas[web]'")
    path = Path(db or settings.default_db()).expanduser().resolve()
    SqliteReader(path).close()  # a missing or unreadable index fails here, in one line
    if not is_loopback(host):
        err.print(f"warning: serving on {host}:{port}: the web app has no authentication; "
                  "anyone who can reach this address can browse the index and query it",
                  highlight=False, markup=False)
    env = {**os.environ, "KUBEATLAS_DB": str(path)}
    code = supervise(streamlit_command(port, headless, host), env)
    if code in (128 + 2, 128 + 15):  # stopped by Ctrl-C or SIGTERM: the child is stopped too
        return
    if code:
        raise SystemExit(code)
