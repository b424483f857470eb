"""The index's format version, in a module of its own so that a query command can check an
index without importing the indexing pipeline."""

GRAPH_VERSION = 29  # bump when build or resolution changes: an index from before is rebuilt
