"""The knowledge layer: role catalog and roles, API kinds, minik8s illustrations."""
