"""Commands on the stored graph as a whole: ``import`` (``load``), ``export``, ``demo`` and
``info``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from graph_service.cli.common import confirm, ensure_local_server, reports_errors, say
from graph_service.cli.options import NetworkOpt
from graph_service.cli.progress import steps
from graph_service.errors import Invalid
from graph_service.model import (
    DEFAULT_NETWORK,
    SAMPLE_NETWORK,
    EvidenceMethod,
    NodeLabel,
    RelType,
)
from graph_service.services.importing.engine import ImportEngine
from graph_service.services.importing.options import ImportOptions
from graph_service.services.importing.sources import SourceFormat

app = typer.Typer()


def _print_report(report: Any) -> None:
    verb = "validated (dry run)" if report.dry_run else "imported"
    how = " (offline importer)" if report.engine == "offline" else ""
    typer.echo(f"{verb}: {report.nodes} nodes, {report.ties} ties{how}")
    preview = report.preview
    if preview is not None and not report.dry_run:
        for original, stored in preview.renamed.items():
            typer.echo(f"  column {original!r} stored as {stored!r}")
        for note in preview.notes:
            typer.echo(f"  {note}")


def _print_preview(preview: Any) -> None:
    """What ``--dry-run`` shows before anything is written."""
    for f in preview.files:
        how = f", {f.encoding}, {f.delimiter}-separated" if f.encoding else ""
        typer.echo(f"{f.name}: {f.rows} rows ({preview.format}{how})")
    typer.echo("would create:")
    for label, n in sorted(preview.nodes_by_label.items()):
        typer.echo(f"  {n} {label} nodes")
    for rel, n in sorted(preview.ties_by_type.items()):
        typer.echo(f"  {n} {rel} ties")
    if preview.groups:
        groups = ", ".join(f"{g} ({n})" for g, n in preview.groups.items())
        typer.echo(f"groups (members): {groups}")
    for original, stored in preview.renamed.items():
        typer.echo(f"column {original!r} is stored as {stored!r}")
    for original, new in preview.ids_rewritten.items():
        typer.echo(f"id {original!r} is stored as {new!r}")
    for note in preview.notes:
        typer.echo(f"note: {note}")
    typer.echo("first rows as they will be stored:")
    for row in preview.first_nodes + preview.first_ties:
        typer.echo("  " + json.dumps(row, ensure_ascii=False))


def _parse_native(file: Path, ties: Path | None) -> tuple[Any, Any]:
    """The service's own layouts: a JSON document, or the CSV pair (``--ties``)."""
    from graph_service.services import importer
    from graph_service.services.importing.build import preview_of
    from graph_service.services.importing.preview import FileInfo

    data = file.read_bytes()
    if not data.strip():
        raise Invalid(f"{file.name} is empty")
    if ties is None:
        parsed = importer.parse_document(data)
        files = [FileInfo(name=file.name, rows=len(parsed.nodes) + len(parsed.ties))]
        return parsed, preview_of(parsed, "json", files)
    parsed = importer.parse_csv(data, ties.read_bytes(), nodes_name=file.name, ties_name=ties.name)
    files = [
        FileInfo(name=file.name, rows=len(parsed.nodes)),
        FileInfo(name=ties.name, rows=len(parsed.ties)),
    ]
    return parsed, preview_of(parsed, "csv pair", files)


def _confirm_replace(yes: bool, network: str) -> None:
    """``--replace`` replaces what the network holds: asked on a terminal, refused
    without one (unless ``--yes``)."""
    if not yes:
        confirm(
            f"--replace replaces every node and tie of network {network!r}. Go on?",
            f"--replace replaces every node and tie of network {network!r}: pass --yes to "
            "confirm (there is no terminal to ask on)",
        )


TiesOption = Annotated[
    Path | None,
    typer.Option("--ties", help="the ties CSV of the service's own CSV pair (FILE is nodes)"),
]
NodesOption = Annotated[
    Path | None, typer.Option("--nodes", help="node table (CSV/TSV) for an edge list")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="show what would be created and every problem")
]
_O = "file options (docs/import.md)"


