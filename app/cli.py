"""The `kubeatlas` command line: index a tree, then ask the graph questions."""

from __future__ import annotations

import importlib
import signal
import sqlite3
import sys
from pathlib import Path

import click

from kubeatlas import settings
from kubeatlas.app.cli_options import (
    json_option,
    number_setting,
    open_atlas,
    store_options,
)
from kubeatlas.app.console import (
    RichProgress,
    err,
    out,
    print_error,
    print_json,
    print_table,
)
from kubeatlas.errors import KubeatlasError
from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.query.atlas import MAX_DEPTH

# The commands other modules own, by name: each module is imported when its command runs (or
# when --help lists them), so `kubeatlas index` does not pay for the web, Neo4j or minik8s code.
_OWNED_COMMANDS = {
    **dict.fromkeys(("implements", "interfaces", "path", "kind", "callers", "callees", "role"),
                    "kubeatlas.app.knowledge_commands"),
    **dict.fromkeys(("neo4j", "load", "cypher"), "kubeatlas.app.neo4j_commands"),
    "find": "kubeatlas.app.find_command",
    "notes": "kubeatlas.app.notes", "diff": "kubeatlas.app.notes",
    "web": "kubeatlas.app.web_command", "mini": "kubeatlas.minik8s.cli",
}


class _Interrupted(Exception):
    """Ctrl-C in a command, carried past click (which would write a blank line for it)."""


