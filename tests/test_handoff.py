"""HANDS_OFF: a send on a channel field (an add to a work queue in a field, a signal of a
condition variable in a field) joined to each function that receives from (takes from, waits
on) it, on the fixture tree's listener, controllers and wait queues."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURE_TREE

from kubeatlas.analyzer.extract import extract_facts
from kubeatlas.analyzer.goparse import GoParser
from kubeatlas.analyzer.model import PASS, RECEIVE, SEND, YIELD, ChannelOp, SourceFile
from kubeatlas.app.cli import main
from kubeatlas.graph.notes.verify import check_claims
from kubeatlas.graph.notes.walk import find_chain
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.chains import how
from kubeatlas.graph.store.sqlite.reader import SqliteReader

SHAPES = "k8s.io/kubernetes/pkg/controller/callshapes"
LISTENER = f"method:{SHAPES}.(*listener)"
HANDOFF_GO = "pkg/controller/callshapes/handoff.go"
COND_GO = "pkg/controller/callshapes/cond.go"
QUEUE = f"method:{SHAPES}.(*waitQueue)"
ITERATION = f"method:{SHAPES}.(*agent).iteration"
RELAY = f"func:{SHAPES}.relayUpdates"
ROUTES_GO = "pkg/controller/callshapes/routes.go"


@pytest.fixture(scope="module")
def db(ktree_db) -> str:
    return str(ktree_db)


def run_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_extraction_reads_sends_receives_and_the_locals_they_use():
    """`next <- pending` uses the local `next = l.nextCh`, `ch <- …` the local `ch := l.signal`;
    relay's channels are parameters, kept for what its callers pass (none do); a range over a
    slice field stays an operation until the resolution reads the field's type."""
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
        ChannelOp("relay", "in", 58, RECEIVE),
        ChannelOp("relay", "out", 59, SEND),
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
        # a sync.Cond held by value: push (Broadcast) and shut (Signal) wake pop (Wait) ...
        (f"{QUEUE}.push", f"{QUEUE}.pop"): ("cond", "cond", 25, 42),
        (f"{QUEUE}.shut", f"{QUEUE}.pop"): ("cond", "cond", 32, 42),
        # ... and by pointer; doorbell's Signal and Wait are its own methods: no edge
        (f"method:{SHAPES}.(*condByPointer).wake", f"method:{SHAPES}.(*condByPointer).sleep"):
            ("cond", "cond", 58, 62),
        # channels reached through getters and parameters (routes.go): the sync loop's
        # iteration takes what relist, process, set, merge and publish send; relayUpdates what
        # merge and publish send, given the field itself
        (f"method:{SHAPES}.(*genericGenerator).relist", ITERATION): ("channel", "eventChannel", 25, 106),
        (f"method:{SHAPES}.(*eventedGenerator).process", ITERATION): ("channel", "events", 36, 106),
        (f"method:{SHAPES}.(*probeResults).set", ITERATION): ("channel", "updates", 54, 108),
        (f"method:{SHAPES}.(*podConfig).merge", ITERATION): ("channel", "updates", 62, 104),
        (f"func:{SHAPES}.publish", ITERATION): ("channel", "updates", 76, 104),
        (f"method:{SHAPES}.(*podConfig).merge", RELAY): ("channel", "updates", 62, 68),
        (f"func:{SHAPES}.publish", RELAY): ("channel", "updates", 76, 68),
        # podStore.updates and sourceConfig.updates hold the channel newSourceConfig made:
        # merge's send reaches the iteration started with sourceConfig's Updates()
        (f"method:{SHAPES}.(*podStore).merge", ITERATION): ("channel", "updates", 148, 104),
        # handed through the bootstrap interface's one implementation
        (f"method:{SHAPES}.(*jobQueue).submit", f"method:{SHAPES}.(*server).serve"):
            ("channel", "jobs", 188, 177),
        # a channel pullAll makes and stores in no field: the key is the channel itself
        (f"func:{SHAPES}.pullOne", f"func:{SHAPES}.pullAll"): ("channel", "pullAll#results", 208, 217),
        # what a source is given is the config's Channel(source): the channel the mux's
        # ChannelFor makes and listens on, returned through two methods
        (f"func:{SHAPES}.watchSource", f"method:{SHAPES}.(*sourceMux).listen"):
            ("channel", "ChannelFor#fresh", 257, 243),
        # a source that keeps what it is given in a field: the field holds that same channel
        (f"method:{SHAPES}.(*fileSource).run", f"method:{SHAPES}.(*sourceMux).listen"):
            ("channel", "updates", 279, 243),
        # watchFiles sends on what it is given: ChannelFor's channel, or its test's; the test's
        # is held by the same field, yet watchSource's send on ChannelFor's reaches no test
        (f"func:{SHAPES}.watchFiles", f"method:{SHAPES}.(*sourceMux).listen"):
            ("channel", "ChannelFor#fresh", 275, 243),
        (f"func:{SHAPES}.watchFiles", f"func:{SHAPES}.TestWatchFiles"):
            ("channel", "TestWatchFiles#ch", 275, 11),
        (f"method:{SHAPES}.(*fileSource).run", f"func:{SHAPES}.TestWatchFiles"):
            ("channel", "updates", 279, 11),
        # urlSource.updates holds ChannelFor's channel too (one key with fileSource.updates),
        # but never the test's: its send reaches listen, and no test
        (f"method:{SHAPES}.(*urlSource).run", f"method:{SHAPES}.(*sourceMux).listen"):
            ("channel", "updates", 292, 243),
    }


