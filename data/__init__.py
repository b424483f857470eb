"""Data files shipped with kubeatlas (role catalog, minik8s links), read through importlib.resources."""
