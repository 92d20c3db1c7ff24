"""The whole graph: bulk import (JSON document or CSV pair), export, counts, delete-all.

Imports go through services/importer.py: validated whole before anything is written,
every bad row listed (422 with ``errors``), idempotent; ``dry_run`` only validates.
Export formats: ``json`` (imports back unchanged), ``graphml``, ``gexf``, ``csv`` (a zip
of ``nodes.csv`` and ``ties.csv``, or one of them with ``part=nodes|ties``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile as StarletteUpload

from graph_service.api.deps import ADMIN, READ, WRITE, ServicesDep, StoreServicesDep
from graph_service.api.limits import bounded
from graph_service.api.params import from_query
from graph_service.errors import Invalid
from graph_service.services import exporter, importer, networks, whole_graph
from graph_service.services.importer import ImportReport
from graph_service.services.importing.files import import_file
from graph_service.services.importing.options import ImportOptions, ImportQuery

router = APIRouter(tags=["graph"])

DryRun = Annotated[bool, Query(description="validate only, write nothing")]


_FILE_OPTIONS = "; ".join(
    f"{name}: {f.description}" for name, f in ImportOptions.model_fields.items()
)


@router.post(
    "/import",
    dependencies=[WRITE],
    summary="Import a JSON document, or a network file with options (all or nothing)",
    description="A JSON body is a graph-service/v1 document. A multipart body imports a "
    "network file (`file`: edge list .csv/.tsv, .xlsx, .graphml, .gexf, .gml, Pajek .net; "
    "`nodes`: an optional node table for an edge list) read with the options given as "
    "query parameters, the same as `graph-service import` (docs/import.md). "
    f"Options: {_FILE_OPTIONS}.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/GraphDocument"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "nodes": {"type": "string", "format": "binary"},
                        },
                    }
                },
            },
            "description": "a graph-service/v1 document: {format, nodes: [...], ties: [...]} "
            "(schema GraphDocument), or a network file (multipart)",
        }
    },
)
async def import_document(
    request: Request,
    services: ServicesDep,
    query: Annotated[ImportQuery, from_query(ImportQuery)],
) -> ImportReport:
    from starlette.concurrency import run_in_threadpool

    options, dry_run = query.options(), query.dry_run
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload, node_upload = form.get("file"), form.get("nodes")
        if not isinstance(upload, StarletteUpload):
            raise Invalid(
                "a multipart import needs the network file as the part 'file'",
                errors=[{"record": "body", "field": "file", "message": "missing"}],
            )
        data = await upload.read()
        nodes = None
        if isinstance(node_upload, StarletteUpload):
            nodes = (await node_upload.read(), node_upload.filename or "nodes.csv")
        return await run_in_threadpool(
            import_file, services, data, upload.filename or "upload", options,
            nodes=nodes, dry_run=dry_run,
        )  # fmt: skip
    try:
        document = await request.json()
    except ValueError as exc:
        raise Invalid(f"the body is not JSON: {exc}") from None
    # The document is taken raw so that the importer reports every bad row in its own
    # terms (``nodes[3] (id x)``), not FastAPI's.
    return await run_in_threadpool(importer.import_document, services, document, dry_run=dry_run)


@router.post(
    "/import/csv",
    dependencies=[WRITE],
    summary="Import a CSV pair (nodes.csv and ties.csv, multipart) (all or nothing)",
)
async def import_csv(
    services: ServicesDep,
    nodes: Annotated[UploadFile, File(description="nodes.csv (docs/import.md)")],
    ties: Annotated[UploadFile, File(description="ties.csv (docs/import.md)")],
    dry_run: DryRun = False,
) -> ImportReport:
    from starlette.concurrency import run_in_threadpool

    # bytes: the importer finds the encoding and the delimiter (graph_service/textfiles.py)
    nodes_text = await nodes.read()
    ties_text = await ties.read()
    # parsing and writing block: off the event loop
    return await run_in_threadpool(
        importer.import_csv, services, nodes_text, ties_text, dry_run=dry_run
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
                exporter.MEDIA_TYPES[exporter.ExportFormat.XLSX]: {
                    "schema": {"type": "string", "format": "binary"}
                },
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
@bounded("the export")
def export(
    services: ServicesDep,
    format: Annotated[exporter.ExportFormat, Query(description="the file format")] = (
        exporter.ExportFormat.JSON
    ),
    part: Annotated[
        exporter.CsvPart | None,
        Query(description="csv only: one file (nodes or ties) instead of the zip of both"),
    ] = None,
    neutralise: Annotated[
        bool,
        Query(
            description="csv and xlsx: a leading apostrophe before text that a spreadsheet "
            "would run as a formula (=, +, -, @, tab, carriage return); false writes it raw"
        ),
    ] = True,
) -> Response:
    if part is not None and format is not exporter.ExportFormat.CSV:
        raise Invalid(
            "part applies to format=csv only",
            errors=[{"record": "query", "field": "part", "message": "only with format=csv"}],
        )
    result = exporter.export(services, format, part, neutralise=neutralise)
    return Response(
        result.content,
        media_type=result.media_type,
        headers={"Content-Disposition": f'attachment; filename="{result.filename}"'},
    )


@router.get("/graph/counts", dependencies=[READ], summary="Nodes per label and ties per type")
def counts(services: ServicesDep) -> dict[str, dict[str, int]]:
    return whole_graph.counts(services)


@router.delete(
    "/graph",
    dependencies=[ADMIN],
    summary="Delete one network: every node and tie of it (admin)",
    description="The network named by `network` vanishes in one step and its data is then "
    "deleted in batches; other networks are not touched.",
    status_code=204,
)
def delete_all(services: ServicesDep) -> Response:
    whole_graph.delete_all(services)
    return Response(status_code=204)


class NetworkCounts(BaseModel):
    name: str = Field(description="the network's name (the `network` parameter of the routes)")
    nodes: dict[str, int] = Field(description="nodes per label")
    ties: dict[str, int] = Field(description="ties per type")


@router.get(
    "/networks",
    dependencies=[READ],
    summary="Every network in the store, with its nodes per label and ties per type",
)
def list_networks(services: StoreServicesDep) -> list[NetworkCounts]:
    return [
        NetworkCounts(name=n.name, nodes=n.nodes, ties=n.ties)
        for n in networks.list_networks(services)
    ]
