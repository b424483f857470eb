"""Persistence of the graph: the embedded SQLite file and the Neo4j server."""
