"""kube-scheduler in miniature: framework, default plugins, cache, queue and the scheduling loop."""
