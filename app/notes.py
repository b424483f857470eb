"""`kubeatlas notes ROLE`: a study note as Markdown whose every claim cites `path:line` at the
index's pinned commit, and `--check`, which reports citations the tree no longer backs."""

from __future__ import annotations

from pathlib import Path

import click

from kubeatlas.app.cli_options import open_atlas, store_options
from kubeatlas.app.console import err, print_table
from kubeatlas.graph.notes.citation import Citation, check_citations, parse_citations


@click.command()
@click.argument("subject", metavar="ROLE")
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="Write the note here instead of printing it.")
@click.option("--check", is_flag=True,
              help="Verify every cited file:line exists in the tree and still names its symbol; "
                   "exit 1 on stale citations. ROLE may then be a saved note (FILE.md).")
@click.option("--tree", "tree_root", type=click.Path(path_type=Path), default=None,
              help="Tree to check against (default: the root the index was built from).")
@store_options
def notes(subject, out_path, check, tree_root, db, neo4j_uri) -> None:
    """Study note for ROLE (a role id such as kubelet, or deployment-flow for the whole
    Deployment-creation flow)."""
    atlas = open_atlas(db, neo4j_uri)
    saved = Path(subject)
    if check and saved.suffix == ".md" and saved.is_file():
        citations = parse_citations(saved.read_text(encoding="utf-8"))
    else:
        from kubeatlas.graph.notes.render import build_note

        note = build_note(atlas, subject)
        citations = list(note.citations)
        if out_path:
            out_path.parent.mkdir(parents=True, exist_ok=True)
            out_path.write_text(note.markdown, encoding="utf-8")
            err.print(f"wrote {out_path} ({len(citations)} citations)")
        else:
            click.echo(note.markdown, nl=False)
    if check:
        root = tree_root or Path(str(atlas.reader.tree_info().get("root") or ""))
        _check(citations, root)


def _check(citations: list[Citation], root: Path) -> None:
    if not str(root) or not root.is_dir():
        raise click.UsageError(f"no tree at {str(root)!r} to check against; pass --tree PATH")
    stale = check_citations(citations, root)
    if not stale:
        err.print(f"all {len(citations)} citations hold in {root}")
        return
    print_table(f"{len(stale)} stale citations of {len(citations)}", ("cited", "symbol", "reason"),
                ((s.citation.label, s.citation.symbol, s.reason) for s in stale))
    raise SystemExit(1)
