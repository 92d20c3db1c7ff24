"""The use case: read a file with options, preview it, validate it whole, write it."""

from __future__ import annotations

from graph_service.services.importer import ImportReport, import_parsed, validate
from graph_service.services.importing.build import Built, build
from graph_service.services.importing.options import ImportOptions
from graph_service.services.importing.sources import read_source
from graph_service.services.runtime import Runtime


def prepare(
    services: Runtime | None,
    data: bytes,
    name: str,
    options: ImportOptions,
    *,
    nodes: tuple[bytes, str] | None = None,
) -> Built:
    """Read ``data`` (the file ``name``, and a node table for csv/tsv) into nodes, ties and
    a preview; ``services=None`` reads as for an empty store (an import that replaces it)."""
    source = read_source(data, name, options.format, nodes=nodes, encoding=options.encoding)
    return build(source, options, services.repo.labels_of if services is not None else None)


def import_file(
    services: Runtime,
    data: bytes,
    name: str,
    options: ImportOptions,
    *,
    nodes: tuple[bytes, str] | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import one file as :func:`prepare` reads it: all or nothing, every problem listed
    once; the report carries the preview."""
    built = prepare(services, data, name, options, nodes=nodes)
    report = import_parsed(services, built.parsed, dry_run=dry_run)
    report.preview = built.preview
    return report


__all__ = ["ImportOptions", "import_file", "prepare", "validate"]