class _Commands(click.Group):
    """A click group whose owned commands load on first use."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted() from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_OWNED_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _OWNED_COMMANDS:
            command = getattr(importlib.import_module(_OWNED_COMMANDS[name]), name)
            assert isinstance(command, click.Command), name
            return command
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="kubeatlas")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """kubeatlas — an atlas of the Kubernetes source code."""
    ctx.ensure_object(dict)["debug"] = debug


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--clone", "clone_url", is_flag=False, flag_value="default", default=None,
              metavar="[URL]", help="Shallow sparse clone (gitpython) instead of a local PATH.")
@click.option("--ref", default="", help="Tag or branch to clone (e.g. v1.28.7); recorded.")
@click.option("--k8s-version", default="", help="Record this version when git has no tag.")
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="Where to write the index (default: <cache>/index/default.sqlite).")
@click.option("--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes (default: KUBEATLAS_JOBS, else all cores).")
@click.option("--force", is_flag=True, help="Re-index even if nothing changed.")
@json_option
def index(path, clone_url, ref, k8s_version, db, jobs, force, as_json) -> None:
    """Index a Kubernetes checkout (PATH) or a fresh clone (--clone --ref v1.28.7)."""
    from kubeatlas.analyzer.source import DEFAULT_URL, clone_tree, describe_checkout
    from kubeatlas.graph.index.pipeline import index_tree
    from kubeatlas.graph.index.stages import default_stages

    if clone_url is not None:
        if not ref:
            raise click.UsageError("--clone needs --ref (a tag such as v1.28.7)")
        url = DEFAULT_URL if clone_url == "default" else clone_url
        dest = settings.cache_dir() / "src" / (ref.replace("/", "_"))
        err.print(f"cloning {url} at {ref} into {dest} …")
        checkout = clone_tree(url, ref, dest)
    elif path is None:
        raise click.UsageError("give a PATH to a Kubernetes checkout, or --clone --ref TAG")
    else:
        checkout = describe_checkout(path.resolve(), ref, k8s_version)
    db = db or settings.default_db()
    jobs = jobs if jobs is not None else int(number_setting("jobs"))
    max_bytes = int(number_setting("max_file_mb", 0.001, whole=False) * 1024 * 1024)
    with RichProgress(enabled=err.is_terminal and not as_json) as progress:
        summary = index_tree(checkout, db, jobs=jobs, max_file_bytes=max_bytes,
                             stages=default_stages(jobs), progress=progress, force=force)
    click.get_current_context().ensure_object(dict)[INDEX_COMPLETE] = True  # a Ctrl-C now is no failure
    if as_json:
        print_json(summary.as_json())
        return
    if summary.up_to_date:
        out.print(f"index {db} is up to date ({summary.files} files unchanged, "
                  f"{sum(summary.phases.values()):.2f}s)")
        return
    _print_summary(summary, checkout)


def _print_summary(summary, checkout) -> None:
    c = summary.counts
    edges = sum(v for k, v in c.items() if k.isupper())
    rows = [
        ("tree", f"{checkout.k8s_version or '?'}  {checkout.commit[:12] or '(no git)'}  "
                 f"{checkout.root}"),
        ("files", f"{summary.files}  ({summary.parsed} parsed, {summary.reused} from cache, "
                  f"{summary.megabytes} MB" + (f", extractor {summary.extractor}" if summary.parsed
                                               and summary.extractor else "") + ")"),
        ("packages", c.get("Package", 0)),
        ("types", c.get("Type", 0)),
        ("functions", f"{c.get('Function', 0)} funcs, {c.get('Method', 0)} methods"),
        ("edges", f"{edges}  (" + ", ".join(f"{k} {v}" for k, v in c.items() if k.isupper())
                  + ")"),
        ("problems", f"{summary.problems}  (kubeatlas stats --problems)"),
        ("time", f"{sum(summary.phases.values()):.2f}s  (" + ", ".join(
            f"{k} {v:.2f}s" for k, v in summary.phases.items()) + ")"),
        ("index", summary.db),
    ]
    print_table("kubeatlas index", ("", ""), rows)


@cli.command()
@click.option("--problems", is_flag=True, help="List the per-file problems.")
@store_options
@json_option
def stats(problems, db, neo4j_uri, as_json) -> None:
    """What the index holds: the tree, counts per node and edge kind, problems."""
    atlas = open_atlas(db, neo4j_uri)
    if problems:
        rows = atlas.problems()
        if as_json:
            print_json(rows)
        else:
            print_table(f"{len(rows)} problems", ("file", "line", "kind", "message"),
                        ((r["file"], r["line"], r["kind"], r["message"]) for r in rows))
        return
    data = atlas.stats()
    if as_json:
        print_json(data)
        return
    tree = data["tree"]
    print_table("tree", ("", ""), ((k, tree.get(k, "")) for k in
                                   ("tree", "k8s_version", "ref", "commit", "root", "indexed_at")))
    print_table("counts", ("kind", "count"), data["counts"].items())
    out.print(f"{data['problems']} problems" + (" (kubeatlas stats --problems lists them)"
                                                 if data["problems"] else ""))
    figures = (tree.get("figures") or {}).get("resolve", {})
    if figures:  # `calls  resolved 251473, resolved_share_pct 96.4, …`, not a dict's repr
        print_table("call resolution", ("", ""), (
            (group, ", ".join(f"{k} {v}" for k, v in counts.items())
             if isinstance(counts, dict) else counts) for group, counts in figures.items()))


@cli.command()
@click.argument("package")
@click.option("--reverse", is_flag=True, help="Who imports PACKAGE (dependents).")
@click.option("--depth", type=click.IntRange(1, MAX_DEPTH), default=1, show_default=True,
              help="Levels to follow.")
@click.option("--goos", default=None, help="Only files built for this GOOS (with --goarch).")
@click.option("--goarch", default=None, help="Only files built for this GOARCH (with --goos).")
@click.option("--tests", is_flag=True, help="Include imports made only by _test.go files.")
@click.option("--no-external", is_flag=True, help="Only packages of the tree.")
@store_options
@json_option
def deps(package, reverse, depth, goos, goarch, tests, no_external, db, neo4j_uri,
         as_json) -> None:
    """Packages PACKAGE imports (or, with --reverse, that import it).

    PACKAGE is an import path (k8s.io/kubernetes/pkg/kubelet), a dir (pkg/kubelet) or an id."""
    if bool(goos) != bool(goarch):
        raise click.UsageError("--goos and --goarch go together")
    atlas = open_atlas(db, neo4j_uri)
    pid = atlas.resolve(package, (NodeKind.PACKAGE, NodeKind.EXTERNAL_PACKAGE))
    found = atlas.deps(pid, reverse=reverse, depth=depth, goos=goos, goarch=goarch, tests=tests,
                       external=not no_external)
    if as_json:
        print_json({"package": pid, "reverse": reverse, "deps": [d.as_json() for d in found]})
        return
    title = f"{'dependents of' if reverse else 'imports of'} {pid} ({len(found)})"
    print_table(title, ("depth", "package", "files", "platforms"),
                ((d.depth, d.id, d.files, ",".join(d.platforms))
                 for d in sorted(found, key=_tree_first)))


def _tree_first(dep) -> tuple:
    """Per depth: the tree's packages, then other modules', then the standard library's."""
    prefix, _, path = dep.id.partition(":")
    external = prefix == "ext"
    return (dep.depth, external, external and "." not in path.split("/", 1)[0], dep.id)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "graphml", "csv"]), required=True)
