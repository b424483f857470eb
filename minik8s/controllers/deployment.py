"""The Deployment controller: roll a Deployment's pod template out through ReplicaSets.

Mirrors pkg/controller/deployment: `(*DeploymentController).syncDeployment` (get the
Deployment and its ReplicaSets, then roll out), `getNewReplicaSet` (create the RS for the
current template, named `<deployment>-<pod-template-hash>`), `rolloutRolling` with
`reconcileNewReplicaSet` / `reconcileOldReplicaSets` (maxSurge / maxUnavailable),
`rolloutRecreate`, `cleanupDeployment` (revisionHistoryLimit), `syncDeploymentStatus` and
`syncRolloutStatus` (progressDeadlineSeconds: Progressing=False, ProgressDeadlineExceeded).
"""

from __future__ import annotations

import time

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.client import Client
from kubeatlas.minik8s.controllers import rollout
from kubeatlas.minik8s.controllers.adoption import AdoptionCheck
from kubeatlas.minik8s.controllers.worker import Controller
from kubeatlas.minik8s.informer import Handler, InformerFactory
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.selector import from_label_selector
from kubeatlas.minik8s.trace import Tracer

DEPLOYMENT = for_kind("apps/v1", "Deployment")
RS = for_kind("apps/v1", "ReplicaSet")
MIRROR = "method:k8s.io/kubernetes/pkg/controller/deployment.(*DeploymentController)."


