"""HANDS_OFF: a send on a channel field (or an add to a work queue in a field) joined to each
function that receives from (takes from) it, on the fixture tree's listener and controllers."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURE_TREE

from kubeatlas.analyzer.extract import extract_facts
from kubeatlas.analyzer.goparse import GoParser
from kubeatlas.analyzer.model import RECEIVE, SEND, ChannelOp, SourceFile
from kubeatlas.app.cli import main
from kubeatlas.graph.notes.verify import check_claims
from kubeatlas.graph.notes.walk import find_chain
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.store.sqlite.reader import SqliteReader

SHAPES = "k8s.io/kubernetes/pkg/controller/callshapes"
LISTENER = f"method:{SHAPES}.(*listener)"
HANDOFF_GO = "pkg/controller/callshapes/handoff.go"


@pytest.fixture(scope="module")
def db(ktree_db) -> str:
    return str(ktree_db)


def run_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_extraction_reads_sends_receives_and_the_locals_they_use():
    """`next <- pending` uses the local `next = l.nextCh`, `ch <- …` the local `ch := l.signal`;
    relay's channels are parameters (joined to nothing) and are dropped; a range over a slice
    field stays an operation until the resolution reads the field's type."""
    content = (FIXTURE_TREE / HANDOFF_GO).read_bytes()
    facts = extract_facts(GoParser(), SourceFile(HANDOFF_GO, SHAPES, "k8s.io/kubernetes", False),
                          content)
    assert set(facts.channels) == {
        ChannelOp("(*listener).add", "l.addCh", 14, SEND),
        ChannelOp("(*listener).pop", "l.nextCh", 22, SEND),
        ChannelOp("(*listener).pop", "l.addCh", 24, RECEIVE),
        ChannelOp("(*listener).run", "l.nextCh", 35, RECEIVE),
        ChannelOp("(*listener).poke", "l.signal", 43, SEND),
        ChannelOp("(*listener).wait", "l.signal", 46, RECEIVE),
        ChannelOp("(*listener).count", "l.items", 50, RECEIVE),
    }


def test_hand_offs_join_sends_to_receives_on_one_field(db):
    conn = sqlite3.connect(db)
    rows = {(s, t): json.loads(a) for s, t, a in conn.execute(
        "SELECT source, target, attrs FROM edges WHERE kind = 'HANDS_OFF'")}
    conn.close()
    assert {pair: (a["via"], a["field"].rsplit(".", 1)[-1], a["line"], a["to_line"])
            for pair, a in rows.items()} == {
        (f"{LISTENER}.add", f"{LISTENER}.pop"): ("channel", "addCh", 14, 24),
        (f"{LISTENER}.pop", f"{LISTENER}.run"): ("channel", "nextCh", 22, 35),
        (f"{LISTENER}.poke", f"{LISTENER}.wait"): ("channel", "signal", 43, 46),
        # a work queue in a field: onAdd adds, processNext gets (its own AddRateLimited is a
        # retry into the queue it takes from: no edge to itself)
        (f"method:{SHAPES}.(*Controller).onAdd", f"method:{SHAPES}.(*Controller).processNext"):
            ("queue", "queue", 103, 89),
        ("method:k8s.io/kubernetes/pkg/controller/deployment.(*DeploymentController).addDeployment",
         "method:k8s.io/kubernetes/pkg/controller/deployment.(*DeploymentController).worker"):
            ("channel", "queue", 63, 69),
    }


def test_path_callers_and_callees_follow_hand_offs_and_say_so(db, capsys):
    found = run_json(capsys, "path", "callshapes.(*listener).add", "callshapes.(*listener).run",
                     "--db", db)
    assert found["hops"][1:] == [{"id": f"{LISTENER}.pop", "kind": "hand-off", "via": "channel"},
                                 {"id": f"{LISTENER}.run", "kind": "hand-off", "via": "channel"}]
    capsys.readouterr()
    assert main(["path", "callshapes.(*listener).add", "callshapes.(*listener).run",
                 "--db", db]) == 0
    assert "hands off to (through a channel)" in capsys.readouterr().out
    rows = run_json(capsys, "callers", "callshapes.(*Controller).processNext", "--db", db)["callers"]
    handed = [r for r in rows if r["kind"] == "HANDS_OFF"]
    assert [(r["source"], r["hop"], r["via"]) for r in handed] == [
        (f"method:{SHAPES}.(*Controller).onAdd", "hand-off", "queue")]
    rows = run_json(capsys, "callees", "callshapes.(*listener).pop", "--db", db)["callees"]
    assert [(r["target"], r["hop"]) for r in rows] == [(f"{LISTENER}.run", "hand-off")]
    capsys.readouterr()
    assert main(["callees", "callshapes.(*listener).pop", "--db", db]) == 0
    assert "channel (field nextCh)" in capsys.readouterr().out


