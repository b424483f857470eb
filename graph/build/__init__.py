"""Facts -> the structural graph: modules, packages, files, declarations, imports, embedding."""
