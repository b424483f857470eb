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
from urllib.parse import unquote

import pytest
from test_notes import build_index

SCREENSHOTS = Path(os.environ.get("KUBEATLAS_SCREENSHOTS", "/tmp/kubeatlas-screenshots"))

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
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         "--client.toolbarMode", "viewer", "--client.showErrorDetails", "none"],
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
    page.get_by_text("Architecture map").first.wait_for(timeout=60_000)
    # drawn on the server (Graphviz installed) or in the browser (st.graphviz_chart)
    chart = page.locator(".kubeatlas-svg-chart svg, [data-testid=stGraphVizChart] svg")
    chart.first.wait_for(timeout=60_000)
    # a box of the drawn map is a link to its role page
    chart.locator("g.node", has_text="kubelet").first.locator("text").first.click()
    page.get_by_text("Core packages (8)").wait_for(timeout=60_000)
    assert "role=kubelet" in page.url
    page.get_by_text("The node agent.").first.wait_for()
    # and so is every name in the roles list under the map
    page.goto(app_url)
    page.get_by_text("Architecture map").first.wait_for(timeout=60_000)
    page.locator("[data-testid=stPageLink]", has_text="Container Runtime Interface (CRI)") \
        .first.click()
    page.get_by_text("Key interfaces").wait_for(timeout=60_000)
    assert page.locator("h1", has_text="Container Runtime Interface (CRI)").count() == 1
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False, timeout=60_000)


def _cy(page, index: int = 0):
    """The Cytoscape instance inside the n-th live graph on the page (its iframe)."""
    frame_el = page.locator("iframe").nth(index)
    frame_el.wait_for(timeout=60_000)
    frame = frame_el.element_handle().content_frame()
    frame.locator("#cy canvas").first.wait_for(timeout=60_000)
    return frame_el, frame


