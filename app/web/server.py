"""The Streamlit server as `kubeatlas web` runs it: `streamlit run`, with the libraries a page's
first run waits for imported while the server starts instead of when the first reader opens
a page (pandas, pyarrow and numpy: Streamlit imports them at the first text box with `live`,
table or component, 1-1.5 s of the first page after a start)."""

from __future__ import annotations

import threading

from streamlit.web import cli

WARMED = ("numpy", "pyarrow", "pandas")


def warm_imports() -> None:
    for name in WARMED:
        __import__(name)


def main() -> None:
    threading.Thread(target=warm_imports, name="kubeatlas-warm-imports", daemon=True).start()
    cli.main(prog_name="streamlit")  # `run MAIN …` from the command line, as `streamlit` reads it


if __name__ == "__main__":
    main()
