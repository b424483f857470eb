"""Incremental runs must equal a clean rebuild, whichever path (patch or rebuild) they take."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import FIXTURE_TREE

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages


def index(root: Path, db: Path):
    return index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=8 << 20,
                      stages=default_stages())


def dump(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        meta = {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}
        meta.pop("indexed_at")
        return {
            "nodes": sorted((i, k, json.dumps(_timeless(json.loads(a)), sort_keys=True))
                            for i, k, a in conn.execute("SELECT id, kind, attrs FROM nodes")),
            "edges": sorted((s, t, k, json.dumps(json.loads(a), sort_keys=True))
                            for s, t, k, a in conn.execute("SELECT * FROM edges")),
            "problems": sorted(conn.execute("SELECT * FROM problems")),
            "manifest": sorted(conn.execute("SELECT * FROM manifest")),
            "meta": meta,
        }


def _timeless(attrs: dict) -> dict:
    attrs.pop("indexed_at", None)  # the Tree node's clock reading may cross a second
    return attrs


BODY_EDITS = {
    # file -> (old text, new text): bodies and comments only, so the patch path applies
    "pkg/a/a.go": ("func A() { b.B() }", "// A calls b twice now.\nfunc A() {\n\tb.B()\n\tA()\n}"),
}
SHAPE_EDITS = {
    "pkg/b/b.go": ("func B() {}", "func B() {}\n\nfunc Extra(x int) string { return \"\" }"),
}


@pytest.mark.parametrize("edits, patched", [(BODY_EDITS, True), (SHAPE_EDITS, False)])
def test_incremental_equals_clean_rebuild(small_tree, tmp_path, edits, patched):
    db = tmp_path / "incremental.sqlite"
    index(small_tree, db)
    for rel, (old, new) in edits.items():
        path = small_tree / rel
        path.write_text(path.read_text().replace(old, new))
    summary = index(small_tree, db)
    assert ("patch" in summary.figures) is patched
    clean = tmp_path / "clean.sqlite"
    index(small_tree, clean)  # same root, fresh index and cache
    assert dump(db) == dump(clean)


@pytest.mark.parametrize("rel, old, new, patched", [
    ("pkg/kubelet/kuberuntime/kuberuntime_sandbox.go", "\n}\n", "\n\t_ = 1 // edited\n}\n", True),
    # lines move above calls through a func field (c.syncHandler): the stored calls follow
    ("pkg/controller/callshapes/callshapes.go", "\tkey, quit := c.queue.Get()",
     "\t// edited\n\tkey, quit := c.queue.Get()", True),
    # another platform's body (its calls are VARIANT_CALLS), and the linux one beside it
    ("pkg/kubelet/kuberuntime/kuberuntime_container_windows.go",
     "\tm.generateWindowsContainerConfig(container, m.windowsSecurityContext)\n",
     "\t// edited\n\tm.generateWindowsContainerConfig(container, nil)\n", True),
    ("pkg/kubelet/kuberuntime/kuberuntime_container_linux.go", "\t_ = unix.Getpagesize()\n",
     "\t// edited\n\t_ = unix.Getpagesize()\n", True),
    # a different function stored into the field: those calls join across files, rebuild
    ("pkg/controller/callshapes/callshapes.go", "c.syncHandler = c.sync", "c.syncHandler = c.first2",
     False),
    # lines move above a func field's value passed on (r.config.Process): its edge follows
    ("pkg/controller/callshapes/fieldvalue.go", "func (r *Runner) loop() {",
     "// edited\nfunc (r *Runner) loop() {", True),
    # another function stored into that field: rebuild
    ("pkg/controller/callshapes/fieldvalue.go", "Config{Process: c.sync}",
     "Config{Process: c.processNext2}", False),
    # another function handed to the constructor that stores it: rebuild
    ("pkg/controller/callshapes/fieldvalue.go", "newPeriodic(c.resync)", "newPeriodic(c.index)",
     False),
    # lines move above a send and above a receive: the hand-offs' lines follow
    ("pkg/controller/callshapes/handoff.go", "func (l *listener) add(",
     "// edited\nfunc (l *listener) add(", True),
    ("pkg/controller/callshapes/handoff.go", "func (l *listener) run() {",
     "// edited\nfunc (l *listener) run() {", True),
    # a new send on a field: hand-offs join across functions, rebuild
    ("pkg/controller/callshapes/handoff.go", "func (l *listener) wait() { <-l.signal }",
     "func (l *listener) wait() { <-l.signal; l.addCh <- \"\" }", False),
    # lines move above a condition variable's signal and its wait: the hand-offs follow
    ("pkg/controller/callshapes/cond.go", "func (q *waitQueue) shut() {",
     "// edited\nfunc (q *waitQueue) shut() {", True),
    ("pkg/controller/callshapes/cond.go", "\t\tq.cond.Wait()\n", "\t\t// edited\n\t\tq.cond.Wait()\n",
     True),
    # a second signal in the same function: its count follows
    ("pkg/controller/callshapes/cond.go", "func (c *condByPointer) wake() { c.cond.Broadcast() }",
     "func (c *condByPointer) wake() { c.cond.Broadcast(); c.cond.Signal() }", True),
    # a signal in a function that gave none: hand-offs join across functions, rebuild
    ("pkg/controller/callshapes/cond.go", "func newWaitQueue() *waitQueue {\n\tq := &waitQueue{}",
     "func newWaitQueue() *waitQueue {\n\tq := &waitQueue{}\n\tq.cond.Signal()", False),
    # lines move above a take through a parameter and a getter, above a getter and above
    # the caller that passes a getter's channel on: the hand-offs' lines follow
    ("pkg/controller/callshapes/routes.go", "func (a *agent) iteration(",
     "// edited\nfunc (a *agent) iteration(", True),
    ("pkg/controller/callshapes/routes.go", "func (r *probeResults) Updates()",
     "// edited\nfunc (r *probeResults) Updates()", True),
    ("pkg/controller/callshapes/routes.go", "\tplegCh := a.pleg.Watch()\n",
     "\t// edited\n\tplegCh := a.pleg.Watch()\n", True),
    ("pkg/controller/callshapes/routes.go", "func publish(", "// edited\nfunc publish(", True),
    ("pkg/controller/callshapes/routes.go", "func (s *podStore) merge(",
     "// edited\nfunc (s *podStore) merge(", True),
    ("pkg/controller/callshapes/routes.go", "func (s *server) serve(",
     "// edited\nfunc (s *server) serve(", True),
    # the made channel no longer passed to the store, or no longer stored: two fields no
    # longer hold one channel, rebuild
    ("pkg/controller/callshapes/routes.go", "store: store, updates: updates}",
     "store: store, updates: nil}", False),
    ("pkg/controller/callshapes/routes.go", "newPodStore(updates)", "newPodStore(nil)", False),
    # the channel no longer passed on: the routes change across functions, rebuild
    ("pkg/controller/callshapes/routes.go", "a.iteration(updates, plegCh)", "a.iteration(updates, nil)",
     False),
    # lines move above the receive on a channel the function made and keeps in no field, and
    # above the sender it was handed to: the hand-off's lines follow; the channel no longer
    # handed on: rebuild
    ("pkg/controller/callshapes/routes.go", "\tfor range images {\n",
     "\t// edited\n\tfor range images {\n", True),
    ("pkg/controller/callshapes/routes.go", "func pullOne(", "// edited\nfunc pullOne(", True),
    ("pkg/controller/callshapes/routes.go", "go pullOne(image, results)", "go pullOne(image, nil)",
     False),
    # lines move above a send on a field that holds the channel a method made and returns,
    # and inside that method: the hand-offs' lines follow; the channel no longer returned, or
    # no longer handed to the source called as a statement: rebuild
    ("pkg/controller/callshapes/routes.go", "func (s *fileSource) run()",
     "// edited\nfunc (s *fileSource) run()", True),
    ("pkg/controller/callshapes/routes.go", "\tfresh := make(chan string)\n",
     "\t// edited\n\tfresh := make(chan string)\n", True),
    ("pkg/controller/callshapes/routes.go", "return c.mux.ChannelFor(source)", "return nil", False),
    ("pkg/controller/callshapes/routes.go", "watchSource(\"api\", c.Channel(\"api\"))",
     "watchSource(\"api\", nil)", False),
    # a watch's evidence moves (the kubelet's list-watch of "pods"), another kind is listed,
    # an informer call goes: the API kinds' stage runs again; lines move below the scheduler's
    # informer call, only above calls that watch nothing: patched
    ("pkg/kubelet/kubelet.go", "func newPodSource(", "// edited\nfunc newPodSource(", False),
    ("pkg/kubelet/kubelet.go", '"pods", "")', '"nodes", "")', False),
    ("pkg/scheduler/scheduler.go", "\tinformerFactory.Core().Pods().Informer()\n", "", False),
    ("pkg/scheduler/scheduler.go", "func (sched *Scheduler) bind(",
     "// edited\nfunc (sched *Scheduler) bind(", True),
    # another function passed where no field keeps it (wait only calls it): patched
    ("pkg/controller/callshapes/callshapes.go", "wait.UntilWithContext(ctx, c.worker,",
     "wait.UntilWithContext(ctx, c.receive,", True),
])
def test_body_edit_on_fixture_tree_is_patched_and_exact(tmp_path, rel, old, new, patched):
    if not FIXTURE_TREE.is_dir():
        pytest.fail("tests/fixtures/ktree is missing")
    root = tmp_path / "ktree"
    shutil.copytree(FIXTURE_TREE, root, symlinks=True)
    db = tmp_path / "i.sqlite"
    index(root, db)
    target = root / rel
    text = target.read_text()
    if not patched:  # a second handler, so the edit stays a body-only one... that rewires
        text = text.replace("func apply(", "func (c *Controller) first2(key string) error { return nil }\n\n"
                            "func apply(")
        target.write_text(text)
        index(root, db)
    assert old in text
    target.write_text(text.replace(old, new, 1))
    summary = index(root, db)
    assert ("patch" in summary.figures) is patched
    if patched:
        assert summary.figures["patch"]["files"] == 1
    index(root, tmp_path / "clean.sqlite")
    assert dump(db) == dump(tmp_path / "clean.sqlite")