def test_extraction_reads_getters_and_the_channels_handed_to_calls():
    """A getter's field (YIELD), a channel parameter's operations, a receive straight from a
    getter's call, and what is handed to calls: a channel parameter, a local assigned from a
    getter's call, a channel the function made, a getter's call handed straight to a
    goroutine's function; a field handed as it is stays a value reference (read in the
    resolution)."""
    content = (FIXTURE_TREE / ROUTES_GO).read_bytes()
    facts = extract_facts(GoParser(), SourceFile(ROUTES_GO, SHAPES, "k8s.io/kubernetes", False),
                          content)
    ops = set(facts.channels)
    assert {op for op in ops if op.op == YIELD} == {
        ChannelOp("(*genericGenerator).Watch", "g.eventChannel", 21, YIELD),
        ChannelOp("(*eventedGenerator).Watch", "e.events", 32, YIELD),
        ChannelOp("(*probeResults).Updates", "r.updates", 52, YIELD),
        ChannelOp("(*podConfig).Updates", "c.updates", 60, YIELD),
        *(ChannelOp(f"(*stream{x}).Results", "s.c", line, YIELD)
          for x, line in zip("ABCD", range(125, 129), strict=True)),
        ChannelOp("(*sourceConfig).Updates", "c.updates", 161, YIELD),
        ChannelOp("(*jobQueue).Jobs", "q.jobs", 186, YIELD),
        # methods declared to return a channel: the one it makes (not the map's), a method's
        ChannelOp("(*sourceMux).ChannelFor", "fresh", 239, YIELD),
        ChannelOp("(*muxConfig).Channel", "c.mux.ChannelFor()", 253, YIELD),
    }
    assert {op for op in ops if op.op == PASS} == {
        ChannelOp("startAgent", "a.config.Updates()", 89, PASS, "a.run", 0),
        ChannelOp("(*agent).run", "updates", 93, PASS, "a.syncLoop", 0),
        ChannelOp("(*agent).syncLoop", "updates", 98, PASS, "a.iteration", 0),
        ChannelOp("(*agent).syncLoop", "a.pleg.Watch()", 98, PASS, "a.iteration", 1),
        ChannelOp("newSourceConfig", "updates", 157, PASS, "newPodStore", 0),  # made here
        ChannelOp("startConfigured", "c.Updates()", 164, PASS, "a.run", 0),  # to a goroutine
        ChannelOp("startServer", "q.Jobs()", 191, PASS, "b.serve", 0),
        ChannelOp("pullAll", "results", 214, PASS, "pullOne", 1),  # made here, in no field
        ChannelOp("(*sourceMux).ChannelFor", "fresh", 238, PASS, "m.listen", 0),
        # a method's result, with arguments, handed to a function called as a statement
        ChannelOp("startSources", "c.Channel()", 262, PASS, "watchSource", 1),
        ChannelOp("startSources", "c.Channel()", 263, PASS, "watchFiles", 0),
        ChannelOp("startURLSource", "c.Channel()", 295, PASS, "watchURL", 0),
    }
    assert {op for op in ops if op.caller == "(*agent).iteration"} == {
        ChannelOp("(*agent).iteration", "configCh", 104, RECEIVE),
        ChannelOp("(*agent).iteration", "plegCh", 106, RECEIVE),
        ChannelOp("(*agent).iteration", "a.liveness.Updates()", 108, RECEIVE),
    }
    assert ChannelOp("publish", "out", 76, SEND) in ops
    assert any(c.callee_expr == "c.updates" and c.call == "relayUpdates" and c.value
               for c in facts.calls)


