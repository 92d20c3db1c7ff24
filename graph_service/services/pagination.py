"""Pages of a list: offset and limit in, the total that match out, in a stable order."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")

MAX_LIMIT = 1000


class Pagination(BaseModel):
    offset: int = Field(default=0, ge=0, le=10_000_000, description="items to skip")
    limit: int = Field(default=100, ge=1, le=MAX_LIMIT, description="items to return")


class Page(BaseModel, Generic[T]):
    """One page of a list in a stable order (by id), with the total that match."""

    total: int = Field(description="how many items match, over all pages")
    offset: int
    limit: int
    items: list[T]
