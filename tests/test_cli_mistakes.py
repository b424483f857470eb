"""A learner's first mistakes with the real CLI on the fixture tree: each is one line on stderr
that says what to type instead, with a non-zero exit, never a traceback or a silent answer."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys

import pytest
from conftest import FIXTURE_TREE

SCHED_RUN = "method:k8s.io/kubernetes/pkg/scheduler.(*Scheduler).Run"


def kubeatlas(*args: str) -> tuple[int, str, str]:
    """The CLI in a fresh interpreter, as a user runs it."""
    proc = subprocess.run([sys.executable, "-m", "kubeatlas", *args], capture_output=True,
                          text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def one_line_error(err: str) -> str:
    assert "Traceback" not in err, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("args, message", [
    (["notes", "kubelet", "--lang", "fr"], "'fr' is not a language of the notes (en, zh)"),
    (["notes", "--role", "nosuch"], "No such option '--role'"),
    (["stat"], "Did you mean 'stats'?"),
    (["deps", "pkg/kubelet", "--depth", "0"], "0 is not in the range"),
    (["path", "scheduleOne"], "Missing argument 'TO'"),
])
def test_usage_errors_are_one_line_naming_the_help(ktree_db, args, message):
    code, out, err = kubeatlas(*args, "--db", str(ktree_db))
    assert code == 2 and not out, (out, err)
    assert message in one_line_error(err) and "--help`)" in err and "Usage:" not in err


@pytest.mark.parametrize("args, meant", [
    (["path", "Scheduler.Run", "scheduleOne"], "scheduler.(*Scheduler).Run"),
    (["path", "Schedular.Run", "scheduleOne"], "scheduler.(*Scheduler).Run"),
    (["callers", "scheduler.Scheduler.Run"], "scheduler.(*Scheduler).Run"),
    (["path", "scheduler.(*Scheduler).Run", "scheduleOen"], "scheduler.(*Scheduler).scheduleOne"),
    (["kind", "Deploymnt"], "apps/v1.Deployment"),
    (["deps", "pkg/kubelett"], "pkg/kubelet"),
    (["role", "kubelett"], "kubelet"),
    (["callers", "syncpod"], "kubelet.(*Kubelet).SyncPod"),  # in another case: not spelled alike
])
def test_a_misspelled_name_says_what_was_meant_and_that_works(ktree_db, args, meant):
    code, out, err = kubeatlas(*args, "--db", str(ktree_db))
    assert code == 2 and not out, (out, err)
    assert f"did you mean {meant!r}" in one_line_error(err)
    wrong = re.search(r"nothing named '(.+?)' in the index", err).group(1)
    fixed = [meant if a == wrong else a for a in args]
    code, out, err = kubeatlas(*fixed, "--db", str(ktree_db), "--json")
    assert code == 0, (fixed, err)


def test_the_suggested_method_is_the_one_the_path_runs_from(ktree_db):
    import json

    code, out, err = kubeatlas("path", "scheduler.(*Scheduler).Run", "scheduleOne", "--db",
                               str(ktree_db), "--json")
    assert code == 0 and json.loads(out)["from"] == SCHED_RUN, err


def test_nothing_like_it_keeps_the_plain_error(ktree_db):
    code, _, err = kubeatlas("callers", "Zzyzx", "--db", str(ktree_db))
    assert code == 2 and "nothing named 'Zzyzx' in the index" in one_line_error(err)


def test_find_with_no_match_is_one_line_not_an_empty_table(ktree_db):
    code, out, _ = kubeatlas("find", "Scheduler.Run", "--db", str(ktree_db))
    assert code == 1 and out.startswith("no name contains 'Scheduler.Run'") and out.count("\n") == 1
    code, out, _ = kubeatlas("find", "Scheduler.Run", "--db", str(ktree_db), "--json")
    assert code == 0 and out.strip() == "[]"  # scripts get the empty list


@pytest.fixture
def old_index(ktree_db, tmp_path):
    """The fixture tree's index as an older kubeatlas left it: its recorded versions are
    those of an analyzer and a graph from before this one."""
    from kubeatlas.analyzer.cache import ANALYZER_VERSION
    from kubeatlas.graph.index.version import GRAPH_VERSION

    path = tmp_path / "old.sqlite"
    shutil.copy(ktree_db, path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'analyzer_version'",
                     (str(ANALYZER_VERSION - 1),))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'graph_version'",
                     (str(GRAPH_VERSION - 3),))
    conn.close()
    return path


@pytest.mark.parametrize("args", [["stats"], ["callers", "SyncPod"], ["notes", "kubelet"],
                                  ["role", "kubelet", "--json"]])
def test_an_index_of_an_older_kubeatlas_is_refused_with_the_command_that_rebuilds_it(
        old_index, args):
    code, out, err = kubeatlas(*args, "--db", str(old_index))
    assert code == 2 and not out, (out, err)
    assert "was built by an older kubeatlas" in one_line_error(err)
    assert f"kubeatlas index {FIXTURE_TREE} --db {old_index}" in err


def test_re_indexing_an_older_index_makes_it_answer(old_index):
    assert kubeatlas("index", str(FIXTURE_TREE), "--db", str(old_index), "--jobs", "1")[0] == 0
    code, out, err = kubeatlas("callers", "kubelet.(*Kubelet).SyncPod", "--db", str(old_index))
    assert code == 0 and "callers of method:k8s.io/kubernetes/pkg/kubelet.(*Kubelet).SyncPod" in out, err


def test_web_refuses_an_older_index_before_it_starts(old_index):
    """The explorer served an older index without a word, its pages as silently wrong as the
    commands' answers were."""
    code, out, err = kubeatlas("web", "--db", str(old_index), "--headless", "--port", "1")
    assert code == 2 and not out and "was built by an older kubeatlas" in one_line_error(err)


