"""`kubeatlas export --format csv` output loads with `neo4j-admin database import full` (the
AdminTool in the same Maven jars as the server): same node and relationship counts per kind."""

from __future__ import annotations

import pytest
from conftest import FIXTURE_TREE
from neo4j_server_fixture import PASSWORD, connect_to, start_server, stop_server

from kubeatlas.app.cli import main
from kubeatlas.graph.store.neo4j.local.runtime import layout, run_admin
from kubeatlas.graph.store.sqlite.reader import SqliteReader

pytestmark = pytest.mark.neo4j


def test_export_csv_imports_with_neo4j_admin(neo4j_server, tmp_path):
    db = tmp_path / "ktree.sqlite"
    assert main(["index", str(FIXTURE_TREE), "--db", str(db), "--jobs", "1", "--json"]) == 0
    csv_dir = tmp_path / "csv"
    assert main(["export", "--format", "csv", str(csv_dir), "--db", str(db)]) == 0
    expected = SqliteReader(db).count_by_kind()

    server = start_server(tmp_path / "cache", PASSWORD)  # sets the password, creates the layout
    stop_server(server)
    where = layout(server.cache)
    files = sorted(csv_dir.glob("*.csv"))
    args = [f"--nodes={f}" for f in files if f.name.startswith("nodes_")]
    args += [f"--relationships={f}" for f in files if f.name.startswith("rels_")]
    report = run_admin(where, "database", "import", "full", *args, "--overwrite-destination",
                       "--array-delimiter=;", "neo4j")
    assert "IMPORT DONE" in report.upper() or "imported" in report.lower(), report
    server = start_server(server.cache, PASSWORD)
    try:
        store = connect_to(server)
        counts = dict(store.read("MATCH (n:Node) UNWIND [l IN labels(n) WHERE l <> 'Node'] AS k "
                                 "RETURN k, count(*)"))
        counts.update(store.read("MATCH ()-[r]->() RETURN type(r), count(*)"))
        assert dict(sorted(counts.items())) == expected
        platforms = store.read("MATCH (:Package)-[r:IMPORTS]->() WHERE r.platforms IS NOT NULL "
                               "RETURN r.platforms LIMIT 1")
        assert platforms and isinstance(platforms[0][0], list)
        store.close()
    finally:
        stop_server(server)
