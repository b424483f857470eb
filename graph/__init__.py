"""Facts -> knowledge graph: the KubeGraph facade, resolution, roles, stores and queries."""
