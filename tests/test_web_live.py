"""A live `kubeatlas web` (issue 11, item 2): it listens on 127.0.0.1 only, two browser sessions
of the query console do not wait for each other (one long recursive CTE, one `SELECT 1` 0.3 s
later) while /_stcore/health keeps answering, and SIGTERM or SIGINT stop the Streamlit child."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import CHECKOUT, SMALL_TREE, write_tree

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.graph.index.pipeline import index_tree

CHROMIUM = Path("/usr/bin/chromium")
LONG_QUERY_MS = 15_000  # long enough to tell "answered meanwhile" from "answered after", under load
LONG = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _listening(port: int) -> set[str]:
    """Local addresses of the LISTEN sockets on port (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


class LiveWeb:
    def __init__(self, db: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "KUBEATLAS_QUERY_MS": str(LONG_QUERY_MS),
               "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kubeatlas", "web", "--db", str(db), "--port", str(self.port),
             "--headless"], cwd=CHECKOUT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not _healthy(self.url, 1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                output = self.proc.stdout.read().decode(errors="replace") if self.proc.stdout else ""
                pytest.fail(f"kubeatlas web did not start on {self.url}:\n{output}")
            time.sleep(0.2)
        self.child = _children(self.proc.pid)[0]

    def stop(self) -> None:
        # the children are listed while the parent lives: once it is reaped, /proc no longer
        # knows them and the Streamlit child would outlive the test
        children = _children(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pid in children:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("live") / "kubernetes", SMALL_TREE)
    path = root.parent / "index.sqlite"
    index_tree(describe_checkout(root), path, jobs=1, max_file_bytes=1 << 20)
    return path


@pytest.fixture
def live(db):
    web = LiveWeb(db)
    yield web
    web.stop()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def _console(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/console")
    page.get_by_text("rows · truncated").first.wait_for(timeout=30_000)  # the example ran
    return page


def _submit(page, sql: str) -> None:
    page.locator("textarea").first.fill(sql)
    page.get_by_role("button", name="Run").click()


def test_binds_loopback_and_two_console_sessions_do_not_wait_for_each_other(live, browser):
    assert _listening(live.port) == {"0100007F"}  # 127.0.0.1, no other interface
    first, second = _console(browser, live.url), _console(browser, live.url)
    misses: list[float] = []
    done = threading.Event()

    def probe() -> None:
        while not done.is_set():
            began = time.monotonic()
            if not _healthy(live.url):
                misses.append(time.monotonic() - began)
            time.sleep(0.2)

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    try:
        _submit(first, LONG)
        began = time.monotonic()
        time.sleep(0.3)
        _submit(second, "SELECT 1 AS one")
        second.get_by_text("1 rows · truncated: no").wait_for(timeout=LONG_QUERY_MS - 3000)
        answered = time.monotonic() - began
        first.get_by_text(f"query exceeded {LONG_QUERY_MS} ms").wait_for(timeout=LONG_QUERY_MS + 20_000)
        timed_out = time.monotonic() - began
    finally:
        done.set()
        prober.join()
    assert answered < timed_out - 2  # the second session did not wait for the first
    assert not misses, f"health unanswered {len(misses)} times during the queries"
    assert _healthy(live.url)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_streamlit_child_too(live, signum):
    assert _alive(live.child)
    live.proc.send_signal(signum)
    assert live.proc.wait(timeout=20) == 0
    deadline = time.monotonic() + 5
    while _alive(live.child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(live.child)
    assert not _healthy(live.url, 1)
