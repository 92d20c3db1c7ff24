"""Bonding and bridging metrics: pure functions over networkx graphs.

One concept per module; conventions in each module's docstring and in
``docs/metrics.md``. networkx graphs go in, plain data comes out; heavy work runs on
numpy, scipy.sparse and igraph behind the same functions.
"""

from graph_service.metrics._core import Partition
from graph_service.metrics.brokerage import ROLES, brokerage
from graph_service.metrics.centrality import betweenness, bridging_centrality
from graph_service.metrics.ei import ei_index, ei_permutation_test, ei_range
from graph_service.metrics.homophily import assortativity, modularity
from graph_service.metrics.partition import partition_from_attribute, partition_from_communities
from graph_service.metrics.segregation import dyad_table, odds_ratio, yules_q
from graph_service.metrics.structural_holes import (
    constraint,
    effective_size,
    efficiency,
    hierarchy,
    structural_holes,
)
from graph_service.metrics.structure import articulation_points, bridges, local_bridges
from graph_service.metrics.suite import analyze, report_tables
from graph_service.metrics.ties import classify_ties, group_density, mixing_matrix, tie_counts

__all__ = [
    "ROLES",
    "Partition",
    "analyze",
    "articulation_points",
    "assortativity",
    "betweenness",
    "bridges",
    "bridging_centrality",
    "brokerage",
    "classify_ties",
    "constraint",
    "dyad_table",
    "effective_size",
    "efficiency",
    "ei_index",
    "ei_permutation_test",
    "ei_range",
    "group_density",
    "hierarchy",
    "local_bridges",
    "mixing_matrix",
    "modularity",
    "odds_ratio",
    "partition_from_attribute",
    "partition_from_communities",
    "report_tables",
    "structural_holes",
    "tie_counts",
    "yules_q",
]