def test_a_note_cites_both_ends_of_a_hand_off_and_the_check_holds_them(db):
    atlas = Atlas(SqliteReader(Path(db)))
    hops = find_chain(atlas, f"{LISTENER}.add", f"{LISTENER}.run")
    assert hops is not None and [h.kind for h in hops] == ["hands-off", "hands-off"]
    claim = hops[0].claim
    assert (claim.kind, claim.path, claim.line, claim.object_path, claim.object_line) == (
        "hands-off", HANDOFF_GO, 14, HANDOFF_GO, 24)
    assert check_claims([h.claim for h in hops], FIXTURE_TREE) == []
    for wrong in (replace(claim, line=13),  # the func line: no send there
                  replace(claim, object_line=25),  # `if !ok {`: no receive there
                  replace(claim, object_line=35)):  # a receive, but from another field
        assert check_claims([wrong], FIXTURE_TREE) != [], wrong


@pytest.fixture(scope="module")
def web_db(ktree_db) -> Path:
    return ktree_db


def test_the_function_page_lists_hand_offs_among_callers_and_callees(open_page):
    at = open_page("views/code.py", id="callshapes.(*listener).pop")
    tabs = [t.label for t in at.tabs]
    assert "Callers (1)" in tabs and "Callees (1)" in tabs  # add hands to it, it hands to run
    shown = {}
    for tab in ("Callers (1)", "Callees (1)"):  # only the open tab is drawn
        at.session_state["code-tab"] = tab
        at.run()
        shown[tab] = [(r["name"], r["how"], r["line"]) for df in at.dataframe
                      for _, r in df.value.iterrows()]
    assert shown == {"Callers (1)": [("callshapes.(*listener).add", "hand-off through a channel", 14)],
                     "Callees (1)": [("callshapes.(*listener).run", "hand-off through a channel", 22)]}


def test_the_paths_page_draws_a_chain_of_hand_offs(open_page):
    at = open_page("views/deps.py", **{"from": "callshapes.(*listener).add",
                                       "to": "callshapes.(*listener).run"})
    labels = [p.proto.label for p in at.get("page_link")]
    assert sum("hand-off through a channel" in label for label in labels) == 2, labels


def test_a_role_note_walks_a_hand_off_with_both_lines_linked_and_checked(db):
    """A walkthrough step reached through channels names the field and links the send and the
    receive (the alias send `next <- pending` included); the claims hold in the tree."""
    from kubeatlas.graph.knowledge.walkthrough import Step, Walkthrough
    from kubeatlas.graph.notes.claim import parse_claims
    from kubeatlas.graph.notes.role import role_note

    steps = (Step((f"{LISTENER}.add",), "add sends.", "add 发送。"),
             Step((f"{LISTENER}.run",), "run receives.", "run 接收。"))
    walk = Walkthrough("kube-controller-manager", "", "", (("loop", steps),))
    atlas = Atlas(SqliteReader(Path(db)))
    note = role_note(atlas, "role:kube-controller-manager",
                     walkthroughs={"kube-controller-manager": walk}).markdown
    said = [line for line in note.splitlines() if "channel field" in line]
    assert len(said) == 2 and "`addCh`" in said[0] and "`nextCh`" in said[1], said
    assert f"{HANDOFF_GO}:22" in said[1] and f"{HANDOFF_GO}:35" in said[1]
    claims = [c for c in parse_claims(note) if c.kind == "hands-off"]
    assert len(claims) == 2 and check_claims(claims, FIXTURE_TREE) == []