def test_diff_refuses_an_older_index_too(old_index, ktree_db):
    code, _, err = kubeatlas("diff", str(old_index), str(ktree_db))
    assert code == 2 and "older kubeatlas" in one_line_error(err)


@pytest.mark.parametrize("subject, meant", [("kubelett", "kubelet"),
                                            ("kube-schedular", "kube-scheduler"),
                                            ("podflow", "pod-flow")])
def test_notes_on_an_unknown_subject_name_the_closest_and_the_flows(ktree_db, subject, meant):
    code, out, err = kubeatlas("notes", subject, "--db", str(ktree_db))
    assert code == 2 and not out
    assert f"no role or flow named {subject!r} (did you mean {meant}" in one_line_error(err)
    assert "flows: deployment-flow, pod-flow" in err and "kubeatlas find" not in err


def test_notes_check_of_a_missing_saved_note_says_so(ktree_db, tmp_path):
    missing = tmp_path / "kubelet.md"
    code, _, err = kubeatlas("notes", str(missing), "--check", "--db", str(ktree_db))
    assert code == 2 and f"no saved note at {missing}" in one_line_error(err)
    code, _, err = kubeatlas("notes", str(missing), "--db", str(ktree_db))
    assert code == 2 and "re-check it with `--check`" in one_line_error(err)


@pytest.mark.parametrize("lang", ["zh", "ZH", "zh-CN", "zh_Hans"])
def test_notes_take_chinese_as_the_web_does(ktree_db, lang):
    code, out, err = kubeatlas("notes", "kubelet", "--lang", lang, "--db", str(ktree_db))
    assert code == 0, err
    assert out.startswith("# kubelet —— 工作原理")


def test_chains_say_their_hops_in_words(ktree_db):
    code, out, err = kubeatlas("path", "kubelet", "cri", "--db", str(ktree_db))
    assert code == 0, err
    assert out.startswith("1 hop ") and ("depends on" in out or "talks to" in out)
    assert "depends_on" not in out and "talks_to" not in out


def test_stats_reads_as_words_not_python(ktree_db):
    code, out, err = kubeatlas("stats", "--db", str(ktree_db))
    assert code == 0, err
    assert "{'" not in out and "resolved_share_pct " in out
    assert "4 problems (kubeatlas stats --problems lists them)" in out


@pytest.mark.parametrize("env, value, args", [
    ("KUBEATLAS_JOBS", "abc", ["index", str(FIXTURE_TREE)]),
    ("KUBEATLAS_JOBS", "-2", ["index", str(FIXTURE_TREE)]),
    ("KUBEATLAS_MAX_FILE_MB", "8MB", ["index", str(FIXTURE_TREE)]),
    ("KUBEATLAS_QUERY_MS", "2s", ["sql", "SELECT 1"]),
    ("KUBEATLAS_MAX_ROWS", "-5", ["sql", "SELECT 1"]),
])
def test_a_numeric_setting_that_is_no_number_names_the_variable(ktree_db, tmp_path, monkeypatch,
                                                                env, value, args):
    monkeypatch.setenv(env, value)
    db = tmp_path / "new.sqlite" if args[0] == "index" else ktree_db
    code, out, err = kubeatlas(*args, "--db", str(db))
    assert code == 2 and not out, (out, err)
    assert f"{env}={value!r} is not" in one_line_error(err) and "unset it for the default" in err
    assert not (tmp_path / "new.sqlite").exists()


