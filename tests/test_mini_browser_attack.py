"""A web page on another origin cannot make `kubeatlas mini up --runtime process` run a command (issue 11).

A live `mini up` subprocess (process runtime, with and without its token) and Debian's
Chromium driven by Playwright: the attack page POSTs Pods whose command writes a marker
file, in every way a page can (no-cors text/plain, no-cors Blob without a Content-Type, a
CORS JSON request, and a DNS-rebinding page whose own origin is the apiserver's port). No
marker may appear, the apiserver's access log must show the requests refused, and the same
Pod sent with the kubeconfig's token must run - so the test can tell a refusal from a dud.
"""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kubeatlas.minik8s.auth import read_kubeconfig
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.resources import for_kind

CHROMIUM = Path("/usr/bin/chromium")
POD = for_kind("v1", "Pod")
VARIANTS = ("no-cors text/plain", "no-cors blob", "cors json", "no-cors localhost")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


def pod(name: str, marker: Path) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "busybox",
                                     "command": ["sh", "-c", f"id > {marker}; sleep 60"]}]}}


@pytest.fixture(params=["token", "insecure"])
def mini_up(request, tmp_path):
    """A live `kubeatlas mini up --runtime process`; yields (url, token, log lines)."""
    args = [sys.executable, "-m", "kubeatlas", "mini", "up", "--port", "0", "--nodes", "1",
            "--runtime", "process", "--verbose"] + (["--insecure"] if request.param == "insecure" else [])
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(iter(proc.stderr.readline, "")), daemon=True).start()
    try:
        first = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert url, first + "".join(log)
        kubeconfig = re.search(r"kubeconfig \(mode 0600, removed on exit\): (\S+)", proc.stdout.readline())
        credentials = read_kubeconfig(kubeconfig.group(1))
        assert (credentials.token is None) == (request.param == "insecure")
        yield url.group(0), credentials.token, log
    finally:
        proc.terminate()  # mini up kills its containers and removes its folder on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # never leave it running, whatever the load
            proc.kill()
            proc.wait()
            raise


@pytest.fixture
def attacker_site(tmp_path):
    """Serves whatever page the test writes, from 127.0.0.1 on its own port (another origin)."""
    site = tmp_path / "site"
    site.mkdir()
    handler = lambda *a, **kw: http.server.SimpleHTTPRequestHandler(*a, directory=str(site), **kw)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def attack_page(api: str, port: int, pods: dict[str, dict]) -> str:
    bodies = json.dumps({name: json.dumps(body) for name, body in pods.items()})
    return f"""<!doctype html><title>cute kittens</title><script>
const api = "{api}", localhost = "http://localhost:{port}", path = "/api/v1/namespaces/default/pods";
const bodies = {bodies};
const variants = [
  ["no-cors text/plain", api, {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}},
                                 body: bodies["no-cors text/plain"]}}],
  ["no-cors blob", api, {{method: "POST", mode: "no-cors", body: new Blob([bodies["no-cors blob"]])}}],
  ["cors json", api, {{method: "POST", headers: {{"Content-Type": "application/json"}}, body: bodies["cors json"]}}],
  ["no-cors localhost", localhost, {{method: "POST", mode: "no-cors", body: new Blob([bodies["no-cors localhost"]])}}],
];
window.results = {{}};
(async () => {{
  for (const [name, base, init] of variants) {{
    try {{ const r = await fetch(base + path, init); window.results[name] = r.type + " " + r.status; }}
    catch (e) {{ window.results[name] = "error " + e; }}
  }}
  window.done = true;
}})();
</script>"""


REBINDING_PAGE = """<!doctype html><title>rebound</title><script>
window.done = false;
fetch("/api/v1/namespaces/default/pods", {method: "POST", headers: {"Content-Type": "application/json"},
      body: BODY}).then(async r => { window.result = r.status + " " + (await r.text()); window.done = true; },
                        e => { window.result = "error " + e; window.done = true; });
</script>"""


def test_a_page_on_another_origin_cannot_run_a_command(mini_up, attacker_site, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    url, token, log = mini_up
    port = int(url.rsplit(":", 1)[1])
    site, site_url = attacker_site
    markers = {name: tmp_path / f"marker-{i}" for i, name in enumerate((*VARIANTS, "rebinding", "control"))}
    pods = {name: pod(f"attack-{i}", markers[name]) for i, name in enumerate(VARIANTS)}
    (site / "index.html").write_text(attack_page(url, port, pods))
    with sync_api.sync_playwright() as p:
        # attacker.test resolves to 127.0.0.1 (the rebinding); the apiserver's address counts as public,
        # so Chromium's own Private Network Access checks (which other browsers lack) do not hide the result
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--host-resolver-rules=MAP attacker.test 127.0.0.1",
                                          f"--ip-address-space-overrides=127.0.0.1:{port}=public"])
        try:
            page = browser.new_page()
            page.goto(site_url + "/index.html")
            page.wait_for_function("window.done === true", timeout=20_000)
            results = page.evaluate("window.results")
            # DNS rebinding: the attacker's name now resolves to 127.0.0.1, so the page's own origin
            # is the apiserver's address; the browser lets it send and read anything there
            rebound = f"http://attacker.test:{port}/"
            body = json.dumps(json.dumps(pod("attack-rebinding", markers["rebinding"])))
            page.route(rebound, lambda route: route.fulfill(
                status=200, content_type="text/html", body=REBINDING_PAGE.replace("BODY", body)))
            page.goto(rebound)
            page.wait_for_function("window.done === true", timeout=20_000)
            rebinding = page.evaluate("window.result")
        finally:
            browser.close()
    assert set(results) == set(VARIANTS), results
    assert rebinding.startswith("403 ") and "host 'attacker.test" in rebinding, rebinding
    time.sleep(3)  # the process runtime starts a bound pod in well under a second
    assert not [m.name for m in markers.values() if m.exists()], "a command ran from a web page"
    client = Client(url, token=token)
    assert not [p for p in client.list(POD, "default")[0] if p["metadata"]["name"].startswith("attack")]
    refused = [line for line in log if "POST /api/v1/namespaces/default/pods" in line]
    assert len(refused) >= 4 and all(re.search(r'" 40[13] ', line) for line in refused), refused
    # control: the same Pod with the kubeconfig's credentials does run, so the refusals above were real
    client.create(POD, "default", pod("control", markers["control"]))
    deadline = time.monotonic() + 20
    while not markers["control"].exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert markers["control"].exists()
