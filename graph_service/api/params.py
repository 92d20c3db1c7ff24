"""Query parameters shared by the routes: the tie filter and the partition.

The tie filter is the one :class:`~graph_service.filters.TieFilter` model, read from the
query string field by field (its bounds are the model's, so they show in the schema).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from graph_service.filters import TieFilter

Filters = Annotated[TieFilter, Query()]
#: What analysis_graph.partition_of accepts, said in the schema (PROPERTY_NAME_PATTERN's
#: name after ``property:``).
PARTITION_PATTERN = (
    r"^(membership|property:[a-z][a-z0-9_]{0,39}|communities|communities:louvain"
    r"|communities:leiden)$"
)
PartitionParam = Annotated[
    str,
    Query(
        pattern=PARTITION_PATTERN,
        description="membership | property:NAME | communities:louvain|leiden",
    ),
]
