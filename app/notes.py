"""`kubeatlas notes SUBJECT|--all`: study notes whose every claim cites `path:line` at the index's
pinned commit (`--lang en|zh`, `--format markdown|hugo|anki`), `--check` (citations hold and
each claim's meaning is in the source), `notes changes --from OLD --to NEW`, and
`kubeatlas diff OLD.db NEW.db [--json]`."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from kubeatlas.app.cli_options import json_option, open_atlas, open_index, store_options
from kubeatlas.app.console import err, print_json, print_table
from kubeatlas.errors import IndexNotFound, NodeNotFound
from kubeatlas.graph.notes.citation import Citation, check_citations, parse_citations
from kubeatlas.graph.notes.claim import Claim, parse_claims
from kubeatlas.graph.notes.lang import LANGS
from kubeatlas.graph.query.atlas import Atlas

_DB = click.Path(path_type=Path)


def _lang(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """`zh`, `ZH`, `zh-CN`, `zh_Hans` -> zh, as the web's `?lang=` reads it; else an error."""
    code = value.strip().lower().replace("_", "-").split("-", 1)[0]
    if code not in LANGS:
        raise click.BadParameter(f"{value!r} is not a language of the notes ({', '.join(LANGS)})")
    return code


@click.command()
@click.argument("subject", metavar="ROLE|FLOW|changes", required=False)
@click.option("--all", "all_notes", is_flag=True, help="Every note of the tree plus an index, into --out DIR.")
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="Write the note (a file; `-` prints it, with --check too) or, with --all, every "
                   "note (a directory) here.")
@click.option("--lang", default="en", show_default=True, callback=_lang, metavar="en|zh",
              help="Language of the notes (zh-CN works too).")
@click.option("--format", "fmt", type=click.Choice(("markdown", "hugo", "anki")), default="markdown",
              show_default=True, help="With --all: Markdown, Hugo content, or an Anki import file (tab-separated).")
@click.option("--check", is_flag=True,
              help="Verify every citation and the meaning of every claim (A calls/references B at the "
                   "cited line, T implements I, absent means declared nowhere) against the tree; exit 1 on "
                   "failures. Prints the verdict and the failures only: add `--out FILE` to write the "
                   "note, `--out -` to print it too. SUBJECT may then be a saved note (FILE.md).")
@click.option("--tree", "tree_root", type=click.Path(path_type=Path), default=None,
              help="Tree to check against (default: the root the index was built from).")
@click.option("--from", "old_db", type=_DB, default=None, help="`notes changes`: the older index.")
@click.option("--to", "new_db", type=_DB, default=None, help="`notes changes`: the newer index.")
@store_options
def notes(subject: str | None, all_notes: bool, out_path: Path | None, lang: str, fmt: str, check: bool,
          tree_root: Path | None, old_db: Path | None, new_db: Path | None, db: Path | None,
          neo4j_uri: str | None) -> None:
    """Study note for a ROLE (kubelet, kube-scheduler, …) or a FLOW (deployment-flow, pod-flow,
    service-flow, pvc-flow, informer-flow, request-flow, node-heartbeat-flow); `changes` compares
    two indexes."""
    if subject == "changes":
        _changes(old_db, new_db, lang, out_path)
        return
    atlas = open_atlas(db, neo4j_uri)
    if all_notes:
        from kubeatlas.graph.notes.export import write_all

        if out_path is None or str(out_path) == "-":
            raise click.UsageError("--all needs --out DIR")
        if out_path.exists() and not out_path.is_dir():
            raise click.UsageError(f"--out {out_path} is a file; --all writes a directory")
        written = write_all(atlas, out_path, lang, fmt)
        err.print(f"wrote {len(written)} files to {out_path}")
        return
    if not subject:
        raise click.UsageError("name a ROLE or FLOW, or pass --all")
    saved = Path(subject)
    if saved.suffix == ".md":
        if not check:
            raise click.UsageError(f"{subject} is a saved note: re-check it with `--check`")
        if not saved.is_file():
            raise click.BadParameter(f"no saved note at {subject}", param_hint="ROLE|FLOW|FILE.md")
        text = saved.read_text(encoding="utf-8")
        citations, claims = parse_citations(text), parse_claims(text)
    else:
        from kubeatlas.graph.notes.render import build_note

        note = _build_note(atlas, subject, lang, build_note)
        citations, claims = list(note.citations), list(note.claims)
        if out_path and str(out_path) != "-":
            out_path.parent.mkdir(parents=True, exist_ok=True)
            out_path.write_text(note.markdown, encoding="utf-8")
            err.print(f"wrote {out_path} ({len(citations)} citations, {len(claims)} claims)")
        elif out_path or not check:  # --check alone: the verdict, not 300 lines of note before it
            click.echo(note.markdown, nl=not note.markdown.endswith("\n"))  # ends a line
    if check:
        root = tree_root or Path(str(atlas.reader.tree_info().get("root") or ""))
        _check(citations, claims, root)


