"""Go source tree -> per-file facts (tree-sitter); no graph, no database, no UI."""
