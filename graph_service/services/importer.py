"""Bulk import: a JSON document or a pair of CSV files, validated whole before anything is written.

Every bad row is reported with where it is (``nodes[3]`` or ``ties.csv line 7``), the
field and the reason; one bad row means nothing is written. Importing the same data twice
changes nothing: nodes and ties are upserts keyed by id, and a record replaces what was
stored under its id.

CSV layout (documented in docs/import.md):

- nodes: ``id,label,name`` required, ``kind,description`` optional, any other column is an
  attribute (lower snake case); empty cells are absent values; numbers and true/false are
  read as such.
- ties: ``type,source,target`` required; ``id,weight,valid_from,valid_to,phase,role``
  optional; and for evidence ``evidence_method,evidence_source,evidence_date,
  evidence_confidence``. One row per observation: rows of the same tie (same id, or same
  type, ends and phase) merge their evidence, and must agree on the other fields.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from pydantic import BaseModel, ValidationError

from graph_service.errors import Invalid
from graph_service.model import (
    DOCUMENT_FORMAT,
    RESERVED_NODE_PROPERTIES,
    NodeIn,
    NodeLabel,
    RelType,
    TieIn,
    endpoint_error,
)
from graph_service.progress import OnProgress, no_progress
from graph_service.services.importing.engine import ImportEngine, choose_engine, write_offline
from graph_service.services.importing.preview import ImportPreview
from graph_service.services.runtime import Runtime
from graph_service.store.repository import BATCH_SIZE, GraphRepository
from graph_service.textfiles import Table

MAX_ERRORS = 1000


class RowError(BaseModel):
    record: str
    field: str
    message: str


class ImportReport(BaseModel):
    dry_run: bool
    nodes: int
    ties: int
    written_nodes: int = 0
    written_ties: int = 0
    atomic: bool = True
    #: which engine wrote it (services/importing/engine.py): transactional or offline
    engine: str = "transactional"
    #: what the file import creates (services/importing); None for a JSON document
    preview: ImportPreview | None = None


@dataclass
class Parsed:
    nodes: list[tuple[str, NodeIn]] = field(default_factory=list)
    ties: list[tuple[str, TieIn]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: ids of node rows that failed: ties to them are not reported again
    failed_ids: set[str] = field(default_factory=set)
    #: attribute headers rewritten in lower snake case: {as written: as stored}
    renamed: dict[str, str] = field(default_factory=dict)


def pydantic_errors(where: str, exc: ValidationError) -> list[RowError]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(record)"
        msg = err["msg"].removeprefix("Value error, ")
        out.append(RowError(record=where, field=loc, message=msg))
    return out


def _record_name(kind: str, index: int, raw: Any) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
        return f"{kind}[{index}] (id {raw['id']})"
    return f"{kind}[{index}]"


def parse_document(data: bytes | str | Mapping[str, Any]) -> Parsed:
    """Parse a JSON import document record by record, collecting every error."""
    parsed = Parsed()
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise Invalid(
                f"the document is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from exc
    if not isinstance(data, Mapping):
        raise Invalid("the document must be a JSON object with 'nodes' and 'ties' lists")
    unknown = set(data) - {"format", "nodes", "ties"}
    if unknown:
        raise Invalid(f"unknown top-level field(s): {', '.join(sorted(unknown))}")
    if "format" not in data:
        raise Invalid(
            'the document has no \'format\' field: add "format": "graph-service/v1"',
            errors=[{"record": "document", "field": "format", "message": "missing"}],
        )
    fmt = data["format"]
    if fmt != DOCUMENT_FORMAT:
        raise Invalid(f"unknown document format {fmt!r} (expected 'graph-service/v1')")
    for kind, model in (("nodes", NodeIn), ("ties", TieIn)):
        items = data.get(kind, [])
        if not isinstance(items, list):
            raise Invalid(f"'{kind}' must be a list")
        for i, raw in enumerate(items):
            where = _record_name(kind, i, raw)
            try:
                obj = model.model_validate(raw)
            except ValidationError as exc:
                parsed.errors += pydantic_errors(where, exc)
                if kind == "nodes" and isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
                    parsed.failed_ids.add(raw["id"])  # its ties are not reported again
                continue
            (parsed.nodes if kind == "nodes" else parsed.ties).append((where, obj))  # type: ignore[arg-type]
    return parsed


#: The CSV layout (docs/import.md); the exporter writes the same columns in this order.
NODE_COLUMNS = ["id", "label", "name", "kind", "description"]
TIE_BASE_COLUMNS = [
    "id",
    "type",
    "source",
    "target",
    "weight",
    "valid_from",
    "valid_to",
    "phase",
    "role",
]
EVIDENCE_COLUMNS = {
    "evidence_method": "method",
    "evidence_source": "source",
    "evidence_date": "date",
    "evidence_confidence": "confidence",
}
TIE_COLUMNS = TIE_BASE_COLUMNS + list(EVIDENCE_COLUMNS)


def cell_value(text: str) -> str | int | float | bool:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return _int64(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if number == number and abs(number) != float("inf") else text


_cell_value = cell_value  # the name services/nodes.py imports


def _int64(text: str) -> int:
    # a longer integer than Neo4j's 64 bits is refused by the model (model.Int64), naming
    # the field and the line, not stored as text behind the analyst's back
    return int(text)


def _table(data: str | bytes, name: str, required: set[str]) -> Table:
    from graph_service.textfiles import read_table

    table = read_table(data.encode("utf-8") if isinstance(data, str) else data, name)
    missing = required - set(table.header)
    if missing:
        raise Invalid(
            f"{name}: missing column(s) {', '.join(sorted(missing))} in the header "
            f"(read with the {table.delimiter_name} as delimiter: {', '.join(table.header)})"
        )
    return table


def _node_rows(table: Table, parsed: Parsed) -> dict[str, str]:
    """Read the node rows of the CSV pair; attribute headers are rewritten in lower snake
    case, and the returned mapping lists the rewrites."""
    from graph_service.services.importing.names import attribute_names

    free = [c for c in table.header if c not in NODE_COLUMNS]
    names = attribute_names(free, RESERVED_NODE_PROPERTIES)
    for line, row in table.rows:
        where = f"{table.name} line {line}"
        if line in table.ragged:
            parsed.errors.append(
                RowError(record=where, field="(row)", message="more cells than columns")
            )
            continue
        raw: dict[str, Any] = {"attributes": {}}
        for col, value in row.items():
            if value == "":
                continue
            if col in NODE_COLUMNS:
                raw[col] = value
            else:
                raw["attributes"][names[col]] = cell_value(value)
        try:
            parsed.nodes.append((where, NodeIn.model_validate(raw)))
        except ValidationError as exc:
            parsed.errors += pydantic_errors(where, exc)
            if raw.get("id"):
                parsed.failed_ids.add(raw["id"])
    return {c: n for c, n in names.items() if c != n}


def parse_csv(
    nodes_text: str | bytes,
    ties_text: str | bytes,
    nodes_name: str = "nodes.csv",
    ties_name: str = "ties.csv",
) -> Parsed:
    """Parse the CSV pair (layout in the module docstring), collecting every error. Bytes
    are decoded as :mod:`graph_service.textfiles` says (encoding and delimiter found)."""
    parsed = Parsed()
    parsed.renamed = _node_rows(_table(nodes_text, nodes_name, {"id", "label", "name"}), parsed)
    table = _table(ties_text, ties_name, {"type", "source", "target"})
    header = table.header
    unknown = set(header) - set(TIE_COLUMNS)
    if unknown:
        raise Invalid(f"{ties_name}: unknown column(s) {', '.join(sorted(unknown))}")
    merged: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {}
    order: list[str] = []
    for line, row in table.rows:
        where = f"{ties_name} line {line}"
        if line in table.ragged:
            parsed.errors.append(
                RowError(record=where, field="(row)", message="more cells than columns")
            )
            continue
        cells = {c: (row.get(c) or "").strip() for c in TIE_BASE_COLUMNS}
        base = {c: v for c, v in cells.items() if v}
        obs = {
            key: (row.get(col) or "").strip()
            for col, key in EVIDENCE_COLUMNS.items()
            if (row.get(col) or "").strip()
        }
        try:
            tie = TieIn.model_validate({**base, "evidence": [obs] if obs else []})
        except ValidationError as exc:
            parsed.errors += pydantic_errors(where, exc)
            continue
        fields = tie.model_dump(exclude={"evidence"})
        if tie.key in merged:
            first_where, first_fields, acc = merged[tie.key]
            if first_fields != fields:
                diff = sorted(k for k in fields if fields[k] != first_fields.get(k))
                parsed.errors.append(
                    RowError(
                        record=where,
                        field=",".join(diff),
                        message=f"tie {tie.key} differs from {first_where} in {', '.join(diff)}",
                    )
                )
                continue
            acc["evidence"] += tie.evidence
        else:
            merged[tie.key] = (where, fields, {"evidence": list(tie.evidence)})
            order.append(tie.key)
    for key in order:
        where, fields, acc = merged[key]
        parsed.ties.append((where, TieIn.model_validate({**fields, **acc})))
    return parsed


def _repeated(
    seen: dict[str, tuple[str, Any]], key: str, where: str, value: Any, what: str
) -> RowError | None:
    """The error of a ``key`` seen before (at ``seen[key]``) with other values; a key
    seen first is remembered with where it stands. The same record again is no error."""
    if key in seen and seen[key][1] != value:
        return RowError(
            record=where,
            field="id",
            message=f"{what} appears again with other values (first at {seen[key][0]})",
        )
    seen.setdefault(key, (where, value))
    return None


def check_graph(parsed: Parsed, repo: GraphRepository | None) -> list[RowError]:
    """Errors that need the whole document and the store: duplicate ids, labels that
    conflict with stored nodes, ties whose ends are missing or of the wrong label."""
    errors: list[RowError] = []
    labels: dict[str, NodeLabel] = {}
    first_seen: dict[str, tuple[str, Any]] = {}
    for where, node in parsed.nodes:
        if repeated := _repeated(first_seen, node.id, where, node, f"id {node.id}"):
            errors.append(repeated)
            continue
        labels[node.id] = node.label
    tie_seen: dict[str, tuple[str, Any]] = {}
    for where, tie in parsed.ties:
        key = tie.key
        if key not in tie_seen:  # the common case, without a call (a million ties)
            tie_seen[key] = (where, tie)
        elif repeated := _repeated(tie_seen, key, where, tie, f"tie {key}"):
            errors.append(repeated)
    ends = {t.source for _, t in parsed.ties} | {t.target for _, t in parsed.ties}
    stored = repo.labels_of(sorted(set(labels) | ends)) if repo is not None else {}
    for where, node in parsed.nodes:
        have = stored.get(node.id)
        if have is not None and have != node.label.value:
            errors.append(
                RowError(
                    record=where,
                    field="label",
                    message=f"node {node.id} is stored as a {have}; a node keeps its label "
                    "(delete it first to change it)",
                )
            )
    return errors + _tie_end_errors(parsed, labels, stored)


def _tie_end_errors(
    parsed: Parsed, labels: dict[str, NodeLabel], stored: dict[str, str]
) -> list[RowError]:
    """Ties whose ends are missing (one error per missing id, none for a node row that
    failed on its own) or of the wrong label for the type."""
    errors: list[RowError] = []
    missing: dict[str, tuple[str, str, int]] = {}
    known = {**{node_id: NodeLabel(label) for node_id, label in stored.items()}, **labels}
    reasons: dict[tuple[Any, NodeLabel, NodeLabel], str | None] = {}  # few distinct ones
    for where, tie in parsed.ties:
        source, target = known.get(tie.source), known.get(tie.target)
        if source is not None and target is not None:
            ends = (tie.type, source, target)
            if ends not in reasons:
                reasons[ends] = endpoint_error(RelType(tie.type), source, target)
            if reason := reasons[ends]:
                errors.append(RowError(record=where, field="type", message=reason))
            continue
        for column, node_id, label in (
            ("source", tie.source, source),
            ("target", tie.target, target),
        ):
            if label is None and node_id not in parsed.failed_ids:
                first, seen_in, count = missing.get(node_id, (where, column, 0))
                missing[node_id] = (first, seen_in, count + 1)
    for node_id, (where, column, count) in missing.items():
        also = f" (named by {count} ties; the first is listed)" if count > 1 else ""
        errors.append(
            RowError(
                record=where,
                field=column,
                message=f"no node with id {node_id} in the document or the store{also}",
            )
        )
    return errors


def _dedupe_nodes(items: Iterable[tuple[str, NodeIn]]) -> list[NodeIn]:
    return list({n.id: n for _, n in items}.values())


def _dedupe_ties(items: Iterable[tuple[str, TieIn]]) -> list[TieIn]:
    return list({t.key: t for _, t in items}.values())


def once_per_cause(errors: list[RowError]) -> list[RowError]:
    """The same problem in many rows (the same field, the same message) is one error that
    names its first row and counts the others."""
    grouped: dict[tuple[str, str], tuple[RowError, int]] = {}
    for error in errors:
        first, count = grouped.get((error.field, error.message), (error, 0))
        grouped[(error.field, error.message)] = (first, count + 1)
    return [
        first
        if count == 1
        else first.model_copy(
            update={"message": f"{first.message} ({count} rows; the first is listed)"}
        )
        for first, count in grouped.values()
    ]


def validate(parsed: Parsed, repo: GraphRepository | None) -> None:
    """Raise :class:`Invalid` listing every bad row; ``repo=None`` checks against an empty
    store (for a load that replaces the stored graph)."""
    errors = once_per_cause(parsed.errors + check_graph(parsed, repo))
    if errors:
        shown = errors[:MAX_ERRORS]
        more = f" (first {MAX_ERRORS} listed)" if len(errors) > MAX_ERRORS else ""
        raise Invalid(
            f"import rejected, nothing written: {len(errors)} problem(s){more}; "
            f"first: {shown[0].record}: {shown[0].field}: {shown[0].message}",
            errors=[e.model_dump() for e in shown],
        )


def import_parsed(
    services: Runtime,
    parsed: Parsed,
    *,
    dry_run: bool = False,
    replace: bool = False,
    on_progress: OnProgress = no_progress,
    on_notice: Callable[[str], None] | None = None,
    engine: ImportEngine = ImportEngine.TRANSACTIONAL,
) -> ImportReport:
    r"""Validate the whole import into the runtime's network; write it only when every row
    is good. ``on_progress`` hears the rows written (``graph_service.progress``).

    An import into an empty or new network, or one that ``replace``\ s the network, is
    staged (services/networks.py): written under a fresh key and made visible in one
    final step, whatever its size. An append into a network that holds data is written
    in one transaction up to ``IMPORT_ATOMIC_ROWS``, in batches above (not atomic), and
    ``on_notice`` is told so before anything is written. ``engine`` chooses how it is
    written (services/importing/engine.py); the offline engine, for an empty store,
    tells ``on_notice`` each step."""
    from graph_service.services import networks

    repo = services.repo
    staged = replace or repo.entity_counts() == (0, 0)
    # an empty network has no stored node to check against (every import into it is staged)
    validate(parsed, None if staged else repo)
    nodes = _dedupe_nodes(parsed.nodes)
    ties = _dedupe_ties(parsed.ties)
    report = ImportReport(
        dry_run=dry_run,
        nodes=len(nodes),
        ties=len(ties),
        atomic=staged or repo.import_is_atomic(len(nodes) + len(ties)),
    )
    chosen = choose_engine(services, engine, report.nodes + report.ties)
    report.engine = chosen.value
    if chosen is ImportEngine.OFFLINE:
        report.atomic = True  # a failed offline import leaves the store empty
    if dry_run:
        return report
    if chosen is ImportEngine.OFFLINE:
        say = on_notice or (lambda _: None)
        written = write_offline(services, nodes, ties, say, fall_back=engine is ImportEngine.AUTO)
        if written is not None:
            report.written_nodes, report.written_ties = written
            return report
        report.engine = ImportEngine.TRANSACTIONAL.value
        report.atomic = staged or repo.import_is_atomic(report.nodes + report.ties)
    if not report.atomic and on_notice is not None:
        on_notice(not_atomic_notice(report.nodes + report.ties, services.network))
    networks.clean_leftovers(services)
    if staged:
        written = networks.write_staged(
            services, nodes, ties, replace=replace, on_progress=on_progress, on_notice=on_notice
        )
    else:
        written = repo.write_graph(nodes, ties, on_progress)
    report.written_nodes, report.written_ties = written
    return report


def not_atomic_notice(rows: int, network: str) -> str:
    """What a surface says before an import that cannot be atomic: an append of more than
    IMPORT_ATOMIC_ROWS rows into a network that holds data."""
    return (
        f"adding {rows:,} nodes and ties to network {network!r}, which holds data, in "
        f"batches of {BATCH_SIZE:,}: not atomic (an append above IMPORT_ATOMIC_ROWS "
        "cannot be staged, docs/import.md); if it is interrupted, run the same import "
        "again to complete it"
    )


def import_document(
    services: Runtime, data: bytes | str | Mapping[str, Any], *, dry_run: bool = False
) -> ImportReport:
    return import_parsed(services, parse_document(data), dry_run=dry_run)


def import_csv(
    services: Runtime, nodes_text: str | bytes, ties_text: str | bytes, *, dry_run: bool = False
) -> ImportReport:
    return import_parsed(services, parse_csv(nodes_text, ties_text), dry_run=dry_run)


def sample_network_bytes() -> bytes:
    """The sample network shipped with the package (the demo's, as a JSON document)."""
    return (resources.files("graph_service") / "data" / "sample_network.json").read_bytes()