@click.argument("out_path", metavar="OUT", type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), default=None, help="Index file.")
def export(fmt, out_path, db) -> None:
    """Write the whole graph: JSON node-link data, GraphML, or CSV for neo4j-admin import."""
    from kubeatlas.graph.index.export import export_graph
    from kubeatlas.graph.store.sqlite.graph_load import load_graph

    graph = load_graph(db or settings.default_db())
    written = export_graph(graph, fmt, out_path)
    err.print(f"wrote {written}")


@cli.command()
@click.argument("query")
@click.option("--db", type=click.Path(path_type=Path), default=None, help="Index file.")
@json_option
def sql(query, db, as_json) -> None:
    """Run a read-only SQL query (SELECT/WITH) on the index, with a time limit and row cap."""
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    reader = SqliteReader(db or settings.default_db())
    result = reader.run_readonly(query, limit_ms=int(number_setting("query_ms", 1)),
                                 max_rows=int(number_setting("max_rows", 1)))
    if as_json:
        print_json(result.as_json())
        return
    print_table(f"{len(result.rows)} rows" + (" (truncated)" if result.truncated else ""),
                result.columns, result.rows)


def _stop_workers() -> None:
    """After Ctrl-C, end the worker processes still running: a parse worker blocked on
    sending its result to a parent that stopped reading would otherwise keep the command
    from exiting (Python joins its children at exit)."""
    import multiprocessing

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout=5)


_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click >= 8.2


INDEX_COMPLETE = "index_complete"  # set in the context's obj once `index` has written the index


def main(argv: list[str] | None = None) -> int:
    """Entry point: one-line errors and exit code 2 for every KubeatlasError. Run as the
    program (no argv), a Ctrl-C once the command has ended is ignored: Python's exit (logging,
    worker processes) would print a traceback for it after the work was done."""
    code = _run(sys.argv[1:] if argv is None else argv)
    for _ in range(3) if argv is None else ():
        try:  # signal.signal first runs a Ctrl-C still pending: then once more
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            break
        except KeyboardInterrupt:
            continue
        except ValueError:  # not the main thread: its Ctrl-C is not ours to set
            break
    return code


def _run(args: list[str]) -> int:
    debug = "--debug" in args
    state: dict = {}
    try:
        cli.main(args=args, prog_name="kubeatlas", standalone_mode=False, obj=state)
    except KubeatlasError as exc:
        if debug:
            raise
        print_error(str(exc))
        return exc.exit_code
    except sqlite3.DatabaseError as exc:  # a corrupt page met in the middle of a question
        if debug:
            raise
        print_error(f"the index could not be read ({exc}); re-run `kubeatlas index`")
        return 2
    except (_Interrupted, click.exceptions.Abort, KeyboardInterrupt):
        _stop_workers()
        if state.get(INDEX_COMPLETE):  # while its summary was printed: the index is whole
            return 0
        if err.is_terminal:
            err.print()  # past the `^C` the terminal echoed
        indexing = next((a for a in args if not a.startswith("-")), "") == "index"
        print_error("interrupted" + ("; the previous index is untouched" if indexing else ""))
        return 130
    except _NO_ARGS_IS_HELP as exc:  # `kubeatlas`, `kubeatlas mini`: the help, not an error
        click.echo(exc.ctx.get_help() if exc.ctx is not None else exc.format_message())
        return 0
    except click.UsageError as exc:  # one line, like every other error, and where to look
        where = f" (`{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
        print_error(exc.format_message() + where)
        return exc.exit_code
    except click.ClickException as exc:
        print_error(exc.format_message())
        return exc.exit_code
    except OSError as exc:  # a file the user named cannot be written or read (--out, OUT)
        if debug or exc.filename is None:
            raise
        print_error(f"{exc.filename}: {exc.strerror or exc}")
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