FileArg = Annotated[
    Path,
    typer.Argument(
        help="edge list (.csv/.tsv), Excel (.xlsx), .graphml, .gexf, .gml, Pajek .net, "
        "or the service's JSON document / nodes CSV (with --ties)"
    ),
]
FormatOpt = Annotated[
    SourceFormat | None,
    typer.Option("--format", help="default: from the suffix", rich_help_panel=_O),
]
LabelOpt = Annotated[NodeLabel, typer.Option("--label", help="node label", rich_help_panel=_O)]
TypeOpt = Annotated[
    RelType,
    typer.Option("--type", help="tie type (its direction semantics apply)", rich_help_panel=_O),
]
GroupByOpt = Annotated[
    str | None,
    typer.Option("--group-by", help="node column whose values become groups", rich_help_panel=_O),
]
WeightOpt = Annotated[
    str | None, typer.Option("--weight", help="tie column of weights", rich_help_panel=_O)
]
PhaseOpt = Annotated[
    str | None, typer.Option("--phase", help="phase stamped on every tie", rich_help_panel=_O)
]
MethodOpt = Annotated[
    EvidenceMethod | None,
    typer.Option("--evidence-method", help="evidence method of every tie", rich_help_panel=_O),
]
SourceOpt = Annotated[
    str | None,
    typer.Option(
        "--evidence-source", help="evidence source (default: file name)", rich_help_panel=_O
    ),
]
DateOpt = Annotated[
    str | None,
    typer.Option("--evidence-date", help="evidence date (YYYY-MM-DD)", rich_help_panel=_O),
]
MergeOpt = Annotated[
    bool,
    typer.Option("--merge-arcs", help="merge arcs into an undirected type", rich_help_panel=_O),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help="force the encoding (default: detected)", rich_help_panel=_O),
]
ReplaceOpt = Annotated[
    bool,
    typer.Option("--replace", help="replace what the network holds (asks; see --yes)"),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="confirm --replace without asking")]
EngineOpt = Annotated[
    ImportEngine,
    typer.Option(
        "--engine",
        help="how the checked rows are written: transactional, offline (neo4j-admin into the "
        "local server's empty store: stops and restarts it), or auto (offline from "
        "IMPORT_OFFLINE_ROWS rows on)",
    ),
]


#: the defaults are the service's (ImportOptions): one declaration for the CLI and the API
_DEFAULTS = {name: f.default for name, f in ImportOptions.model_fields.items()}


@app.command(
    "import",
    epilog="Example: graph-service import network.json --dry-run  "
    "(a CSV pair: graph-service import nodes.csv --ties ties.csv)",
)
@reports_errors
def import_cmd(
    file: FileArg,
    nodes: NodesOption = None,
    ties: TiesOption = None,
    format: FormatOpt = None,
    label: LabelOpt = _DEFAULTS["label"],
    tie_type: TypeOpt = _DEFAULTS["type"],
    group_by: GroupByOpt = None,
    weight: WeightOpt = None,
    phase: PhaseOpt = None,
    evidence_method: MethodOpt = None,
    evidence_source: SourceOpt = None,
    evidence_date: DateOpt = None,
    merge_arcs: MergeOpt = False,
    encoding: EncodingOpt = None,
    dry_run: DryRunOption = False,
    replace: ReplaceOpt = False,
    yes: YesOpt = False,
    network: NetworkOpt = DEFAULT_NETWORK,
    engine: EngineOpt = ImportEngine.AUTO,
) -> None:
    """Import a network file in one command: all or nothing, every problem listed once.

    An edge list (source,target plus any columns) with an optional node table, a
    spreadsheet or a graph file; the options say what its nodes and ties are."""
    from graph_service.services import importer
    from graph_service.services.importing.files import prepare
    from graph_service.services.runtime import Runtime

    native = ties is not None or file.suffix.lower() == ".json"
    given = _options(
        format=format,
        label=label,
        type=tie_type,
        group_by=group_by,
        weight=weight,
        phase=phase,
        evidence_method=evidence_method,
        evidence_source=evidence_source,
        evidence_date=evidence_date,
        merge_arcs=merge_arcs,
        encoding=encoding,
    )
    if native and (given != ImportOptions(format=given.format) or nodes is not None):
        raise Invalid(
            "the file options (and --nodes) are for network files; a JSON document or "
            "the CSV pair (--ties) says everything itself"
        )
    options = None if native else given
    if replace and not dry_run:
        _confirm_replace(yes, network)
    node_table = (nodes.read_bytes(), nodes.name) if nodes is not None else None
    with steps() as progress, Runtime(network=network) as rt:
        rt.ensure_schema()
        store_ctx = None if replace else rt
        with progress.step(f"reading {file.name}"):
            if options is None:
                parsed, preview = _parse_native(file, ties)
            else:
                built = prepare(store_ctx, file.read_bytes(), file.name, options, nodes=node_table)
                parsed, preview = built.parsed, built.preview
        if dry_run and preview is not None:
            _print_preview(preview)
        what = "validating (dry run)" if dry_run else f"importing into network {network!r}"
        with progress.step(what, unit="rows") as step:
            report = importer.import_parsed(
                rt,
                parsed,
                dry_run=dry_run,
                replace=replace,
                on_progress=step.update,
                on_notice=say,
                engine=engine,
            )
        report.preview = preview
    _print_report(report)


