"""The whole graph: bulk import (JSON document or CSV pair), export, counts, delete-all.

Imports go through services/importer.py: validated whole before anything is written,
every bad row listed (422 with ``errors``), idempotent; ``dry_run`` only validates.
Export formats: ``json`` (imports back unchanged), ``graphml``, ``gexf``, ``csv`` (a zip
of ``nodes.csv`` and ``ties.csv``, or one of them with ``part=nodes|ties``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Query, Response, UploadFile

from graph_service.api.deps import ADMIN, READ, WRITE, RepoDep
from graph_service.errors import Invalid
from graph_service.services import deletion, exporter, importer
from graph_service.services.importer import ImportReport

router = APIRouter(tags=["graph"])

DryRun = Annotated[bool, Query(description="validate only, write nothing")]


@router.post(
    "/import",
    dependencies=[WRITE],
    summary="Import a JSON document of nodes and ties (all or nothing)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/GraphDocument"}}
            },
            "description": "a graph-service/v1 document: {format, nodes: [...], ties: [...]} "
            "(schema GraphDocument)",
        }
    },
)
def import_document(
    repo: RepoDep, document: Annotated[dict[str, Any], Body()], dry_run: DryRun = False
) -> ImportReport:
    # The document is taken raw so that the importer reports every bad row in its own
    # terms (``nodes[3] (id x)``), not FastAPI's.
    return importer.import_document(repo, document, dry_run=dry_run)


async def _text(upload: UploadFile, name: str) -> str:
    data = await upload.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid(
            f"{name} is not UTF-8 text (byte {exc.start})",
            errors=[{"record": name, "field": "(file)", "message": "not UTF-8"}],
        ) from exc


@router.post(
    "/import/csv",
    dependencies=[WRITE],
    summary="Import a CSV pair (nodes.csv and ties.csv, multipart) (all or nothing)",
)
async def import_csv(
    repo: RepoDep,
    nodes: Annotated[UploadFile, File(description="nodes.csv (docs/import.md)")],
    ties: Annotated[UploadFile, File(description="ties.csv (docs/import.md)")],
    dry_run: DryRun = False,
) -> ImportReport:
    from starlette.concurrency import run_in_threadpool

    nodes_text = await _text(nodes, "nodes.csv")
    ties_text = await _text(ties, "ties.csv")
    # parsing and writing block: off the event loop
    return await run_in_threadpool(
        importer.import_csv, repo, nodes_text, ties_text, dry_run=dry_run
    )


@router.get(
    "/export",
    dependencies=[READ],
    summary="Export the graph as JSON, GraphML, GEXF or CSV",
    response_class=Response,
    responses={
        200: {
            "description": "the export",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/GraphDocument"}},
                "application/graphml+xml": {"schema": {"type": "string"}},
                "application/gexf+xml": {"schema": {"type": "string"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
def export(
    repo: RepoDep,
    format: Annotated[exporter.ExportFormat, Query(description="the file format")] = (
        exporter.ExportFormat.JSON
    ),
    part: Annotated[
        exporter.CsvPart | None,
        Query(description="csv only: one file (nodes or ties) instead of the zip of both"),
    ] = None,
) -> Response:
    if part is not None and format is not exporter.ExportFormat.CSV:
        raise Invalid(
            "part applies to format=csv only",
            errors=[{"record": "query", "field": "part", "message": "only with format=csv"}],
        )
    result = exporter.export(repo, format, part)
    return Response(
        result.content,
        media_type=result.media_type,
        headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
    )


@router.get("/graph/counts", dependencies=[READ], summary="Nodes per label and ties per type")
def counts(repo: RepoDep) -> dict[str, dict[str, int]]:
    return repo.counts()


@router.delete(
    "/graph", dependencies=[ADMIN], summary="Delete every node and tie (admin)", status_code=204
)
def delete_all(repo: RepoDep) -> Response:
    deletion.delete_graph(repo)
    return Response(status_code=204)
