"""The import options, declared once for the CLI and the API (docs/import.md, reference)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from graph_service.model import DIRECTED, EvidenceMethod, NodeLabel, Phase, RelType
from graph_service.services.importing.sources import SourceFormat

ColumnName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ImportOptions(BaseModel):
    """What the things in an analyst's file are. Every option has the same name and default
    on the command line (``--group-by``) and in the API (``group_by``)."""

    model_config = ConfigDict(extra="forbid")

    format: SourceFormat | None = Field(
        None, description="the file format; by default from the file name's suffix"
    )
    label: NodeLabel = Field(
        NodeLabel.ACTOR, description="label of the nodes (unless a `label` column names one)"
    )
    type: RelType = Field(
        RelType.KNOWS,
        description="type of the ties (unless a `type` column names one); its direction "
        "semantics decide whether arcs may be merged",
    )
    group_by: ColumnName | None = Field(
        None, description="node column whose values become Group nodes with MEMBER_OF ties"
    )
    weight: ColumnName | None = Field(
        None, description="tie column holding the weight (default: a column named weight)"
    )
    phase: Phase | None = Field(None, description="project phase stamped on every tie")
    evidence_method: EvidenceMethod | None = Field(
        None, description="evidence stamped on every tie: the method"
    )
    evidence_source: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = Field(
        None,
        description="evidence: its source reference (default: the file name); needs "
        "evidence_method",
    )
    evidence_date: date | None = Field(
        None, description="evidence: the date it was seen; needs evidence_method"
    )
    merge_arcs: bool = Field(
        False,
        description="let arcs (a directed file, or rows a->b and b->a) merge into undirected "
        "ties; the answer says how many merged",
    )
    encoding: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        None, description="force the text encoding (default: detected)"
    )

    @model_validator(mode="after")
    def _evidence_needs_method(self) -> ImportOptions:
        if self.evidence_method is None and (self.evidence_source or self.evidence_date):
            raise ValueError("evidence_source and evidence_date need evidence_method")
        return self

    @property
    def undirected(self) -> bool:
        return not DIRECTED[self.type]


class ImportQuery(ImportOptions):
    """The API's query parameters of ``POST /import``: the options plus ``dry_run``.

    Other query parameters are left to the route's other dependencies (``network``, read
    by the service context in api/deps.py): as a model of query parameters that forbids
    extras, this one refused them (422 "network: Extra inputs are not permitted")."""

    model_config = ConfigDict(extra="ignore")

    dry_run: bool = Field(False, description="validate and preview only, write nothing")

    def options(self) -> ImportOptions:
        return ImportOptions.model_validate(self.model_dump(exclude={"dry_run"}))
