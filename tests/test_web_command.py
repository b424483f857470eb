"""`kubeatlas web` through the real entry point (streamlit itself is started once, to see what
its server imports before a page is opened), and the
DOT text behind the graph views: planes, edge filters, absent roles, node cap markers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kubeatlas.app import web_command
from kubeatlas.app.cli import main
from kubeatlas.app.web import dot
from kubeatlas.app.web_command import MAIN
from kubeatlas.graph.query.atlas import EdgeRecord, NodeRecord


def test_web_runs_streamlit_on_the_app_with_the_index_in_env(small_tree, tmp_path, monkeypatch,
                                                              capsys):
    db = tmp_path / "index.sqlite"
    assert main(["index", str(small_tree), "--db", str(db), "--jobs", "1", "--json"]) == 0
    seen = {}

    def fake_supervise(cmd, env):
        seen.update(cmd=cmd, env=env)
        return 0

    monkeypatch.setattr(web_command, "supervise", fake_supervise)
    assert main(["web", "--db", str(db), "--port", "8765"]) == 0
    assert seen["cmd"][1:5] == ["-m", "kubeatlas.app.web.server", "run", str(MAIN)]
    assert seen["cmd"][seen["cmd"].index("--server.port") + 1] == "8765"
    assert seen["cmd"][seen["cmd"].index("--server.address") + 1] == "127.0.0.1"  # by default
    assert seen["env"]["KUBEATLAS_DB"] == str(db.resolve())
    assert MAIN.is_file()
    said = capsys.readouterr().err
    assert "warning" not in said
    # Streamlit's welcome (and its agent-skills nudge) is hidden: the address is ours to say
    assert seen["cmd"][seen["cmd"].index("--logger.hideWelcomeMessage") + 1] == "true"
    assert "kubeatlas web: http://127.0.0.1:8765" in said
    assert main(["web", "--db", str(db), "--host", "0.0.0.0"]) == 0  # only asked, not started
    assert seen["cmd"][seen["cmd"].index("--server.address") + 1] == "0.0.0.0"
    assert "warning: serving on 0.0.0.0:8501" in capsys.readouterr().err


def test_web_serves_on_a_first_run_without_asking_anything(small_tree, tmp_path):
    """A fresh machine's first `kubeatlas web` (no ~/.streamlit, stdin closed, not headless, as
    README's first command runs it) serves the app instead of stopping at Streamlit's prompt."""
    pytest.importorskip("streamlit")
    db = tmp_path / "index.sqlite"
    assert main(["index", str(small_tree), "--db", str(db), "--jobs", "1", "--json"]) == 0
    home = tmp_path / "home"
    home.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HOME": str(home), "BROWSER": "true"}  # `true` as the browser
    proc = subprocess.Popen([sys.executable, "-m", "kubeatlas", "web", "--db", str(db), "--port",
                             str(port)], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=2) as answer:
                    assert answer.read() == b"ok"
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                time.sleep(0.5)
        else:
            pytest.fail("kubeatlas web did not serve within 60 s")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_web_without_a_readable_index_is_a_one_line_error(tmp_path, capsys):
    assert main(["web", "--db", str(tmp_path / "missing.sqlite")]) == 2
    assert "no index at" in capsys.readouterr().err
    (tmp_path / "junk.sqlite").write_bytes(b"not a database")
    assert main(["web", "--db", str(tmp_path / "junk.sqlite")]) == 2
    assert "is not a kubeatlas index" in capsys.readouterr().err


# --- DOT --------------------------------------------------------------------------------
def _role(key: str, plane: str, present: bool = True) -> NodeRecord:
    return NodeRecord(f"role:{key}", "Role", key, {"name": key, "plane": plane,
                                                   "present": present})


ROLES = [_role("kube-apiserver", "control"), _role("kubelet", "node"),
         _role("dockershim", "node", present=False), _role("cri", "interface"),
         _role("client-go", "library")]
EDGES = [EdgeRecord("role:kubelet", "role:kube-apiserver", "TALKS_TO", {"protocol": "REST + watch"}),
         EdgeRecord("role:kubelet", "role:cri", "TALKS_TO",
                    {"protocol": "gRPC (CRI) over a unix socket"}),
         EdgeRecord("role:kubelet", "role:client-go", "DEPENDS_ON", {"weight": 40}),
         EdgeRecord("role:kubelet", "role:kube-apiserver", "DEPENDS_ON", {"weight": 3})]


@pytest.mark.parametrize("options, present, absent", [
    (dot.MapOptions(), ['label="REST + watch"', 'label="gRPC (CRI)"', "label=40", "label=3",
                        "subgraph cluster_library", 'style="rounded,dashed"'], []),
    (dot.MapOptions(min_weight=10), ["label=40"], ["label=3"]),
    (dot.MapOptions(talks_to=False), ["label=40"], ["REST + watch"]),
    (dot.MapOptions(planes=("control", "node", "interface")), ["cluster_node"],
     ["client-go", "label=40"]),
])
def test_architecture_dot_filters_edges_and_planes(options, present, absent):
    text = dot.architecture(ROLES, EDGES, options)
    assert text.startswith("digraph architecture {") and text.endswith("}")
    for fragment in present:
        assert fragment in text
    for fragment in absent:
        assert fragment not in text


def test_neighbourhood_caps_nodes_with_an_n_more_marker():
    outgoing = [(f"pkg:x/{i}", f"x/{i}") for i in range(7)]
    text = dot.neighbourhood("pkg:center", "center", outgoing, [("pkg:y", "y")], cap=5)
    assert text.count('"out:pkg:x/') == 10  # 5 nodes, each declared once and linked once
    assert "… 2 more imports" in text
    assert "more:in" not in text


def test_the_server_imports_what_a_first_page_waits_for_before_anyone_opens_one(small_tree,
                                                                                tmp_path):
    """The first page after a start waited 1-1.5 s for pandas, pyarrow and numpy, which
    Streamlit imports at a page's first live text box, table or component: the server that
    `kubeatlas web` runs imports them while it starts, before any page is opened."""
    db = tmp_path / "index.sqlite"
    assert main(["index", str(small_tree), "--db", str(db), "--jobs", "1", "--json"]) == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "KUBEATLAS_DB": str(db)}
    proc = subprocess.Popen(web_command.streamlit_command(port, headless=True), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        loaded = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    pass
                loaded = Path(f"/proc/{proc.pid}/maps").read_text()
                if "pandas/_libs" in loaded and "libarrow" in loaded:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert "pandas/_libs" in loaded and "libarrow" in loaded  # no page was opened
    finally:
        proc.terminate()
        proc.wait(timeout=20)
