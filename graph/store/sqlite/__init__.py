"""The embedded default store: one SQLite file per indexed tree."""
