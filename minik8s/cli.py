"""The `mini` command group: up, demo, apply, get, delete (also `kubeatlas mini ...`).

`up` runs the components the way cmd/kube-apiserver, cmd/kube-controller-manager,
cmd/kube-scheduler, cmd/kubelet and cmd/kube-proxy would, as threads with log lines
prefixed by component; `apply`, `get` and `delete` talk to a running apiserver like
kubectl (k8s.io/kubectl/pkg/cmd/apply, get, delete), with the token of the kubeconfig
`up` writes. Failures are one line, exit code 2.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time

import click
import yaml

from kubeatlas.minik8s import auth
from kubeatlas.minik8s import resources as kinds
from kubeatlas.minik8s.apply import apply_object
from kubeatlas.minik8s.client import Client, ServerUnreachable
from kubeatlas.minik8s.printers import table
from kubeatlas.minik8s.status import ApiError

DEFAULT_SERVER = "http://127.0.0.1:6443"


class MiniError(click.ClickException):
    """A one-line failure; exit code 2, as every kubeatlas error."""

    exit_code = 2


def _server_option(func):
    func = click.option("--token", default=lambda: os.environ.get("MINIK8S_TOKEN", ""), show_default="$MINIK8S_TOKEN",
                        help="Bearer token (default: the kubeconfig's).")(func)
    func = click.option("--kubeconfig", default=lambda: os.environ.get("MINIK8S_KUBECONFIG", ""),
                        show_default="$MINIK8S_KUBECONFIG",
                        help="The kubeconfig `kubeatlas mini up` printed (server and token).")(func)
    return click.option("--server", "-s", default=lambda: os.environ.get("MINIK8S_SERVER", ""),
                        show_default="$MINIK8S_SERVER, the kubeconfig's, or " + DEFAULT_SERVER,
                        help="URL of the mini apiserver.")(func)


def _client(server: str, kubeconfig: str, token: str) -> Client:
    try:
        credentials = auth.resolve(server, kubeconfig, token, DEFAULT_SERVER)
    except auth.KubeconfigError as exc:
        raise MiniError(str(exc)) from None
    return Client(credentials.server, token=credentials.token, ca_pem=credentials.ca_pem)


def _call(server: str, action):
    try:
        return action()
    except ServerUnreachable:
        raise MiniError(f"cannot reach the mini apiserver at {server}; start one with "
                        "`kubeatlas mini up` or pass --server / MINIK8S_SERVER") from None
    except ApiError as err:
        hint = ("; pass --kubeconfig FILE (printed by `kubeatlas mini up`) or set MINIK8S_KUBECONFIG"
                if err.code == 401 else "")
        raise MiniError(f"Error from server ({err.reason}): {err.message}{hint}") from None


class _ComponentFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        component = record.name.removeprefix("kubeatlas.").removeprefix("minik8s.")
        return f"{time.strftime('%H:%M:%S')} [{component}] {record.getMessage()}"


mini = click.Group("mini", help="minik8s: a runnable mini-Kubernetes whose parts name the real code they mirror.")


@mini.command()
@click.option("--port", default=6443, show_default=True, type=click.IntRange(0, 65535),
              help="Port of the apiserver on 127.0.0.1 (0 picks a free one).")
@click.option("--nodes", default=2, show_default=True, type=click.IntRange(0, 200), help="Number of nodes.")
@click.option("--runtime", type=click.Choice(["sim", "process"]), default="sim", show_default=True,
              help="sim: simulated containers; process: each container's command runs as a real local "
                   "process, as you (only ask for it on a machine you trust).")
@click.option("--insecure", is_flag=True,
              help="No bearer token: any local process may call the apiserver (and, with --runtime "
                   "process, run commands as you).")
@click.option("--gpus", default=0, show_default=True, type=click.IntRange(0, 64),
              help="example.com/gpu devices advertised by each node's device plugin.")
@click.option("--data-dir", type=click.Path(file_okay=False), default="",
              help="Persist the store here (a write-ahead log), so a restart keeps the objects.")
@click.option("--verbose", "-v", is_flag=True, help="Debug logs (every request).")
def up(port, nodes, runtime, insecure, gpus, data_dir, verbose):
    """Run apiserver, controller-manager, scheduler, kubelets and kube-proxy until Ctrl-C or SIGTERM."""
    from kubeatlas.minik8s.apiserver import ApiServerError
    from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
    from kubeatlas.minik8s.lifecycle import run_until_signalled

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_ComponentFormatter())
    root = logging.getLogger("kubeatlas.minik8s")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    config = ClusterConfig(port=port, nodes=nodes, runtime=runtime, gpus_per_node=gpus, data_dir=data_dir,
                           insecure=insecure)
    try:
        cluster = Cluster(config)
    except ApiServerError as exc:
        raise MiniError(f"{exc}; choose another --port") from None
    try:
        cluster.start()
        click.echo(f"minik8s is up: apiserver {cluster.url}, {nodes} node(s), {runtime} runtime "
                   f"(Ctrl-C stops).")
        if insecure:
            click.echo("WARNING: --insecure: no token, every local user can call this apiserver"
                       + (" and run commands as you" if runtime == "process" else "") + ".", err=True)
        click.echo(f"kubeconfig (mode 0600, removed on exit): {cluster.kubeconfig}\n"
                   f"  export MINIK8S_KUBECONFIG={cluster.kubeconfig}; kubeatlas mini get nodes\n"
                   f"  kubectl --kubeconfig {cluster.kubeconfig} get pods")
        signalled = run_until_signalled(cluster.stop, on_signal=lambda name: click.echo(f"stopping ({name})..."))
    finally:
        cluster.stop()
    if signalled:  # all cleaned up: skip the interpreter's slow teardown of every imported module
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


@mini.command()
@click.option("--replicas", default=2, show_default=True, type=click.IntRange(1, 20))
@click.option("--runtime", type=click.Choice(["process", "sim"]), default="sim", show_default=True)
def demo(replicas, runtime):
    """Create a Deployment and narrate every step, naming the real Kubernetes function it mirrors."""
    from kubeatlas.minik8s.demo import run_demo

    run_demo(replicas=replicas, runtime=runtime, echo=click.echo)


def _documents(path: str) -> list[dict]:
    try:
        with open(path, encoding="utf-8") if path != "-" else sys.stdin as fh:
            docs = [d for d in yaml.safe_load_all(fh) if d]
    except OSError as exc:
        raise MiniError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise MiniError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    for doc in docs:
        if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
            raise MiniError(f"{path}: every document needs apiVersion and kind")
    return docs


@mini.command()
@click.argument("file", required=False)
@click.option("-f", "--filename", "file_option", help="The YAML file (or - for stdin).")
@click.option("-n", "--namespace", default="default", show_default=True)
@_server_option
def apply(file, file_option, namespace, server, kubeconfig, token):
    """Create or replace the objects in FILE.yaml (one or more YAML documents)."""
    path = file_option or file
    if not path:
        raise MiniError("give a file: kubeatlas mini apply FILE.yaml")
    client = _client(server, kubeconfig, token)
    for doc in _documents(path):
        resource = kinds.for_kind(doc["apiVersion"], doc["kind"])
        if resource is None:
            raise MiniError(f'no matches for kind "{doc["kind"]}" in version "{doc["apiVersion"]}"')
        ns = ((doc.get("metadata") or {}).get("namespace") or namespace) if resource.namespaced else ""
        name = (doc.get("metadata") or {}).get("name", "")
        label = f"{resource.kind.lower()}{'.' + resource.group if resource.group else ''}/{name}"
        click.echo(f"{label} {_call(client.base_url, lambda r=resource, n=ns, d=doc: apply_object(client, r, n, d))}")


@mini.command()
@click.argument("kind")
@click.argument("name", required=False)
@click.option("-n", "--namespace", default="default", show_default=True)
@click.option("-A", "--all-namespaces", is_flag=True)
@click.option("-l", "--selector", default="", help="Label selector, e.g. app=web,tier!=db.")
@click.option("-o", "--output", type=click.Choice(["table", "wide", "json", "yaml"]), default="table")
@_server_option
def get(kind, name, namespace, all_namespaces, selector, output, server, kubeconfig, token):
    """List or show objects: pods, deployments, replicasets, nodes, services, endpoints, events..."""
    resource = kinds.find(kind)
    if resource is None:
        known = ", ".join(r.plural for r in kinds.PREFERRED)
        raise MiniError(f'the server doesn\'t have a resource type "{kind}" (known: {known})')
    client = _client(server, kubeconfig, token)
    ns = "" if all_namespaces or not resource.namespaced else namespace
    if name:
        target_ns = namespace if resource.namespaced else ""
        items = [_call(client.base_url, lambda: client.get(resource, target_ns, name))]
    else:
        items = _call(client.base_url, lambda: client.list(resource, ns, label_selector=selector))[0]
    if output in ("json", "yaml"):
        data = items[0] if name else {"apiVersion": "v1", "kind": "List", "items": items}
        click.echo(json.dumps(data, indent=2) if output == "json" else yaml.safe_dump(data, sort_keys=False))
        return
    text = table(resource.kind, items, wide=output == "wide",
                 namespaced_all=all_namespaces and resource.namespaced)
    click.echo(text or (f"No resources found in {namespace} namespace." if resource.namespaced and not
                        all_namespaces else "No resources found"))


@mini.command()
@click.argument("kind")
@click.argument("name")
@click.option("-n", "--namespace", default="default", show_default=True)
@click.option("--cascade", type=click.Choice(["background", "foreground", "orphan"]), default="background",
              show_default=True)
@_server_option
def delete(kind, name, namespace, cascade, server, kubeconfig, token):
    """Delete one object (dependents follow through the garbage collector)."""
    resource = kinds.find(kind)
    if resource is None:
        raise MiniError(f'the server doesn\'t have a resource type "{kind}"')
    client = _client(server, kubeconfig, token)
    _call(client.base_url, lambda: client.delete(resource, namespace if resource.namespaced else "", name,
                                        propagation=cascade.capitalize()))
    click.echo(f"{resource.kind.lower()}{'.' + resource.group if resource.group else ''} \"{name}\" deleted")
