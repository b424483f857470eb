"""`python -m kubeatlas`: the same CLI as the `kubeatlas` command."""

from kubeatlas.app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