def test_search_box_leads_to_a_function_page_with_its_source(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    page.get_by_text("Architecture map").first.wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Deploy").count() == 0
    box = page.get_by_placeholder("scheduleOne, kubelet, Deployment …")
    box.fill("syncLoop")
    hit = page.locator("[data-testid=stSidebar] [data-testid=stPageLink]",
                       has_text="kubelet.(*Kubelet).syncLoop")
    hit.first.wait_for(timeout=60_000)
    hit.first.click()
    page.get_by_text("declared at").first.wait_for(timeout=60_000)
    assert "code?id=" in page.url
    page.locator(".kubeatlas-source", has_text="syncLoop()").first.wait_for(timeout=60_000)
    _shot(page, "function_page")
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def _enter_ready(page) -> None:
    """Wait until the box's Enter listener is in the page: a key pressed before it mounts
    (under load, after the page's own text is drawn) is only the text input's commit."""
    page.locator("body[data-kubeatlas-enter=ready]").wait_for(state="attached", timeout=60_000)


def test_enter_in_the_search_box_opens_the_top_hits_page(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/interfaces")
    page.get_by_text("Interfaces").first.wait_for(timeout=60_000)
    box = page.get_by_placeholder("scheduleOne, kubelet, Deployment …")
    _enter_ready(page)
    box.fill("syncLoop")
    box.press("Enter")  # at once, before the typing pause has shown any hit
    page.wait_for_url("**/code?id=*", timeout=60_000)
    assert "kubelet.(*Kubelet).syncLoop" in unquote(page.url)
    page.locator(".kubeatlas-source", has_text="syncLoop()").first.wait_for(timeout=60_000)
    # the box keeps working on the page it opened: Enter on a role's name opens the role
    box = page.get_by_placeholder("scheduleOne, kubelet, Deployment …")
    box.fill("Container Runtime")
    hit = page.locator("[data-testid=stSidebar] [data-testid=stPageLink] a").first
    hit.wait_for(timeout=60_000)
    assert hit.inner_text().startswith("cri")  # the role is the top hit
    _enter_ready(page)
    box.press("Enter")
    page.wait_for_url("**/role?role=cri", timeout=60_000)
    page.get_by_text("Key interfaces").first.wait_for(timeout=60_000)
    # Enter in another text box is that box's own
    page.goto(f"{app_url}/search")
    field = page.get_by_label("name or part of one")
    field.fill("SyncPod")
    field.press("Enter")
    page.get_by_text("hits").first.wait_for(timeout=60_000)
    assert "/search" in page.url
    _shot(page, "search_enter")
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def test_double_clicking_a_graph_node_expands_its_neighbours(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"{app_url}/package?pkg=pkg/kubelet")
    frame_el, frame = _cy(page)
    count = "() => document.getElementById('cy')._cyreg.cy.nodes().length"
    page.wait_for_timeout(1500)  # the first layout settles
    before = frame.evaluate(count)
    target = "pkg:k8s.io/kubernetes/pkg/kubelet/kuberuntime"
    pos = frame.evaluate("(id) => document.getElementById('cy')._cyreg.cy.getElementById(id)"
                         ".renderedPosition()", target)
    frame_el.scroll_into_view_if_needed()
    box = frame_el.bounding_box()
    page.mouse.dblclick(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_function(
        "([n]) => { const f = document.querySelector('iframe'); const cy = f && "
        "f.contentDocument.getElementById('cy')._cyreg.cy; return cy && cy.nodes().length > n }",
        arg=[before], timeout=60_000)
    _, frame = _cy(page)
    after = frame.evaluate("() => document.getElementById('cy')._cyreg.cy.nodes().map(n => n.id())")
    assert "pkg:k8s.io/cri-api/pkg/apis" in after and len(after) > before
    # laid out around the expanded node (the component marks what it added so): the double-click
    # reported as our own event still reaches the component's incremental layout
    assert frame.evaluate("() => document.getElementById('cy')._cyreg.cy.nodes('.highlight')"
                          ".length") == len(after) - before
    page.wait_for_timeout(800)  # the layout around the expanded node settles (500 ms animation)
    _shot(page, "graph_expanded")
    page.close()


def test_a_path_from_short_names_is_drawn_with_hop_kinds(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(f"{app_url}/deps?from=syncLoop&to=remote.(*remoteRuntimeService).RunPodSandbox")
    page.get_by_text("Shortest chain").first.wait_for(timeout=60_000)
    _, frame = _cy(page)
    hows = frame.evaluate("() => document.getElementById('cy')._cyreg.cy.edges()"
                          ".map(e => e.data('how'))")
    assert "dispatch to an implementation" in hows
    page.get_by_text("Shortest chain").first.scroll_into_view_if_needed()
    _shot(page, "path")
    page.close()


def test_bad_url_input_shows_a_message_not_a_traceback(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{app_url}/package?pkg=abc%00")
    page.get_by_text("contains control characters").first.wait_for(timeout=60_000)
    page.goto(f"{app_url}/role?role=" + "x" * 5000)
    page.get_by_text("too long").first.wait_for(timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0
    assert "Traceback" not in page.content() and "site-packages" not in page.content()
    _shot(page, "bad_input")
    page.close()


def _settled(page) -> None:
    """Wait until the app has finished the run a click started."""
    page.wait_for_timeout(300)
    page.locator("[data-testid=stStatusWidget]").wait_for(state="detached", timeout=60_000)


def _h1(page) -> list[str]:
    return page.locator("[data-testid=stMain] h1").all_inner_texts()


def test_a_link_to_another_function_on_the_code_page_opens_it(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/code?id=scheduleOne")
    page.get_by_text("declared at").first.wait_for(timeout=60_000)
    _settled(page)
    assert _h1(page)[0] == "scheduler.(*Scheduler).scheduleOne"
    # the receiver's link leads to the same page with another id: the name in the box must not
    # bring the old one back, and the address bar follows (a reload or a copy shows the type)
    page.locator("[data-testid=stMain] [data-testid=stPageLink]",
                 has_text="receiver type scheduler.Scheduler").first.click()
    page.wait_for_url("**/code?id=type*Scheduler", timeout=60_000)
    _settled(page)
    assert _h1(page)[0] == "scheduler.Scheduler"
    page.go_back()  # and Back returns to the function
    page.wait_for_url("**/code?id=scheduleOne", timeout=60_000)
    page.locator("h1", has_text="scheduler.(*Scheduler).scheduleOne").wait_for(timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def _choose(page, label: str, typed: str) -> None:
    box = page.locator("[data-testid=stSelectbox]", has_text=label).first.locator("input")
    box.click()
    box.fill(typed)
    page.get_by_role("option").first.click()
    _settled(page)


def test_each_pick_of_a_role_and_each_language_switch_is_kept(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/role?role=kubelet")
    page.get_by_text("Core packages").first.wait_for(timeout=60_000)
    _settled(page)
    for typed, title in (("kube-proxy", "kube-proxy"), ("kube-scheduler", "kube-scheduler"),
                         ("kubectl", "kubectl")):  # the second pick in a row was ignored
        _choose(page, "role", typed)
        page.locator("h1", has_text=title).first.wait_for(timeout=60_000)
        assert f"role={title}" in page.url and _h1(page)[0] == title
    page.goto(f"{app_url}/notes?subject=kubelet")
    page.get_by_text("kubelet — how it works").first.wait_for(timeout=60_000)
    _settled(page)
    for language, words in (("中文", "kubelet —— 工作原理"), ("English", "kubelet — how it works"),
                            ("中文", "kubelet —— 工作原理")):
        page.get_by_text(language, exact=True).click()
        page.locator("h1", has_text=words).first.wait_for(timeout=60_000)
        _settled(page)
        assert _h1(page)[0] == ("学习笔记" if language == "中文" else "Study notes")
    assert "lang=zh" in page.url and "subject=kubelet" in page.url
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def test_switching_to_chinese_turns_the_map_chinese_and_a_role_link_keeps_it(app_url, browser):
    from kubeatlas.app.web.words import say
    from kubeatlas.graph.knowledge.catalog import load_catalog
    from kubeatlas.graph.notes import lang
    from kubeatlas.graph.notes.glossary import phrase

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    page.get_by_text(say("en", "map_intro")).first.wait_for(timeout=60_000)
    _settled(page)
    page.locator("[data-testid=stSidebar]").get_by_text("中文", exact=True).click()
    page.locator("[data-testid=stMain] h1", has_text=say("zh", "page_architecture")) \
        .wait_for(timeout=60_000)
    page.get_by_text(say("zh", "map_intro")).first.wait_for(timeout=60_000)
    _settled(page)
    assert "lang=zh" in page.url and page.get_by_text(say("en", "map_intro")).count() == 0
    # the navigation speaks it too
    nav = page.locator("[data-testid=stSidebarNav]")
    assert nav.get_by_text(say("zh", "page_role"), exact=True).count() == 1
    # a role's link under the map opens its page in Chinese (named as the Chinese notes name it)
    cri = load_catalog().role("cri")
    name = phrase(cri.name, "zh")
    assert name == "容器运行时接口（CRI）"
    page.locator("[data-testid=stMain] [data-testid=stPageLink]", has_text=name).first.click()
    page.get_by_text(lang.say("zh", "key_interfaces")).first.wait_for(timeout=60_000)
    page.get_by_text(cri.summary_zh).first.wait_for(timeout=60_000)
    _settled(page)
    assert "role=cri" in page.url and "lang=zh" in page.url
    assert _h1(page)[0] == name and page.get_by_text("Key interfaces").count() == 0
    # and so does a box of the drawn map (a link of its own, outside Streamlit's navigation)
    page.locator("[data-testid=stSidebarNav]").get_by_text(
        say("zh", "page_architecture"), exact=True).click()
    chart = page.locator(".kubeatlas-svg-chart svg, [data-testid=stGraphVizChart] svg")
    chart.first.wait_for(timeout=60_000)
    assert "lang=zh" in page.url
    chart.locator("g.node", has_text="kubelet").first.locator("text").first.click()
    page.get_by_text(say("zh", "core_packages", count=8)).wait_for(timeout=60_000)
    assert "role=kubelet" in page.url and "lang=zh" in page.url
    _shot(page, "role_zh")
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def test_every_page_follows_the_chinese_switch_and_an_emptied_search_leaves_the_url(app_url,
                                                                                    browser):
    """One session in Chinese: search for 调度器, follow the glossary to `scheduler`, empty the
    box (the address dropped the old `q=`: a reload used to bring the old search back), then
    the pages that were English only, each waited for by its own Chinese words."""
    import re

    from kubeatlas.app.web.words import say
    from kubeatlas.graph.knowledge.catalog import load_catalog

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/search?lang=zh")
    page.get_by_text(say("zh", "search_type")).wait_for(timeout=60_000)
    _settled(page)
    box = page.get_by_label(say("zh", "search_box"))
    box.fill("调度器")
    box.press("Enter")
    page.get_by_text(say("zh", "search_nothing", text="调度器")).wait_for(timeout=60_000)
    page.get_by_text(say("zh", "box_term", zh="调度器", en="scheduler")).first.click()
    page.get_by_text(re.compile(r"^\d+ 个结果")).first.wait_for(timeout=60_000)
    _settled(page)
    assert "q=scheduler" in page.url and "lang=zh" in page.url
    assert box.input_value() == "scheduler"
    box.fill("")
    box.press("Enter")
    page.get_by_text(say("zh", "search_type")).wait_for(timeout=60_000)
    _settled(page)
    assert "q=" not in page.url and "lang=zh" in page.url
    page.reload()  # the search emptied stays empty
    page.get_by_text(say("zh", "search_type")).wait_for(timeout=60_000)
    _settled(page)
    assert page.get_by_label(say("zh", "search_box")).input_value() == ""
    dockershim = load_catalog().role("dockershim").absent_note_zh
    for path, title, wanted in (
            ("interfaces?type=RuntimeService", "page_interfaces",
             say("zh", "type_kind_interface") + "，声明于"),
            ("kinds?kind=Deployment", "ch_kinds", say("zh", "kinds_defines")),
            ("deps?pkg=pkg/kubelet&from=syncLoop&to=remote.(*remoteRuntimeService).RunPodSandbox",
             "page_deps", say("zh", "chain_shortest")),
            ("console", "page_console", "行 · 已截断："),
            ("compare", "page_compare", "要对比版本，请用两个索引启动本应用"),
            ("mini", "page_mini", say("zh", "mini_none")),
            ("role?role=dockershim", "page_role", dockershim)):
        page.goto(f"{app_url}/{path}&lang=zh" if "?" in path else f"{app_url}/{path}?lang=zh")
        page.get_by_text(wanted).first.wait_for(timeout=60_000)
        _settled(page)
        main = page.locator("[data-testid=stMain]")
        if title != "page_role":  # the role page's title is the role's name
            assert _h1(page)[0] == say("zh", title), path
            assert main.get_by_text(say("en", title), exact=True).count() == 0, path
        assert page.locator("[data-testid=stException]").count() == 0, path
    _shot(page, "pages_zh")
    page.close()


def test_every_page_opens_at_its_address_without_page_not_found(app_url, browser):
    """Typed or linked, /architecture (and every other page's address) opens that page: before,
    the map, being the default page, had no address of its own and /architecture showed
    Streamlit's "Page not found" before falling back to it. The app root still opens the map."""
    from kubeatlas.app.web import nav
    from kubeatlas.app.web.words import say

    for _, entries in nav.SECTIONS:
        for _, title, url, _ in entries:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{app_url}/{url}")
            heading = page.locator("[data-testid=stMain] h1")
            not_found = page.get_by_text("Page not found")
            seen = False
            deadline = time.monotonic() + 60
            while heading.count() == 0 and time.monotonic() < deadline:
                seen = seen or not_found.count() > 0
                page.wait_for_timeout(25)
            _settled(page)
            seen = seen or not_found.count() > 0
            assert not seen, f"/{url} showed Page not found"
            assert page.url.split("?")[0] == f"{app_url}/{url}", (url, page.url)
            if url == "architecture":
                assert _h1(page)[0] == say("en", title)
            page.close()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    page.locator("[data-testid=stMain] h1", has_text=say("en", "page_architecture")) \
        .wait_for(timeout=60_000)
    current = page.locator("[data-testid=stSidebarNavLink][aria-current=page]")
    assert current.count() == 1 and current.get_attribute("href").endswith("/architecture")
    page.close()


def test_a_study_note_shows_its_text_not_its_claim_comments(app_url, browser):
    """A note's claims (`<!-- kubeatlas:claim … -->`, what `notes --check` reads) were drawn as
    text under every note on the notes page: a wall of ids and line numbers. The page shows the
    note; the download keeps them."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/notes?subject=kubelet&lang=zh")
    page.locator("h1", has_text="kubelet —— 工作原理").first.wait_for(timeout=60_000)
    page.locator("[data-testid=stMarkdownContainer]", has_text="主循环").first.wait_for(
        timeout=60_000)
    shown = page.locator("[data-testid=stMain]").inner_text()
    assert "syncLoop" in shown and "kubeatlas:claim" not in shown and "<!--" not in shown
    _shot(page, "note_without_claims")
    page.close()


def test_a_chinese_role_page_tells_how_it_works_and_which_way_its_imports_go(app_url, browser):
    """In the browser, in Chinese: the kubelet's page shows its extension points with the
    implementations production code means, and its neighbours say which way the imports go
    (the page said of every role the kubelet imports that it imports the kubelet: 依赖它)."""
    from kubeatlas.graph.notes import lang

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/role?role=kubelet&lang=zh")
    page.locator("h3", has_text=lang.say("zh", "part_extend")).first.wait_for(timeout=60_000)
    page.get_by_text("生产代码中的实现：").first.wait_for(timeout=60_000)
    page.locator("[data-testid=stPageLink]", has_text="本角色导入它").first.wait_for(
        timeout=60_000)
    _settled(page)
    links = page.locator("[data-testid=stMain] [data-testid=stPageLink]").all_inner_texts()
    assert not [x for x in links if "依赖它" in x], links
    _shot(page, "role_zh_extension_points")
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()
