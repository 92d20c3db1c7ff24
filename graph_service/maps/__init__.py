"""Interactive maps: a networkx graph in, one self-contained, offline HTML page out.

Knows nothing of Neo4j or HTTP. See ``docs/maps.md`` for the input
conventions, the encodings and the choices made (vis-network vendored from
npm, pyvis not used for rendering; ``to_pyvis`` hands a map on to pyvis).

>>> import networkx as nx
>>> from graph_service.maps import render_map
>>> G = nx.Graph()
>>> G.add_edge("a", "b", type="KNOWS")
>>> render_map(G, partition={}, title="Two people").nodes
2
"""

from graph_service.maps.encoding import group_colors, group_order, group_palette, tie_class
from graph_service.maps.layout import seeded_layout
from graph_service.maps.pyvis_bridge import pyvis_network, to_pyvis
from graph_service.maps.render import VIS_NETWORK_VERSION, MapResult
from graph_service.maps.views import (
    GROUP_MAP_ABOVE,
    PHYSICS_MAX_NODES,
    MapOptions,
    brokers_view,
    comparison_view,
    ego_view,
    group_view,
    network_view,
    paths_view,
    render_map,
)

__all__ = [
    "GROUP_MAP_ABOVE",
    "PHYSICS_MAX_NODES",
    "VIS_NETWORK_VERSION",
    "MapOptions",
    "MapResult",
    "brokers_view",
    "comparison_view",
    "ego_view",
    "group_colors",
    "group_order",
    "group_palette",
    "group_view",
    "network_view",
    "paths_view",
    "pyvis_network",
    "render_map",
    "seeded_layout",
    "tie_class",
    "to_pyvis",
]
