"""Resolution over the structural graph: method sets, IMPLEMENTS, CALLS and DISPATCHES."""
