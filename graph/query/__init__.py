"""The questions users ask of an index, one API answered by every store."""