def test_routed_hand_offs_name_their_getter_or_parameter(db, capsys):
    """The edge keeps the route of a routed end; callers says it; a route through an
    interface with four getter implementations names no one channel: drain takes nothing."""
    conn = sqlite3.connect(db)
    routes = {(s, t): (json.loads(a).get("given_through"), json.loads(a).get("taken_through"))
              for s, t, a in conn.execute(
                  "SELECT source, target, attrs FROM edges WHERE kind = 'HANDS_OFF'")}
    conn.close()
    assert routes[(f"method:{SHAPES}.(*genericGenerator).relist", ITERATION)] == (
        None, f"{ITERATION}@2:plegCh")
    conn = sqlite3.connect(db)
    relist = {json.loads(a).get("field"): json.loads(a).get("taken_field") for a, in conn.execute(
        "SELECT attrs FROM edges WHERE kind = 'HANDS_OFF' AND source = ? AND target = ?",
        (f"method:{SHAPES}.(*genericGenerator).relist", ITERATION))}
    conn.close()  # plegCh reaches relist's own field (and the evented one, one channel with it)
    assert relist == {f"{SHAPES}.genericGenerator.eventChannel": None}
    assert routes[(f"method:{SHAPES}.(*probeResults).set", ITERATION)] == (
        None, f"returns:method:{SHAPES}.(resultsManager).Updates")
    assert routes[(f"func:{SHAPES}.publish", RELAY)] == (f"func:{SHAPES}.publish@0:out",
                                                         f"{RELAY}@0:in")
    assert not any(f"func:{SHAPES}.drain" in pair for pair in routes)
    conn = sqlite3.connect(db)
    (merged,) = [json.loads(a) for (a,) in conn.execute(
        "SELECT attrs FROM edges WHERE kind = 'HANDS_OFF' AND source = ?",
        (f"method:{SHAPES}.(*podStore).merge",))]
    conn.close()  # the giver's field is named, and the taker's: one channel, two fields
    assert (merged["field"], merged["taken_field"]) == (f"{SHAPES}.podStore.updates",
                                                        f"{SHAPES}.sourceConfig.updates")
    capsys.readouterr()
    assert main(["callers", "callshapes.(*agent).iteration", "--db", db]) == 0
    said = capsys.readouterr().out
    assert "channel (field eventChannel, taken through plegCh)" in said, said
    assert "taken through Updates()" in said, said
    assert "given through out, taken through configCh" in said, said
    edge = Atlas(SqliteReader(Path(db))).reader.edges_from([f"func:{SHAPES}.publish"], ["HANDS_OFF"])
    assert sorted(how(e.kind, e.attrs) for e in edge) == [  # the paths page's words
        "hand-off through a channel (given through out, taken through configCh)",
        "hand-off through a channel (given through out, taken through in)"]


def test_path_says_the_route_of_a_routed_hand_off(db, capsys):
    found = run_json(capsys, "path", "callshapes.(*genericGenerator).relist",
                     "callshapes.(*agent).iteration", "--db", db)
    assert found["hops"][1] == {"id": ITERATION, "kind": "hand-off", "via": "channel",
                                "through": "taken through plegCh"}
    capsys.readouterr()
    assert main(["path", "callshapes.(*jobQueue).submit", "callshapes.(*server).serve",
                 "--db", db]) == 0
    assert "hands off to (through a channel, taken through jobs)" in capsys.readouterr().out


