"""`kubeatlas web`: start the Streamlit app (app/web/main.py) on an index."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import click

from kubeatlas import settings
from kubeatlas.graph.store.sqlite.reader import SqliteReader

MAIN = Path(__file__).resolve().parent / "web" / "main.py"


def streamlit_command(port: int, headless: bool) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(MAIN), "--server.port", str(port),
            "--server.headless", "true" if headless else "false",
            "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer", "--client.showErrorDetails", "none"]


@click.command()
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="Index file (default: KUBEATLAS_DB or <cache>/index/default.sqlite).")
@click.option("--port", type=int, default=8501, show_default=True, help="Port to serve on.")
@click.option("--headless", is_flag=True, help="Do not open a browser.")
def web(db: Path | None, port: int, headless: bool) -> None:
    """Explore the index in the browser: architecture map, roles, packages, paths, kinds,
    a read-only SQL console and study notes (Streamlit)."""
    if importlib.util.find_spec("streamlit") is None:
        raise click.ClickException("the web app needs streamlit: pip install 'kubeatlas[web]'")
    path = Path(db or settings.default_db()).expanduser().resolve()
    SqliteReader(path).close()  # a missing or unreadable index fails here, in one line
    env = {**os.environ, "KUBEATLAS_DB": str(path)}
    try:
        code = subprocess.call(streamlit_command(port, headless), env=env)
    except KeyboardInterrupt:
        code = 0
    if code:
        raise SystemExit(code)
