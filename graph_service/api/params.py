"""Query parameters shared by the routes: the tie filter and the partition.

The tie filter is the one :class:`~graph_service.filters.TieFilter` model, read from the
query string field by field (its bounds are the model's, so they show in the schema).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from graph_service.filters import TieFilter

Filters = Annotated[TieFilter, Query()]
PartitionParam = Annotated[
    str, Query(description="membership | property:NAME | communities:louvain|leiden")
]