def test_a_routed_hand_off_in_a_note_is_checked_by_its_route(db):
    """The note's claim names the route; the check finds the parameter at the take, and
    fails when the take does not name it."""
    atlas = Atlas(SqliteReader(Path(db)))
    hops = find_chain(atlas, f"method:{SHAPES}.(*genericGenerator).relist", ITERATION)
    assert hops is not None and [h.kind for h in hops] == ["hands-off"]
    claim = hops[0].claim
    assert claim.through == "field=eventChannel take=plegCh"
    assert check_claims([claim], FIXTURE_TREE) == []
    assert check_claims([replace(claim, through="field=eventChannel take=configCh")], FIXTURE_TREE)
    assert check_claims([replace(claim, through="field=events take=plegCh"),
                         replace(claim, through="field=eventChannel give=out")], FIXTURE_TREE)


def test_a_condition_variable_hand_off_is_followed_and_said(db, capsys):
    found = run_json(capsys, "path", "callshapes.(*waitQueue).push", "callshapes.(*waitQueue).pop",
                     "--db", db)
    assert found["hops"][1:] == [{"id": f"{QUEUE}.pop", "kind": "hand-off", "via": "cond"}]
    capsys.readouterr()
    assert main(["path", "callshapes.(*waitQueue).push", "callshapes.(*waitQueue).pop",
                 "--db", db]) == 0
    assert "waking what waits on a condition variable" in capsys.readouterr().out
    rows = run_json(capsys, "callers", "callshapes.(*waitQueue).pop", "--db", db)["callers"]
    assert sorted((r["source"], r["hop"], r["via"]) for r in rows) == [
        (f"func:{SHAPES}.consume", "call", "method"),
        (f"{QUEUE}.push", "hand-off", "cond"), (f"{QUEUE}.shut", "hand-off", "cond")]
    assert main(["callers", "callshapes.(*doorbell).listen", "--json", "--db", db]) == 0
    assert "HANDS_OFF" not in capsys.readouterr().out


def test_path_shows_where_a_producer_and_a_pulling_consumer_meet(db, capsys):
    """produce pushes, consume calls pop: no chain from one to the other, so path shows pop,
    where they meet; a pair with neither chain nor meeting still fails."""
    found = run_json(capsys, "path", "callshapes.produce", "callshapes.consume", "--db", db)
    assert found["chain"] is None
    assert found["meeting"] == {
        "at": f"{QUEUE}.pop",
        "given": [{"id": f"func:{SHAPES}.produce", "kind": "start", "via": ""},
                  {"id": f"{QUEUE}.push", "kind": "call", "via": "method"},
                  {"id": f"{QUEUE}.pop", "kind": "hand-off", "via": "cond"}],
        "taken": [{"id": f"func:{SHAPES}.consume", "kind": "start", "via": ""},
                  {"id": f"{QUEUE}.pop", "kind": "call", "via": "method"}]}
    capsys.readouterr()
    assert main(["path", "callshapes.produce", "callshapes.consume", "--db", db]) == 0
    said = capsys.readouterr().out
    assert "they meet at" in said and "given: 2 hops" in said and "taken: 1 hop " in said, said
    from kubeatlas.graph.query.meeting import meeting
    reader = SqliteReader(Path(db))  # only functions and methods hand off and take
    assert meeting(reader, f"pkg:{SHAPES}", f"func:{SHAPES}.consume") is None
    assert meeting(reader, f"func:{SHAPES}.produce", f"func:{SHAPES}.consume") is not None
    with pytest.raises(SystemExit) as stop:  # pop reaches neither back: no chain, no meeting
        main(["path", "callshapes.(*waitQueue).pop", "callshapes.produce", "--db", db])
    assert stop.value.code == 1
    assert "no chain from" in capsys.readouterr().out


