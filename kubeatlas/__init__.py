"""kubeatlas: an atlas of the Kubernetes source code.

Installed, every part lives under this one namespace: ``kubeatlas.analyzer`` (Go source ->
facts), ``kubeatlas.graph`` (facts -> knowledge graph, stores, queries, notes),
``kubeatlas.app`` (CLI and web explorer), ``kubeatlas.minik8s`` (the runnable mini-Kubernetes)
and ``kubeatlas.data`` (the role catalog and other data files). This package itself is the
bottom layer: ``kubeatlas.errors`` and ``kubeatlas.settings``.
"""