def _build_note(atlas: Atlas, subject: str, lang: str, build_note):
    """The note on subject; a subject that is no role or flow of the tree is an error that
    names the closest ones and where the rest are listed (not a hint to `kubeatlas find`)."""
    try:
        return build_note(atlas, subject, lang)
    except NodeNotFound:
        from kubeatlas.graph.notes.render import subjects

        known = subjects(atlas)
        close = difflib.get_close_matches(subject.removeprefix("role:"), known, n=3, cutoff=0.6)
        raise NodeNotFound(
            f"no role or flow named {subject!r}"
            + (f" (did you mean {' or '.join(close)}?)" if close else "")
            + f"; flows: {', '.join(s for s in known if s.endswith('-flow'))}; "
            "roles: `kubeatlas role` lists them", name=subject) from None


def _check(citations: list[Citation], claims: list[Claim], root: Path) -> None:
    from kubeatlas.graph.notes.verify import check_claims

    if not str(root) or not root.is_dir():
        raise click.UsageError(f"no tree at {str(root)!r} to check against; pass --tree PATH")
    stale = check_citations(citations, root)
    failed = check_claims(claims, root)
    if not stale and not failed:
        err.print(f"all {len(citations)} citations and {len(claims)} claims hold in {root}")
        return
    rows = [(s.citation.label, s.citation.symbol, s.reason) for s in stale]
    rows += [(f.claim.label, f"{f.claim.kind} {f.claim.subject} {f.claim.object}".strip(), f.reason)
             for f in failed]
    print_table(f"{len(stale)} stale citations of {len(citations)}, {len(failed)} failed claims of "
                f"{len(claims)}", ("cited", "claim", "reason"), rows)
    raise SystemExit(1)


def _open_db(path: Path | None, option: str) -> Atlas:

    if path is None:
        raise click.UsageError(f"`notes changes` needs {option} INDEX.sqlite")
    if not path.is_file():
        raise IndexNotFound(f"no index at {path} ({option})")
    return Atlas(open_index(path))


def _changes(old_db: Path | None, new_db: Path | None, lang: str, out_path: Path | None) -> None:
    from kubeatlas.graph.diff.release import diff_releases
    from kubeatlas.graph.notes.changes import changes_markdown

    text = changes_markdown(diff_releases(_open_db(old_db, "--from"), _open_db(new_db, "--to")).as_json(), lang)
    if out_path and str(out_path) != "-":
        out_path.write_text(text, encoding="utf-8")
        err.print(f"wrote {out_path}")
    else:
        click.echo(text, nl=False)


@click.command()
@click.argument("old_db", type=_DB)
@click.argument("new_db", type=_DB)
@json_option
def diff(old_db: Path, new_db: Path, as_json: bool) -> None:
    """What changed between two indexed releases: roles, interface generations, packages,
    key interfaces' methods, API kinds, main-loop functions."""
    from kubeatlas.graph.diff.release import diff_releases

    d = diff_releases(_open_db(old_db, "OLD"), _open_db(new_db, "NEW"))
    if as_json:
        print_json(d.as_json())
        return
    rows = [("roles added", ", ".join(d.roles_added)), ("roles removed", ", ".join(d.roles_removed))]
    rows += [(f"variants of {v['role']}", f"{', '.join(v['old'])} -> {', '.join(v['new'])}") for v in d.variants]
    rows += [("packages", f"{len(d.packages_added)} added, {len(d.packages_removed)} removed, "
                          f"{len(d.packages_moved)} moved")]
    rows += [("moved", f"{m['old']} -> {m['new']}") for m in d.packages_moved[:20]]
    rows += [(f"methods of {i['id']}", " ".join(f"{sign}{', '.join(names)}" for sign, names in
                                                 (("+", i["added"]), ("-", i["removed"])) if names))
             for i in d.interfaces]
    rows += [("API kinds", f"{len(d.kinds_added)} added, {len(d.kinds_removed)} removed, "
                           f"{len(d.kinds_graduated)} graduated")]
    rows += [(f"{a['role']} anchor", f"{a['old'] or '-'} -> {a['new'] or 'gone'}") for a in d.anchors]
    print_table(f"{d.old} -> {d.new}", ("what", "change"), rows)