def test_the_check_holds_a_condition_variable_claim_to_its_signal_and_wait(db):
    atlas = Atlas(SqliteReader(Path(db)))
    hops = find_chain(atlas, f"{QUEUE}.shut", f"{QUEUE}.pop")
    assert hops is not None and [h.kind for h in hops] == ["hands-off"] and hops[0].via == "cond"
    claim = hops[0].claim
    assert (claim.path, claim.line, claim.object_path, claim.object_line) == (
        COND_GO, 32, COND_GO, 42)
    assert check_claims([claim], FIXTURE_TREE) == []
    for wrong in (replace(claim, line=31),  # `q.closed = true`: no signal there
                  replace(claim, object_line=40),  # `if q.closed {`: no wait there
                  replace(claim, object_path=COND_GO, object_line=62)):  # another type's cond
        assert check_claims([wrong], FIXTURE_TREE) != [], wrong


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


def test_the_paths_page_shows_where_a_producer_and_a_pulling_consumer_meet(open_page):
    at = open_page("views/deps.py", **{"from": "callshapes.produce", "to": "callshapes.consume"})
    said = " ".join(i.value for i in at.info)
    assert "they meet at `callshapes.(*waitQueue).pop`" in said, said
    labels = [p.proto.label for p in at.get("page_link")]
    assert sum("hand-off through a condition variable" in label for label in labels) == 1, labels
    assert not at.warning


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


def test_a_role_note_says_a_condition_variable_wakes_the_waiter(db):
    from kubeatlas.graph.knowledge.walkthrough import Step, Walkthrough
    from kubeatlas.graph.notes.claim import parse_claims
    from kubeatlas.graph.notes.role import role_note

    steps = (Step((f"{QUEUE}.push",), "push adds.", "push 添加。"),
             Step((f"{QUEUE}.pop",), "pop takes.", "pop 取出。"))
    walk = Walkthrough("kube-scheduler", "", "", (("loop", steps),))
    atlas = Atlas(SqliteReader(Path(db)))
    for lang, words in (("en", "signals the condition variable `cond`"), ("zh", "通知条件变量 `cond`")):
        note = role_note(atlas, "role:kube-scheduler", lang=lang,
                         walkthroughs={"kube-scheduler": walk}).markdown
        said = [line for line in note.splitlines() if words in line]
        assert len(said) == 1 and f"{COND_GO}:25" in said[0] and f"{COND_GO}:42" in said[0], note
        assert (": `cond`" if lang == "en" else "：`cond`") in said[0], said  # no space in Chinese
        claims = [c for c in parse_claims(note) if c.kind == "hands-off"]
        assert len(claims) == 1 and check_claims(claims, FIXTURE_TREE) == []


def test_a_flow_step_that_pulls_says_what_it_takes_from_the_step_above(db, tmp_path, monkeypatch):
    """A flow whose second step starts at a consumer (consume) that calls pop, which the first
    step's producer wakes: the step's first anchor says where the two meet and walks the
    producer's chain to the hand-off; every claim holds in the tree."""
    from kubeatlas.graph.notes import flow
    from kubeatlas.graph.notes.claim import parse_claims

    spec = tmp_path / "flows.yaml"
    spec.write_text(f"""
flows:
  - id: queue-flow
    title: {{en: a queue, zh: 队列}}
    steps:
      - role: kube-scheduler
        title: {{en: produce, zh: 生产}}
        text: {{en: produce pushes., zh: produce 放入。}}
        anchors: [["func:{SHAPES}.produce"]]
      - role: kube-scheduler
        title: {{en: consume, zh: 消费}}
        text: {{en: consume pops., zh: consume 取出。}}
        anchors: [["func:{SHAPES}.consume"], ["{QUEUE}.pop"]]
""")
    flows = flow.load_flows(spec)
    monkeypatch.setattr(flow, "load_flows", lambda: flows)
    atlas = Atlas(SqliteReader(Path(db)))
    for lang, said in (("en", "takes what `callshapes.produce` above hands off: the two meet at "
                              "`callshapes.(*waitQueue).pop`"),
                       ("zh", "取走上面的 `callshapes.produce` 交出的数据")):
        note = flow.flow_note(atlas, "queue-flow", lang).markdown
        lines = note.splitlines()
        first = next(n for n, line in enumerate(lines) if line.startswith("- `callshapes.consume`"))
        assert said in lines[first], lines[first]
        assert "`callshapes.produce`" in lines[first + 1] and f"{COND_GO}:25" in lines[first + 2]
        claims = [c for c in parse_claims(note) if c.kind in ("calls", "hands-off")]
        assert {c.kind for c in claims} == {"calls", "hands-off"}
        assert check_claims(claims, FIXTURE_TREE) == []


