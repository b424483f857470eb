"""The controller-manager's controllers: deployment, replicaset, endpoints, node lifecycle, GC, node IPAM."""
