"""Differences between two indexed releases (graph/diff/release.py)."""
