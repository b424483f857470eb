"""The local Neo4j server's state file read back without a server: a damaged or foreign file
means "not running", and with no server and no NEO4J_URI the CLI answers in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kubeatlas.graph.store.neo4j.local.runtime import layout
from kubeatlas.graph.store.neo4j.local.server import status


@pytest.mark.parametrize("text", ["[]", "5", '"pid"', "{not json", '{"pid": 0, "port": 7999}', ""])
def test_a_damaged_state_file_reads_as_no_server(tmp_path: Path, text: str) -> None:
    where = layout(tmp_path)
    where.state_file.parent.mkdir(parents=True, exist_ok=True)
    where.state_file.write_text(text)
    found = status(where)
    assert not found.running and found.pid is None and found.uri is None


def test_no_server_and_no_uri_is_one_line(tmp_path: Path) -> None:
    where = layout(tmp_path)
    where.state_file.parent.mkdir(parents=True, exist_ok=True)
    where.state_file.write_text("[]")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["KUBEATLAS_CACHE"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "kubeatlas", "stats", "--neo4j"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("error:")
    assert "NEO4J_URI is not set" in " ".join(proc.stderr.split())
