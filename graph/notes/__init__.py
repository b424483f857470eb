"""Study notes generated from the graph: citations, sources, flows and renderers."""
