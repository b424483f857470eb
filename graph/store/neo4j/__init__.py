"""The Neo4j server store: connection, bulk loads, the reader and the console guard."""
