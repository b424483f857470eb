"""The index pipeline: discover, scan, build, stages, incremental patching, export."""
