"""minik8s: a small, runnable Kubernetes in Python whose every part names the real code it mirrors."""
