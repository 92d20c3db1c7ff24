"""Commands on the stored graph as a whole: ``import`` (``load``), ``export``, ``demo`` and
``info``."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Annotated, Any

import typer

from graph_service.cli.common import ensure_local_server, reports_errors
from graph_service.errors import Invalid

app = typer.Typer()


def _print_report(report: Any) -> None:
    verb = "validated (dry run)" if report.dry_run else "imported"
    typer.echo(f"{verb}: {report.nodes} nodes, {report.ties} ties")


def _parse_files(file: Path, ties: Path | None) -> Any:
    from graph_service.services import importer

    if ties is None:
        if file.suffix.lower() == ".csv":
            raise Invalid("a nodes CSV needs its ties CSV: --ties TIES.csv")
        return importer.parse_document(file.read_bytes())
    return importer.parse_csv(
        file.read_text(encoding="utf-8"),
        ties.read_text(encoding="utf-8"),
        nodes_name=file.name,
        ties_name=ties.name,
    )


TiesOption = Annotated[
    Path | None, typer.Option("--ties", help="the ties CSV that goes with a nodes CSV")
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="validate only, write nothing")]


@app.command("import")
@reports_errors
def import_cmd(
    file: Annotated[Path, typer.Argument(help="JSON document, or the nodes CSV (with --ties)")],
    ties: TiesOption = None,
    dry_run: DryRunOption = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="delete the stored graph first (after validating)")
    ] = False,
) -> None:
    """Import nodes and ties: all or nothing; every bad row is listed with its line."""
    from graph_service.services import importer
    from graph_service.services.runtime import Runtime

    parsed = _parse_files(file, ties)
    with Runtime() as rt:
        rt.ensure_schema()
        if replace and not dry_run:
            # validate against an empty store before deleting anything
            importer.validate(parsed, None)
            rt.repo.delete_all()
        report = importer.import_parsed(rt.repo, parsed, dry_run=dry_run)
    _print_report(report)


app.command("load", help="Load a graph file: the same as `import`.")(import_cmd)


@app.command("demo")
@reports_errors
def demo_cmd(
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="serve the API after")] = True,
    port: Annotated[int, typer.Option(help="API port on 127.0.0.1")] = 8000,
    out: Annotated[Path, typer.Option("-o", "--out", help="where to write the map")] = Path(
        "sample-map.html"
    ),
) -> None:
    """Start the local Neo4j if needed, load the sample network, write its map, serve the API."""
    from graph_service.services import importer
    from graph_service.services.runtime import Runtime

    ensure_local_server()
    with Runtime() as rt:
        rt.ensure_schema()
        parsed = importer.parse_document(importer.sample_network_bytes())
        importer.validate(parsed, None)
        rt.repo.delete_all()
        importer.import_parsed(rt.repo, parsed)
        counts = rt.repo.counts()
    nodes = ", ".join(f"{v} {k}" for k, v in counts["nodes"].items())
    ties = ", ".join(f"{v} {k}" for k, v in counts["ties"].items())
    typer.echo(f"sample network loaded: {sum(counts['nodes'].values())} nodes ({nodes})")
    typer.echo(f"  {sum(counts['ties'].values())} ties ({ties})")
    _demo_extras(out, serve, port)


def _demo_extras(out: Path, serve: bool, port: int) -> None:
    """The demo's map and API."""
    from graph_service.services.maps import MapRequest, render_store_map
    from graph_service.services.runtime import Runtime

    with Runtime() as rt:
        result = render_store_map(
            rt.store, MapRequest(title="Sample network: bonding and bridging ties")
        )
    out.write_text(result.html, encoding="utf-8")
    typer.echo(
        f"map of the sample network: {out.resolve()} "
        f"({result.nodes} nodes, {result.ties} ties, {result.size_bytes / 1024:.0f} KiB)"
    )
    if serve:
        from graph_service.api import serving
        from graph_service.config import get_settings

        def announce() -> None:
            typer.echo(f"API on http://127.0.0.1:{port} (docs: /docs); Ctrl-C stops it")
            typer.echo("the Neo4j server keeps running: `graph-service db stop` stops it")

        serving.serve(get_settings(), "127.0.0.1", port, workers=1, announce=announce)


@app.command("info")
@reports_errors
def info_cmd() -> None:
    """Which Neo4j the service talks to, and what it holds."""
    from graph_service.services.runtime import Runtime

    with Runtime() as rt:
        comp = rt.store.ping()
        counts = rt.repo.counts()
    typer.echo(
        json.dumps(
            {"uri": rt.settings.bolt_uri, "server": comp, "counts": counts}, indent=2, default=str
        )
    )


@app.command("export")
@reports_errors
def export_cmd(
    format: Annotated[str, typer.Option("--format", "-f", help="json, graphml, gexf or csv")],
    out: Annotated[
        Path,
        typer.Option(
            "-o", "--out", help="the file to write; for csv a .zip, or a folder for the two files"
        ),
    ],
) -> None:
    """Export the stored graph. JSON imports back unchanged; csv writes nodes.csv and
    ties.csv (into a zip when OUT ends with .zip, else into the folder OUT)."""
    from graph_service.services import exporter
    from graph_service.services.runtime import Runtime

    try:
        fmt = exporter.ExportFormat(format.lower())
    except ValueError:
        raise Invalid(f"unknown format {format!r}: use json, graphml, gexf or csv") from None
    with Runtime() as rt:
        nodes, ties = rt.repo.export_graph()
    if fmt is exporter.ExportFormat.CSV and out.suffix.lower() != ".zip":
        out.mkdir(parents=True, exist_ok=True)
        (out / "nodes.csv").write_text(exporter.nodes_csv(nodes), encoding="utf-8")
        (out / "ties.csv").write_text(exporter.ties_csv(ties), encoding="utf-8")
        typer.echo(f"exported {len(nodes)} nodes, {len(ties)} ties to {out}/nodes.csv, ties.csv")
        return
    result = exporter.render(nodes, ties, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(result.content)
    if fmt is exporter.ExportFormat.CSV:
        assert zipfile.is_zipfile(out)
    typer.echo(f"exported {len(nodes)} nodes, {len(ties)} ties to {out} ({fmt.value})")
