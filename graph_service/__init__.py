"""graph-service: a knowledge graph of bonding and bridging ties (docs/architecture.md)."""

COMMAND_LINE = False
"""True in the process of the ``graph-service`` console script (set by
:func:`graph_service.cli.main`), where no code but the package's runs; False in a program
or notebook that imports the package. Only start-up shortcuts that would change what
other code in the process sees depend on it (:func:`graph_service.metrics._kernels._numba`)."""
