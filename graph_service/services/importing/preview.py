"""What an import will create, shown before anything is written."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class FileInfo(BaseModel):
    name: str
    rows: int
    encoding: str | None = None
    delimiter: str | None = None


class ImportPreview(BaseModel):
    """What an import creates, before it is written (``--dry-run`` prints it)."""

    format: str
    files: list[FileInfo]
    nodes_by_label: dict[str, int]
    ties_by_type: dict[str, int]
    groups: dict[str, int] = {}
    renamed: dict[str, str] = {}
    ids_rewritten: dict[str, str] = {}
    arcs_merged: int = 0
    notes: list[str] = []
    first_nodes: list[dict[str, Any]] = []
    first_ties: list[dict[str, Any]] = []