def _options(**values: Any) -> ImportOptions:
    from pydantic import ValidationError

    try:
        return ImportOptions.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = "--" + "-".join(str(p) for p in err["loc"]).replace("_", "-")
        msg = err["msg"].removeprefix("Value error, ")
        raise Invalid(f"{where}: {msg}" if err["loc"] else msg) from None


app.command("load", help="Load a graph file: the same as `import`.")(import_cmd)


@app.command("demo", epilog="Example: graph-service demo --no-serve -o sample-map.html")
@reports_errors
def demo_cmd(
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="serve the API after")] = True,
    port: Annotated[int, typer.Option(help="API port on 127.0.0.1")] = 8000,
    out: Annotated[Path, typer.Option("-o", "--out", help="where to write the map")] = Path(
        "sample-map.html"
    ),
) -> None:
    """Start the local Neo4j if needed, load the sample network, write its map, serve the API.

    The sample goes into its own network, `sample`, replacing only that network (no
    question asked); every other network in the store stays as it is. The API's port is
    checked before anything is written. With NEO4J_URI set the demo writes to that
    server and says so."""
    from graph_service.services import importer, whole_graph
    from graph_service.services.runtime import Runtime

    if serve:
        from graph_service.api import serving

        serving.check_free("127.0.0.1", port)  # before anything is written
    from graph_service.config import get_settings

    settings = get_settings()
    if not settings.uses_local_server:
        typer.echo(
            f"writing the sample network to network {SAMPLE_NETWORK!r} of {settings.bolt_uri} "
            "(NEO4J_URI)"
        )
    with steps() as progress:
        ensure_local_server(progress)
        with Runtime(network=SAMPLE_NETWORK) as rt:
            with progress.step("preparing the store (constraints and indexes)"):
                rt.ensure_schema()
            parsed = importer.parse_document(importer.sample_network_bytes())
            with progress.step(
                f"loading the sample network into network {SAMPLE_NETWORK!r}", unit="rows"
            ) as step:
                importer.import_parsed(rt, parsed, replace=True, on_progress=step.update)
            counts = whole_graph.counts(rt)
    nodes = ", ".join(f"{v} {k}" for k, v in counts["nodes"].items())
    ties = ", ".join(f"{v} {k}" for k, v in counts["ties"].items())
    typer.echo(f"sample network loaded: {sum(counts['nodes'].values())} nodes ({nodes})")
    typer.echo(f"  {sum(counts['ties'].values())} ties ({ties})")
    _demo_extras(out, serve, port)