@pytest.mark.parametrize("args", [["find", "Run", "--limit", "0"], ["find", "Run", "--limit", "-1"],
                                  ["index", str(FIXTURE_TREE), "--jobs", "-1"]])
def test_counts_below_their_range_are_refused(ktree_db, args):
    code, out, err = kubeatlas(*args, "--db", str(ktree_db))
    assert code == 2 and not out and "is not in the range" in one_line_error(err)


def test_an_output_path_that_cannot_be_written_is_one_line(ktree_db, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    code, _, err = kubeatlas("notes", "--all", "--out", str(a_file), "--db", str(ktree_db))
    assert code == 2 and "is a file; --all writes a directory" in one_line_error(err)
    code, _, err = kubeatlas("export", "--format", "csv", str(a_file), "--db", str(ktree_db))
    assert code == 2 and f"{a_file}: File exists" in one_line_error(err)
    beside_a_file = a_file / "kubelet.md"  # its parent is a file: no directory can be made
    code, _, err = kubeatlas("notes", "kubelet", "--out", str(beside_a_file), "--db", str(ktree_db))
    assert code == 2 and str(a_file) in one_line_error(err)
    assert a_file.read_text() == "mine"


@pytest.mark.parametrize("args", [[], ["mini"], ["neo4j"]])
def test_a_command_group_alone_shows_its_help(args):
    code, out, err = kubeatlas(*args)
    assert code == 0 and not err, err
    assert out.startswith(f"Usage: kubeatlas {' '.join(args)}".rstrip() + " [OPTIONS] COMMAND")
    assert "Commands:" in out


def test_deps_lists_the_trees_packages_before_the_standard_library(ktree_db):
    code, out, err = kubeatlas("deps", "pkg/kubelet", "--db", str(ktree_db))
    assert code == 0, err
    ids = [c.strip() for ln in out.splitlines() if ln.startswith("│")
           for c in [ln.split("│")[2]]]
    kinds = ["tree" if i.startswith("pkg:") else "std" if "." not in i[4:].split("/")[0]
             else "module" for i in ids]
    assert "tree" in kinds and "std" in kinds, ids
    assert kinds == sorted(kinds, key=["tree", "module", "std"].index), ids


def test_callers_say_in_which_file_each_call_is(ktree_db):
    """`line 30` alone sent the learner looking for the caller's file; `pod_workers.go:30` is
    where the call is, and the file holds it there."""
    import json

    from kubeatlas.graph.store.sqlite.reader import SqliteReader

    sync_pod = "kubelet.(*Kubelet).SyncPod"
    code, out, err = kubeatlas("callers", sync_pod, "--db", str(ktree_db), "--json")
    assert code == 0, err
    edges = [e for e in json.loads(out)["callers"] if e.get("line")]
    code, out, err = kubeatlas("callers", sync_pod, "--db", str(ktree_db))
    assert code == 0 and len(edges) >= 2 and "┃ at " in out, (err, out)
    nodes = SqliteReader(ktree_db).get_nodes([e["source"] for e in edges])
    for edge in edges:
        file = nodes[edge["source"]].attrs["file"]
        assert f"{file.rsplit('/', 1)[-1]}:{edge['line']}" in out, out
        cited = (FIXTURE_TREE / file).read_text().splitlines()[edge["line"] - 1]
        assert "syncpod" in cited.lower(), cited  # the call, or the value passed


def test_what_the_cli_says_on_stderr_is_one_line_however_long(tmp_path, monkeypatch):
    cache = tmp_path / ("a-long-cache-directory-name-" * 4)
    monkeypatch.setenv("KUBEATLAS_CACHE", str(cache))
    code, _, err = kubeatlas("index", "--clone", f"file://{tmp_path}/no-such-repository",
                             "--ref", "v1.28.7", "--db", str(tmp_path / "x.sqlite"))
    assert code == 2 and "Traceback" not in err
    said = err.splitlines()
    assert said[0] == (f"cloning file://{tmp_path}/no-such-repository at v1.28.7 into "
                       f"{cache / 'src' / 'v1.28.7'} …"), said
    assert len(said) == 2 and said[1] == (  # git's reason, not gitpython's wrapping of it
        f"error: cannot clone file://{tmp_path}/no-such-repository at 'v1.28.7': fatal: "
        f"'{tmp_path}/no-such-repository' does not appear to be a git repository"), said
    assert not (cache / "src" / "v1.28.7").exists()  # a failed clone leaves nothing


@pytest.mark.parametrize("args, said", [
    (["callers", "Run", "--role", "kube-schedular"],
     "no role 'kube-schedular' in the index; did you mean 'kube-scheduler'?"),
    (["role", "kube-schedular"], "did you mean 'kube-scheduler'?"),
    (["path", "kublet", "cri"], "did you mean 'kubelet'"),
])
def test_a_misspelled_role_names_the_role(ktree_db, args, said):
    code, out, err = kubeatlas(*args, "--db", str(ktree_db))
    assert code == 2 and not out and said in one_line_error(err)


def test_ctrl_c_in_the_middle_of_an_index_keeps_the_previous_one(ktree_db, k8s_root, tmp_path):
    """A real SIGINT to the command's process group (what Ctrl-C sends) while the real tree
    is being indexed over an existing index: exit 130, one line, the old file byte for byte,
    no worker left behind."""
    import hashlib
    import os
    import signal
    import time

    db = tmp_path / "index.sqlite"
    shutil.copy(ktree_db, db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    proc = subprocess.Popen([sys.executable, "-m", "kubeatlas", "index", str(k8s_root), "--db",
                             str(db), "--jobs", "2", "--force"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(4)  # scanning: the workers are running
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert err == "error: interrupted; the previous index is untouched\n", err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # the whole group is gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.sqlite", "index.sqlite.facts"] or \
        sorted(p.name for p in tmp_path.iterdir()) == ["index.sqlite"]


def test_a_roles_card_lists_its_packages_nearest_the_top_of_the_tree_first(ktree_db):
    """`role kube-apiserver` opened with k8s.io/apiserver's registry packages (alphabetical
    ids), `role kubelet` on v1.28.7 with k8s.io/kubelet's API types; the learner's way in is
    the binary's and the component's own directory."""
    code, out, err = kubeatlas("role", "kube-apiserver", "--db", str(ktree_db))
    assert code == 0, err
    listed = [ln.strip("│ ").strip() for ln in out.split("┃ package")[1].split("└")[0].splitlines()
              if ln.startswith("│")]
    assert listed[0] == "pkg:k8s.io/kubernetes/cmd/kube-apiserver", listed
    assert listed.index("pkg:k8s.io/apiserver/pkg/server") < listed.index(
        "pkg:k8s.io/apiserver/pkg/registry/rest"), listed  # then by depth of directory


def test_a_caller_through_an_interface_says_which_method_it_calls(ktree_db):
    """kubelet's SyncPod calls container.Runtime.SyncPod, which kuberuntime's implements: the
    table said only 'interface', so the caller read as calling kuberuntime directly."""
    code, out, err = kubeatlas("callers", "kuberuntime.(*kubeGenericRuntimeManager).SyncPod",
                               "--db", str(ktree_db))
    assert code == 0, err
    row = next(ln for ln in out.splitlines() if "kubelet.(*Kubelet).SyncPod" in ln)
    assert "interface, of container.(Runtime).SyncPod" in row, out


def test_find_production_fills_its_limit_and_says_when_there_are_more(ktree_db):
    """`find Test --production --limit 3` gave 1 of the 3 production matches (the store's
    first three were test functions, dropped after the limit); and `50 matches` read as all
    of them when the limit had cut the list."""
    import json

    def found(*args):
        code, out, err = kubeatlas("find", *args, "--db", str(ktree_db))
        assert code == 0, err
        return out

    everything = json.loads(found("Test", "--production", "--limit", "1000", "--json"))
    assert len(everything) >= 3 and all(not h.get("test_helper") for h in everything)
    assert len(json.loads(found("Test", "--production", "--limit", "3", "--json"))) == 3
    assert found("Pod", "--limit", "3").startswith("the first 3 matches for 'Pod' (--limit N for more)")
    total = len(json.loads(found("Pod", "--limit", "1000", "--json")))
    assert found("Pod", "--limit", str(total)).startswith(f"{total} matches for 'Pod'")


@pytest.mark.parametrize("args, said", [
    (["callers", "kubelet"], "'kubelet' names role:kubelet, not a function or method"),
    (["callees", "pkg/kubelet"], "'pkg/kubelet' names pkg:k8s.io/kubernetes/pkg/kubelet, not a "
                                 "function or method"),
])
def test_a_name_of_another_kind_says_what_it_names(ktree_db, args, said):
    """`callers kubelet` names the role it found (before: "nothing named 'kubelet' in the
    index", which a learner who sees the kubelet everywhere cannot believe)."""
    code, out, err = kubeatlas(*args, "--db", str(ktree_db))
    assert code == 2 and not out, (out, err)
    assert one_line_error(err) == f"error: {said}\n"
