"""The graph model: node ids and kinds (schema), the KubeGraph string-id facade, progress."""
