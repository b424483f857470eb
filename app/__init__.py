"""The delivery layer: the kubeatlas CLI (and, later, the web app and notes)."""
