"""Mini cluster page: starts `kubeatlas mini up` in the background (loopback, simulated
containers) and shows its nodes, pods, events and watch stream live, each object linked to
the minik8s controller that acts on it and to that controller's real Go function."""

from __future__ import annotations

import streamlit as st

from kubeatlas.app.web import language, links, mini_cluster, state
from kubeatlas.app.web.words import say
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.query.code import mirrored

# object kind -> the minik8s components acting on it, and the real function to show first
ACTORS = {
    "Pod": (("scheduler", "scheduleOne"), ("kubelet", "SyncPod")),
    "Node": (("nodelifecycle-controller", "monitorNodeHealth"), ("nodestatus", "")),
    "Deployment": (("deployment-controller", "syncDeployment"),),
    "ReplicaSet": (("replicaset-controller", "syncReplicaSet"),),
    "Event": (("events", ""),),
}
DEMO = {"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}

atlas = state.atlas()
lang = language.chosen()
st.title(say(lang, "page_mini"))
st.caption(say(lang, "mini_caption"))


@st.cache_resource(show_spinner=False)
def _holder() -> dict:
    return {}


holder = _holder()
cluster: mini_cluster.MiniCluster | None = holder.get("cluster")
c1, c2, c3 = st.columns(3)
if cluster is None or not cluster.alive():
    if c1.button(say(lang, "mini_start"), type="primary", key="mini-start"):
        with st.spinner(say(lang, "mini_starting")):
            try:
                holder["cluster"] = mini_cluster.start()
            except RuntimeError as exc:
                st.error(str(exc))
                st.stop()
        st.rerun()
    st.info(say(lang, "mini_none"))
    st.stop()
assert cluster is not None
c1.markdown(f"apiserver `{cluster.url}`")
if c2.button(say(lang, "mini_demo"), key="mini-demo"):
    from kubeatlas.minik8s import resources

    with state.reported():
        try:
            deployments = resources.find("deployments")
            assert deployments is not None
            cluster.client().create(deployments, "default", DEMO)
        except Exception as exc:  # already there, or the server refused: say it in one line
            st.warning(say(lang, "mini_not_created", why=str(exc)[:200]))
if c3.button(say(lang, "mini_stop"), key="mini-stop"):
    cluster.stop()
    holder.pop("cluster", None)
    st.rerun()


def _actor_links(kind: str, container) -> None:
    for mini, prefer in ACTORS.get(kind, ()):
        mid = f"mini:{mini}"
        links.node_link(mid, f"minik8s {mini}", container)
        real = [r for r in mirrored(atlas, mid) if r.startswith(("func:", "method:"))]
        best = [r for r in real if prefer and r.endswith("." + prefer)] or real[:1]
        for nid in best[:1]:
            links.node_link(nid, say(lang, "mini_real", name=short_name(nid)), container, help=nid)


@st.fragment(run_every="2s")
def live() -> None:
    assert cluster is not None  # the page stopped above when no cluster runs
    if not cluster.alive():
        st.error(say(lang, "mini_stopped"))
        return
    try:
        nodes, pods = cluster.list("nodes"), cluster.list("pods")
        events = cluster.list("events")[-15:]
    except Exception as exc:  # the apiserver is restarting or gone
        st.warning(say(lang, "mini_silent", why=str(exc)[:120]))
        return
    left, right = st.columns([3, 1])
    name, status, namespace, reason, object_, message, time, type_, summary = (
        say(lang, f"col_{c}") for c in ("name", "status", "namespace", "reason", "object",
                                         "message", "time", "kind", "summary"))
    left.subheader(say(lang, "mini_nodes", count=len(nodes)))
    left.dataframe([{name: n["metadata"]["name"],
                     status: mini_cluster._summary(n)} for n in nodes], hide_index=True)
    _actor_links("Node", right)
    left, right = st.columns([3, 1])
    left.subheader(say(lang, "mini_pods", count=len(pods)))
    left.dataframe([{namespace: p["metadata"].get("namespace"), name: p["metadata"]["name"],
                     status: mini_cluster._summary(p)} for p in pods], hide_index=True)
    _actor_links("Pod", right)
    _actor_links("ReplicaSet", right)
    _actor_links("Deployment", right)
    st.subheader(say(lang, "mini_events"))
    st.dataframe([{reason: e.get("reason"), object_: (e.get("involvedObject") or {}).get("name"),
                   message: e.get("message")} for e in events], hide_index=True)
    st.subheader(say(lang, "mini_stream"))
    st.dataframe([{time: t, type_: kind, object_: f"{k}/{what}", summary: said}
                  for t, kind, k, _, what, said in reversed(list(cluster.stream))][:60],
                 hide_index=True)


live()
