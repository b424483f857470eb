"""The app in a real browser: `streamlit run` headless on a free port, Debian's Chromium driven
by playwright; the architecture map renders, and clicking a role opens its page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_notes import build_index

CHROMIUM = Path("/usr/bin/chromium")
MAIN = Path(__file__).resolve().parents[1] / "app" / "web" / "main.py"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not "
                                "installed at /usr/bin/chromium (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    db = build_index(tmp_path_factory.mktemp("browser") / "kubernetes")
    port = _free_port()
    env = {**os.environ, "KUBEATLAS_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(MAIN), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                    pytest.fail(f"streamlit did not start on {url}:\n{output}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def test_clicking_a_role_on_the_map_opens_its_page(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    page.get_by_text("Architecture map").first.wait_for(timeout=20_000)
    chart = page.locator("[data-testid=stGraphVizChart] svg")
    chart.first.wait_for(timeout=20_000)
    # a box of the drawn map is a link to its role page
    chart.locator("g.node", has_text="kubelet").first.locator("text").first.click()
    page.get_by_text("Core packages (8)").wait_for(timeout=20_000)
    assert "role=kubelet" in page.url
    page.get_by_text("The node agent.").first.wait_for()
    # and so is every name in the roles list under the map
    page.goto(app_url)
    page.get_by_text("Architecture map").first.wait_for(timeout=20_000)
    page.locator("[data-testid=stPageLink]", has_text="Container Runtime Interface (CRI)") \
        .first.click()
    page.get_by_text("Key interfaces").wait_for(timeout=20_000)
    assert page.locator("h1", has_text="Container Runtime Interface (CRI)").count() == 1
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()