def _demo_extras(out: Path, serve: bool, port: int) -> None:
    """The demo's map and API."""
    from graph_service.services.maps import MapRequest, render_store_map
    from graph_service.services.runtime import Runtime

    with steps() as progress, progress.step("drawing the map of the sample network"):
        with Runtime(network=SAMPLE_NETWORK) as rt:
            result = render_store_map(
                rt, MapRequest(title="Sample network: bonding and bridging ties")
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
def info_cmd(network: NetworkOpt = DEFAULT_NETWORK) -> None:
    """Which Neo4j the service talks to, and what the network holds."""
    from graph_service.services import whole_graph
    from graph_service.services.runtime import Runtime

    with Runtime(network=network) as rt:
        comp = whole_graph.server(rt)
        counts = whole_graph.counts(rt)
    typer.echo(
        json.dumps(
            {"uri": rt.settings.bolt_uri, "server": comp, "network": network, "counts": counts},
            indent=2,
            default=str,
        )
    )


@app.command("export")
@reports_errors
def export_cmd(
    format: Annotated[str, typer.Option("--format", "-f", help="json, graphml, gexf, xlsx or csv")],
    out: Annotated[
        Path,
        typer.Option(
            "-o", "--out", help="the file to write; for csv a .zip, or a folder for the two files"
        ),
    ],
    raw_csv: Annotated[
        bool,
        typer.Option(
            "--raw-csv", help="write cells as stored, without the apostrophe before formulas"
        ),
    ] = False,
    network: NetworkOpt = DEFAULT_NETWORK,
) -> None:
    """Export one network. JSON imports back unchanged; GraphML and GEXF carry the
    map's positions and group colours (Gephi); xlsx has a nodes and a ties sheet; csv
    writes nodes.csv and ties.csv (into a zip when OUT ends with .zip, else into the
    folder OUT). In csv and xlsx, text that a spreadsheet would run as a formula (=, +, -,
    @) gets a leading apostrophe unless --raw-csv; import removes it."""
    from graph_service.services import exporter, whole_graph
    from graph_service.services.runtime import Runtime

    try:
        fmt = exporter.ExportFormat(format.lower())
    except ValueError:
        raise Invalid(f"unknown format {format!r}: use json, graphml, gexf, xlsx or csv") from None
    neutralise = not raw_csv
    with Runtime(network=network) as rt:
        if fmt is exporter.ExportFormat.CSV and out.suffix.lower() != ".zip":
            nodes, ties = exporter.stored_graph(rt)
            out.mkdir(parents=True, exist_ok=True)
            (out / "nodes.csv").write_text(exporter.nodes_csv(nodes, neutralise), encoding="utf-8")
            (out / "ties.csv").write_text(exporter.ties_csv(ties, neutralise), encoding="utf-8")
            typer.echo(
                f"exported {len(nodes)} nodes, {len(ties)} ties to {out}/nodes.csv, ties.csv"
            )
            return
        result = exporter.export(rt, fmt, neutralise=neutralise)
        counts = whole_graph.counts(rt)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(result.content)
    n_nodes, n_ties = sum(counts["nodes"].values()), sum(counts["ties"].values())
    typer.echo(f"exported {n_nodes} nodes, {n_ties} ties to {out} ({fmt.value})")


@app.command("networks")
@reports_errors
def networks_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List the networks in the store with their nodes per label and ties per type."""
    from graph_service.services import networks
    from graph_service.services.runtime import Runtime

    with Runtime() as rt:
        found = networks.list_networks(rt)
    if as_json:
        rows = [{"name": n.name, "nodes": n.nodes, "ties": n.ties} for n in found]
        typer.echo(json.dumps(rows, indent=2))
        return
    if not found:
        typer.echo("no networks: import one (graph-service import FILE --network NAME)")
    for n in found:
        labels = ", ".join(f"{v} {k}" for k, v in sorted(n.nodes.items())) or "none"
        types = ", ".join(f"{v} {k}" for k, v in sorted(n.ties.items())) or "none"
        typer.echo(f"{n.name}: {n.node_count} nodes ({labels}); {n.tie_count} ties ({types})")


@app.command("delete")
@reports_errors
def delete_cmd(
    network: NetworkOpt = DEFAULT_NETWORK,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
) -> None:
    """Delete one network, every node and tie of it (asks; --yes without a terminal).

    The network vanishes in one step; its data is then deleted in batches. Other
    networks are not touched."""
    from graph_service.services import deletion
    from graph_service.services.runtime import Runtime

    with Runtime(network=network) as rt:
        plan = deletion.plan_delete(rt)
        if not yes:
            confirm(
                f"Delete network {network!r} ({plan.nodes:,} nodes, {plan.ties:,} ties)?",
                f"deleting network {network!r} needs --yes (there is no terminal to ask on)",
            )
        with (
            steps() as progress,
            progress.step(f"deleting network {network!r}", unit="nodes and ties") as step,
        ):
            gone = deletion.delete_graph(rt, step.update)
    typer.echo(f"deleted network {network!r}: {gone:,} nodes and ties")
