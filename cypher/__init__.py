"""The Cypher queries, installed as the package ``graph_service.cypher``.

This folder sits at the top of the repository (see DESIGN.md); ``pyproject.toml`` maps it
into the package with ``package-dir`` so that ``graph_service.store.cypher`` reads the
queries through ``importlib.resources`` from an editable install and a wheel alike.
"""