class DeploymentController(Controller):
    name = "deployment-controller"

    def __init__(self, client: Client, informers: InformerFactory, *, trace: Tracer | None = None):
        super().__init__(trace=trace)
        self.client = client
        self.d_informer = informers.informer(DEPLOYMENT)
        self.rs_informer = informers.informer(RS)
        self.d_informer.add_handler(Handler(self._enqueue, lambda _o, n: self._enqueue(n),
                                            self._enqueue))
        self.rs_informer.add_handler(Handler(self._rs_changed, lambda _o, n: self._rs_changed(n),
                                             self._rs_changed))

    def _enqueue(self, deployment: dict) -> None:
        self.queue.add(meta.key_of(deployment))

    def _rs_changed(self, rs: dict) -> None:
        ref = meta.controller_of(rs)
        if ref and ref.get("kind") == "Deployment":
            self.queue.add(f"{meta.namespace_of(rs)}/{ref['name']}")

    # -- sync ----------------------------------------------------------------------------
    def sync(self, key: str) -> None:
        cached = self.d_informer.indexer.get(key)
        if cached is None:
            return
        deployment = meta.deep_copy(cached)
        self.emit("sync deployment", MIRROR + "syncDeployment", key)
        rss = self.replica_sets_for(deployment)
        if meta.is_deleting(deployment) or (deployment.get("spec") or {}).get("paused"):
            new_rs, _ = self._split(deployment, rss)
            self.sync_status(deployment, rss, new_rs)
            return
        if rollout.is_rolling(deployment):
            self.rollout_rolling(deployment, rss)
        else:
            self.rollout_recreate(deployment, rss)

    def replica_sets_for(self, deployment: dict) -> list[dict]:
        """ReplicaSets this Deployment controls, adopting matching orphans."""
        selector = from_label_selector((deployment.get("spec") or {}).get("selector"))
        owned = []
        can_adopt = AdoptionCheck(self.client, DEPLOYMENT, deployment)
        for rs in self.rs_informer.indexer.by_index("namespace", meta.namespace_of(deployment)):
            ref = meta.controller_of(rs)
            if ref is not None:
                if ref.get("uid") == meta.uid_of(deployment):
                    owned.append(rs)
            elif selector.matches(meta.labels_of(rs)) and can_adopt():
                patch = {"metadata": {"ownerReferences": [meta.controller_ref(deployment)]}}
                owned.append(self.client.patch(RS, meta.namespace_of(rs), meta.name_of(rs), patch))
        return owned

    def _split(self, deployment: dict, rss: list[dict]) -> tuple[dict | None, list[dict]]:
        """FindNewReplicaSet / FindOldReplicaSets."""
        template = (deployment.get("spec") or {}).get("template") or {}
        new = [rs for rs in rss if rollout.equal_ignore_hash(rs["spec"].get("template") or {}, template)]
        new.sort(key=lambda rs: rs["metadata"].get("creationTimestamp", ""))
        new_rs = new[0] if new else None
        return new_rs, [rs for rs in rss if rs is not new_rs]

    def rollout_rolling(self, deployment: dict, rss: list[dict]) -> None:
        new_rs, old_rss = self._split(deployment, rss)
        if new_rs is None:
            new_rs = self.create_new_replica_set(deployment, rss)
        else:
            new_rs = self.update_new_replica_set(deployment, new_rs, old_rss)
        all_rss = [*old_rss, new_rs]
        desired = int(deployment["spec"].get("replicas", 1))
        # reconcileNewReplicaSet
        if rollout.replicas(new_rs) > desired:
            new_rs = self.scale(new_rs, desired, deployment, "reconcileNewReplicaSet")
            return self.sync_status(deployment, [*old_rss, new_rs], new_rs)
        if rollout.replicas(new_rs) < desired:
            size = rollout.new_rs_new_replicas(deployment, all_rss, new_rs)
            if size != rollout.replicas(new_rs):
                new_rs = self.scale(new_rs, size, deployment, "reconcileNewReplicaSet")
                return self.sync_status(deployment, [*old_rss, new_rs], new_rs)
        # reconcileOldReplicaSets
        plan = rollout.old_rs_scale_down(deployment, all_rss, old_rss, new_rs)
        if plan:
            old_rss = [self.scale(rs, plan[meta.name_of(rs)], deployment, "reconcileOldReplicaSets")
                       if meta.name_of(rs) in plan else rs for rs in old_rss]
            return self.sync_status(deployment, [*old_rss, new_rs], new_rs)
        if rollout.is_complete(deployment, rollout.calculate_status(deployment, all_rss, new_rs)):
            self.cleanup(deployment, old_rss)
        self.sync_status(deployment, all_rss, new_rs)

    def rollout_recreate(self, deployment: dict, rss: list[dict]) -> None:
        new_rs, old_rss = self._split(deployment, rss)
        active = [rs for rs in old_rss if rollout.replicas(rs) > 0]
        if active:
            old_rss = [self.scale(rs, 0, deployment, "rolloutRecreate") if rs in active else rs
                       for rs in old_rss]
            return self.sync_status(deployment, old_rss + ([new_rs] if new_rs else []), new_rs)
        if any(int((rs.get("status") or {}).get("replicas", 0)) for rs in old_rss):
            return self.sync_status(deployment, rss, new_rs)  # old pods still terminating
        if new_rs is None:
            new_rs = self.create_new_replica_set(deployment, rss)
        else:
            new_rs = self.update_new_replica_set(deployment, new_rs, old_rss)
        desired = int(deployment["spec"].get("replicas", 1))
        if rollout.replicas(new_rs) != desired:
            new_rs = self.scale(new_rs, desired, deployment, "rolloutRecreate")
        self.sync_status(deployment, [*old_rss, new_rs], new_rs)

    def create_new_replica_set(self, deployment: dict, rss: list[dict]) -> dict:
        spec = deployment["spec"]
        collisions = int((deployment.get("status") or {}).get("collisionCount", 0))
        template = meta.deep_copy(spec.get("template") or {})
        pod_hash = rollout.compute_hash(template, collisions)
        template.setdefault("metadata", {}).setdefault("labels", {})[rollout.HASH_LABEL] = pod_hash
        selector = meta.deep_copy(spec.get("selector") or {})
        selector.setdefault("matchLabels", {})[rollout.HASH_LABEL] = pod_hash
        revision = 1 + max((rollout.revision(rs) for rs in rss), default=0)
        surge, _ = rollout.fenceposts(deployment)
        desired = int(spec.get("replicas", 1))
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": f"{meta.name_of(deployment)}-{pod_hash}",
                           "namespace": meta.namespace_of(deployment),
                           "labels": dict(template["metadata"]["labels"]),
                           "annotations": {rollout.DESIRED: str(desired),
                                           rollout.MAX_REPLICAS: str(desired + surge)},
                           "ownerReferences": [meta.controller_ref(deployment)]},
              "spec": {"replicas": 0, "minReadySeconds": spec.get("minReadySeconds", 0),
                       "selector": selector, "template": template}}
        rs["metadata"]["annotations"] = rollout.new_rs_annotations(deployment, rs, revision)
        rs["spec"]["replicas"] = rollout.new_rs_new_replicas(deployment, rss, rs)
        self.emit("create replicaset", MIRROR + "getNewReplicaSet",
                  f"{meta.name_of(rs)} revision {revision}, {rs['spec']['replicas']} replicas")
        try:
            created = self.client.create(RS, meta.namespace_of(deployment), rs)
            rollout.set_progressing(deployment, deployment.setdefault("status", {}), created,
                                    reason="NewReplicaSetCreated")
            if rs["spec"]["replicas"] > 0:
                self.record(deployment, "Normal", "ScalingReplicaSet",
                            f"Scaled up replica set {meta.name_of(rs)} to {rs['spec']['replicas']}")
        except status.ApiError as err:
            if not status.is_already_exists(err):
                raise
            created = self.client.get(RS, meta.namespace_of(deployment), meta.name_of(rs))
            if (meta.controller_of(created) or {}).get("uid") != meta.uid_of(deployment) or \
                    not rollout.equal_ignore_hash(created["spec"]["template"], spec["template"]):
                self.client.patch(DEPLOYMENT, meta.namespace_of(deployment), meta.name_of(deployment),
                                  {"status": {"collisionCount": collisions + 1}},
                                  subresource="status")
                raise RuntimeError(f"hash collision for {meta.name_of(rs)}; retrying") from None
        self.set_deployment_revision(deployment, revision)
        return created

    def update_new_replica_set(self, deployment: dict, new_rs: dict, old_rss: list[dict]) -> dict:
        """getNewReplicaSet for an existing new RS: copy the Deployment's annotations (change-cause)
        onto it and give it the next revision - a rollback to an old template makes its ReplicaSet
        the newest revision again - then the Deployment carries that revision."""
        revision = 1 + max((rollout.revision(rs) for rs in old_rss), default=0)
        annotations = rollout.new_rs_annotations(deployment, new_rs, revision)
        min_ready = (deployment.get("spec") or {}).get("minReadySeconds", 0)
        if annotations != (new_rs["metadata"].get("annotations") or {}) or \
                new_rs["spec"].get("minReadySeconds", 0) != min_ready:
            self.emit("update replicaset", MIRROR + "getNewReplicaSet",
                      f"{meta.name_of(new_rs)} revision {annotations[rollout.REVISION]}")
            new_rs = self.client.patch(RS, meta.namespace_of(new_rs), meta.name_of(new_rs),
                                       {"metadata": {"annotations": annotations},
                                        "spec": {"minReadySeconds": min_ready}})
        self.set_deployment_revision(deployment, rollout.revision(new_rs))
        return new_rs

    def set_deployment_revision(self, deployment: dict, revision: int) -> None:
        """SetDeploymentRevision: the Deployment's revision annotation follows its new ReplicaSet."""
        annotations = deployment["metadata"].get("annotations") or {}
        if annotations.get(rollout.REVISION) != str(revision):
            self.client.patch(DEPLOYMENT, meta.namespace_of(deployment), meta.name_of(deployment),
                              {"metadata": {"annotations": {rollout.REVISION: str(revision)}}})

    def scale(self, rs: dict, size: int, deployment: dict, step: str) -> dict:
        old = rollout.replicas(rs)
        if size != old:  # scaleReplicaSet
            self.record(deployment, "Normal", "ScalingReplicaSet", f"Scaled {'up' if size > old else 'down'} "
                        f"replica set {meta.name_of(rs)} to {size} from {old}")
        self.emit("scale replicaset", MIRROR + step,
                  f"{meta.name_of(rs)}: {rollout.replicas(rs)} -> {size}")
        patch = {"metadata": {"annotations": {rollout.DESIRED: str(deployment['spec'].get('replicas', 1))}},
                 "spec": {"replicas": size}}
        return self.client.patch(RS, meta.namespace_of(rs), meta.name_of(rs), patch)

    def cleanup(self, deployment: dict, old_rss: list[dict]) -> None:
        """cleanupDeployment: keep at most revisionHistoryLimit empty old ReplicaSets."""
        limit = int(deployment["spec"].get("revisionHistoryLimit", 10))
        empty = [rs for rs in old_rss if rollout.replicas(rs) == 0
                 and not (rs.get("status") or {}).get("replicas") and not meta.is_deleting(rs)]
        empty.sort(key=lambda rs: int((rs["metadata"].get("annotations") or {}).get(rollout.REVISION, 0)))
        for rs in empty[:max(len(empty) - limit, 0)]:
            try:
                self.client.delete(RS, meta.namespace_of(rs), meta.name_of(rs))
            except status.ApiError as err:
                if not status.is_not_found(err):
                    raise

    def sync_status(self, deployment: dict, all_rss: list[dict], new_rs: dict | None) -> None:
        new_status = rollout.calculate_status(deployment, all_rss, new_rs)
        check = rollout.next_progress_check(deployment, new_status, time.time())
        if check is not None:  # requeueStuckDeployment: come back when the deadline may have passed
            self.queue.add_after(meta.key_of(deployment), check)
        if new_status == (deployment.get("status") or {}):
            return
        deployment["status"] = new_status
        self.emit("update status", MIRROR + "syncDeploymentStatus",
                  f"{meta.key_of(deployment)}: {new_status.get('availableReplicas', 0)}/"
                  f"{deployment['spec'].get('replicas')} available")
        self.client.update_status(DEPLOYMENT, deployment)
