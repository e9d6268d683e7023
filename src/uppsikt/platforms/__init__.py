"""Connectors to the platforms, as plugins in a registry, and importers of their export files."""
