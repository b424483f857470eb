"""Index a tree end to end: discover -> scan -> build -> resolve -> roles -> write, timed."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kubeatlas.analyzer.cache import ANALYZER_VERSION, load_cache, save_cache
from kubeatlas.analyzer.cache_writer import CacheWriter
from kubeatlas.analyzer.discover import Stamp, check_tree, discover, find_modules
from kubeatlas.analyzer.gcpolicy import paused_gc
from kubeatlas.analyzer.model import FileFacts
from kubeatlas.analyzer.scan import scan_files
from kubeatlas.analyzer.source import Checkout
from kubeatlas.errors import IndexWriteError
from kubeatlas.graph.build.structure import TreeInfo, build_graph
from kubeatlas.graph.index.incremental import patch_index
from kubeatlas.graph.index.version import GRAPH_VERSION
from kubeatlas.graph.model.kubegraph import KubeGraph
from kubeatlas.graph.model.progress import Progress, SilentProgress
from kubeatlas.graph.store.sqlite.target import check_target, remove_stale_temps
from kubeatlas.graph.store.sqlite.writer import IndexWriter

# Later stages (resolution, roles, API kinds, mini links) plug in here, each
# `stage(graph, facts) -> dict of figures`; registered by name so timings are reported per stage.
Stage = Callable[[KubeGraph, Sequence[FileFacts]], dict[str, Any]]


@dataclass(slots=True)
class IndexSummary:
    db: str
    up_to_date: bool = False
    files: int = 0
    parsed: int = 0
    reused: int = 0
    megabytes: float = 0.0
    extractor: str = ""  # which extractor parsed the files: "native", or "python (why not native)"
    counts: dict[str, int] = field(default_factory=dict)
    problems: int = 0
    phases: dict[str, float] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


def facts_cache_path(db: Path) -> Path:
    return db.with_name(db.name + ".facts")


@paused_gc()  # millions of records, next to no cycles: see analyzer/gcpolicy.py
def index_tree(
    checkout: Checkout,
    db: Path,
    *,
    jobs: int = 0,
    max_file_bytes: int,
    stages: Sequence[tuple[str, Stage]] = (),
    progress: Progress | None = None,
    force: bool = False,
) -> IndexSummary:
    """Index `checkout` into the SQLite file `db`; the old index stays until the new one is whole."""
    progress = progress or SilentProgress()
    root = checkout.root
    summary = IndexSummary(db=str(db))
    check_target(db)  # not a directory, not someone's file: before the work, not after

    @contextmanager
    def phase(name: str) -> Iterator[None]:
        began = time.perf_counter()
        yield
        summary.phases[name] = round(time.perf_counter() - began, 3)

    with phase("discover"):
        check_tree(root)
        modules = find_modules(root)
        name_problems: list[tuple[str, str, str, int]] = []  # names that are not UTF-8
        stamps: dict[str, Stamp] = {}
        sources = list(discover(root, modules, problems=name_problems, stamps=stamps))
        manifest = [(s.rel_path, *stamps[s.rel_path]) for s in sources]
    summary.files = len(sources)
    tree = TreeInfo(
        name=checkout.k8s_version or root.name, root=str(root), ref=checkout.ref,
        commit=checkout.commit, k8s_version=checkout.k8s_version,
        indexed_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    current = {p: (m, s) for p, m, s in manifest}
    inputs = stage_fingerprint(stages)
    previous = None if force else _previous_manifest(db, checkout, inputs)
    if previous == current:
        summary.up_to_date = True
        return summary
    cache_path = facts_cache_path(db)
    cache = None
    if previous is not None and previous.keys() == current.keys():
        with phase("patch"):
            changed = [s for s in sources if previous[s.rel_path] != current[s.rel_path]]
            cache = load_cache(cache_path)
            with _writing(db):
                patched = patch_index(db, root, changed, cache, current, tree, jobs=jobs,
                                      max_file_bytes=max_file_bytes)
            if patched is not None:
                save_cache(cache, cache_path, only={s.rel_path for s in changed})
        if patched is not None:
            summary.parsed, summary.reused = patched.files, len(sources) - patched.files
            summary.figures["patch"] = {"files": patched.files, "calls": patched.calls}
            summary.megabytes = round(sum(size for _, size in current.values()) / 1e6, 1)
            summary.counts, summary.problems = _recorded_totals(db)
            return summary

    with phase("scan"):
        cache = cache if cache is not None else load_cache(cache_path)
        progress.start("parse", len(sources))
        facts, stats = scan_files(root, sources, cache=cache, jobs=jobs,
                                  max_file_bytes=max_file_bytes, on_progress=progress.advance)
    summary.parsed, summary.reused = stats.parsed, stats.reused
    summary.extractor = stats.extractor + (f" ({stats.extractor_why})" if stats.extractor_why else "")
    summary.megabytes = round(sum(f.size for f in facts) / 1e6, 1)

    with _writing(db):
        writer = IndexWriter(db)
        remove_stale_temps(cache_path)  # a killed run's background cache writer's
    saving = CacheWriter(cache, cache_path) if stats.parsed else None

    def on_declarations(graph: KubeGraph) -> None:
        """A forked process writes the declarations (and the nodes' indexes and the name
        search: few nodes come later) while the rest is built and resolved."""
        writer.snapshot(graph, index=("nodes", "search"))

    with writer, saving or nullcontext():
        if saving is not None:  # on the core the build's first half (one thread) leaves idle
            saving.start()
        with phase("build"):
            progress.start("build graph", None)
            graph = build_graph(facts, modules, tree, on_declarations=on_declarations)
        for number, (name, stage) in enumerate(stages, 1):
            with phase(name):
                progress.start(name, None)
                summary.figures[name] = stage(graph, facts)
            # what the stage added is written while the next ones run; after the last one,
            # finish() writes it at once, then builds the edges' indexes while the graph is
            # freed (built here, they kept the last snapshot writer, which finish() waits
            # for, busy longer than the freeing takes)
            if number < len(stages):
                writer.snapshot(graph, index=("nodes", "search"))

        problems = name_problems + [(f.rel_path, p.kind, p.message, p.line) for f in facts
                                    for p in f.problems]
        summary.problems = len(problems)
        summary.counts = graph.counts()
        with phase("write"):
            progress.start("write index", sum(summary.counts.values()))
            meta = {
                "tree": tree.name, "root": tree.root, "ref": tree.ref, "commit": tree.commit,
                "k8s_version": tree.k8s_version, "indexed_at": tree.indexed_at,
                "analyzer_version": ANALYZER_VERSION, "graph_version": GRAPH_VERSION,
                "files": len(facts),
                "figures": summary.figures, "stage_inputs": inputs, "counts": summary.counts,
            }

            def while_waiting() -> None:  # for the last snapshot writer
                if saving is not None:
                    saving.retire_old()  # the old index's cache goes before the old index
                facts.clear()  # the records are freed now, not on return

            with _writing(db):
                writer.finish(graph, meta=meta, problems=problems, manifest=manifest,
                              on_progress=progress.advance, while_waiting=while_waiting,
                              once_written=graph.clear)  # freed as the edges are indexed
                if saving is not None:
                    saving.commit()  # the new index's cache comes after it
    return summary


@contextmanager
def _writing(db: Path) -> Iterator[None]:
    """Writing the index failed (a full disk, RLIMIT_FSIZE, permissions): one line."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise IndexWriteError(f"could not write the index {db}: {reason}; the previous index "
                              "(if any) is untouched", path=str(db)) from None


def _recorded_totals(db: Path) -> tuple[dict[str, int], int]:
    """Counts and number of problems of the index at db, as the patch left them."""
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    reader = SqliteReader(db)
    try:
        return reader.count_by_kind(), len(reader.problems())
    finally:
        reader.close()


def stage_fingerprint(stages: Sequence[tuple[str, Stage]]) -> str:
    """What the stages read besides the tree (catalogs, data files), as one string."""
    return ";".join(f"{name}={getattr(stage, 'fingerprint', '')}" for name, stage in stages)


def _previous_manifest(db: Path, checkout: Checkout,
                       inputs: str) -> dict[str, tuple[int, int]] | None:
    """The manifest of the index at db when it was built from this tree by this version,
    with the same stage inputs."""
    if not db.is_file():
        return None
    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    try:
        reader = SqliteReader(db)
    except Exception:
        return None
    try:
        same = (reader.meta.get("analyzer_version") == ANALYZER_VERSION
                and reader.meta.get("graph_version") == GRAPH_VERSION
                and reader.meta.get("root") == str(checkout.root)
                and reader.meta.get("commit") == checkout.commit
                and reader.meta.get("stage_inputs", "") == inputs)
        return reader.manifest() if same else None
    finally:
        reader.close()