def test_a_channel_made_in_no_field_is_named_by_its_maker(db, capsys):
    """pullAll makes results and keeps it in no field: callers, path and a note say the channel
    pullAll made, and the note's claim holds by the ends' names (results at both)."""
    from kubeatlas.graph.knowledge.walkthrough import Step, Walkthrough
    from kubeatlas.graph.notes.claim import parse_claims
    from kubeatlas.graph.notes.role import role_note

    rows = run_json(capsys, "callers", "callshapes.pullAll", "--db", db)["callers"]
    assert [(r["source"], r["hop"]) for r in rows] == [(f"func:{SHAPES}.pullOne", "hand-off")]
    capsys.readouterr()
    assert main(["callers", "callshapes.pullAll", "--db", db]) == 0
    assert "channel (channel results made in pullAll, given through results)" in (
        capsys.readouterr().out)
    found = run_json(capsys, "path", "callshapes.pullOne", "callshapes.pullAll", "--db", db)
    assert found["hops"][1]["through"] == "made in pullAll, given through results"
    steps = (Step((f"func:{SHAPES}.pullOne",), "pullOne sends.", "pullOne 发送。"),
             Step((f"func:{SHAPES}.pullAll",), "pullAll receives.", "pullAll 接收。"))
    walk = Walkthrough("kubelet", "", "", (("loop", steps),))
    atlas = Atlas(SqliteReader(Path(db)))
    for lang, words in (("en", "sends on the channel `results` that `pullAll` makes"),
                        ("zh", "向 `pullAll` 创建的 channel `results` 发送")):
        note = role_note(atlas, "role:kubelet", lang=lang, walkthroughs={"kubelet": walk}).markdown
        said = [line for line in note.splitlines() if words in line]
        assert len(said) == 1 and f"{ROUTES_GO}:208" in said[0] and f"{ROUTES_GO}:217" in said[0], note
        (claim,) = [c for c in parse_claims(note) if c.kind == "hands-off"]
        assert check_claims([claim], FIXTURE_TREE) == []
        assert check_claims([replace(claim, through=claim.through.replace("take=results",
                                                                          "take=pulled"))],
                            FIXTURE_TREE)


def test_a_field_that_holds_a_returned_made_channel_says_what_the_taker_receives(db, capsys):
    """startSources hands watchSource what the config's Channel returns: the channel the mux's
    ChannelFor makes and listen receives from. fileSource keeps it in a field: callers and
    path say listen takes it as the channel ChannelFor made."""
    listen = "callshapes.(*sourceMux).listen"
    rows = run_json(capsys, "callers", listen, "--db", db)["callers"]
    assert {(r["source"], r["hop"]) for r in rows} >= {
        (f"func:{SHAPES}.watchSource", "hand-off"), (f"method:{SHAPES}.(*fileSource).run", "hand-off"),
        (f"method:{SHAPES}.(*urlSource).run", "hand-off")}
    capsys.readouterr()
    assert main(["callers", listen, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "channel (channel fresh made in ChannelFor, given through updates, taken through" in out
    assert "channel (field updates, taken through updates (fresh made in ChannelFor))" in out
    found = run_json(capsys, "path", "callshapes.(*urlSource).run", listen, "--db", db)
    assert found["hops"][1]["through"] == "taken through updates (fresh made in ChannelFor)"
    found = run_json(capsys, "path", "callshapes.startSources", listen, "--db", db)
    assert [h["kind"] for h in found["hops"][1:]] == ["call", "hand-off"]
