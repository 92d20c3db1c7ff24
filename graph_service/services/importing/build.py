"""From the rows of a file to the nodes and ties the store keeps, as the options say.

Node table: the id is the column ``id`` (else ``name``, else ``label`` as Kumu keys its
rows); a ``label`` column whose every value is one of the model's labels gives each node
its label (else ``--label``); ``name`` (else a non-label ``label`` column, else the id) is
the name; ``kind`` and ``description`` are read as such; every other column is an
attribute under its lower-snake-case name. Tie table: ``source``/``target`` (or
``from``/``to``); a ``type`` column of the model's types, ``id``, ``phase``, ``valid_from``,
``valid_to``, ``role`` and the ``evidence_*`` columns are read as such, the weight from
``--weight`` (else a ``weight`` column); other columns are listed as not imported (ties
carry no free attributes).

Rows that name the same tie (the same arc twice, or a->b and b->a of an undirected type)
become one tie with the largest weight and all their evidence, as ``analyze`` counts them.
Arcs into an undirected type are refused unless ``merge_arcs`` is set.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from graph_service.errors import Invalid
from graph_service.model import (
    DIRECTED,
    RESERVED_NODE_PROPERTIES,
    SOCIAL_TYPES,
    NodeIn,
    NodeLabel,
    RelType,
    TieIn,
)
from graph_service.services.importer import Parsed, RowError, cell_value, pydantic_errors
from graph_service.services.importing.names import attribute_names, node_id, snake_case
from graph_service.services.importing.options import ImportOptions
from graph_service.services.importing.preview import FileInfo, ImportPreview
from graph_service.services.importing.sources import RawSource, Rows

PREVIEW_ROWS = 5
TIE_FIELDS = ("id", "phase", "valid_from", "valid_to", "role")
EVIDENCE_FIELDS = {
    "evidence_method": "method",
    "evidence_source": "source",
    "evidence_date": "date",
    "evidence_confidence": "confidence",
}
_LABELS = {label.value.lower(): label for label in NodeLabel}
_TYPES = {t.value.lower(): t for t in RelType}


@dataclass
class Built:
    parsed: Parsed
    preview: ImportPreview


@dataclass
class _State:
    options: ImportOptions
    parsed: Parsed = field(default_factory=Parsed)
    ids_rewritten: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    groups: Counter[str] = field(default_factory=Counter)
    defined: set[str] = field(default_factory=set)
    arcs_merged: int = 0

    def error(self, where: str, column: str, message: str) -> None:
        self.parsed.errors.append(RowError(record=where, field=column, message=message))

    def id_of(self, raw: Any, where: str, column: str) -> str | None:
        text = "" if raw is None else str(raw).strip()
        new = node_id(raw)
        if not new:
            self.error(where, column, f"{column} {text!r} is empty or has no letter or digit")
            return None
        if new != text and not (isinstance(raw, float) and raw.is_integer()):
            self.ids_rewritten.setdefault(text, new)
        return new


def _first(columns: Sequence[str], *names: str) -> str | None:
    lowered = {c.strip().lower(): c for c in columns}
    return next((lowered[n] for n in names if n in lowered), None)


def _column(columns: Sequence[str], wanted: str, table: str) -> str:
    """The column the user named (as written, or by its lower-snake-case name)."""
    for column in columns:
        if column == wanted or snake_case(column) == snake_case(wanted):
            return column
    raise Invalid(f"{table}: no column {wanted!r} (columns: {', '.join(columns)})")


def _vocabulary_column(rows: Rows, column: str | None, vocabulary: dict[str, Any]) -> bool:
    """Whether every non-empty value of ``column`` is a word of ``vocabulary``."""
    if column is None:
        return False
    values = {str(r.get(column, "")).strip().lower() for _, r in rows.rows} - {""}
    return bool(values) and values <= set(vocabulary)


def _scalar(value: Any) -> Any:
    """A stored attribute value: text read as in the CSV layout, numbers within 64 bits."""
    if isinstance(value, str):
        return cell_value(value) if value.strip() else None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return None


@dataclass
class _NodeColumns:
    id: str
    label: str | None
    name: str | None
    kind: str | None
    description: str | None
    group: str | None
    attributes: dict[str, str]


def _node_columns(rows: Rows, state: _State) -> _NodeColumns:
    cols = rows.columns
    id_col = _first(cols, "id") or _first(cols, "name") or _first(cols, "label")
    if id_col is None:
        raise Invalid(
            f"{rows.name}: no id column (expected id, name or label; columns: {', '.join(cols)})"
        )
    # our own GraphML/GEXF exports name the label node_type (their label is the name)
    label_col = next(
        (
            c
            for c in (_first(cols, "label"), _first(cols, "node_type"))
            if c != id_col and _vocabulary_column(rows, c, _LABELS)
        ),
        None,
    )
    name_col = _first(cols, "name")
    if name_col in (None, id_col):
        other = _first(cols, "label")
        name_col = other if other not in (id_col, label_col) else None
    group = state.options.group_by
    group_col = _column(cols, group, rows.name) if group else None
    fixed = {id_col, label_col, name_col, _first(cols, "kind"), _first(cols, "description")}
    fixed.discard(None)
    free = [c for c in cols if c not in fixed]
    mapping = attribute_names(free, RESERVED_NODE_PROPERTIES)
    state.parsed.renamed.update({c: n for c, n in mapping.items() if c != n})
    return _NodeColumns(
        id_col,
        label_col,
        name_col,
        _first(cols, "kind"),
        _first(cols, "description"),
        group_col,
        mapping,
    )


def _group_of(value: Any, column: str) -> tuple[str, str] | None:
    """(id, name) of the group a node column's value stands for: ``group:faction:1`` and
    ``Faction 1`` (numbers get the column's name in front; text is the name as it is)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    numeric = not isinstance(cell_value(text), str | bool)
    gid = f"group:{snake_case(column) or 'group'}:{node_id(text) or 'x'}"
    return gid, f"{column} {text}" if numeric else text


#: a membership the --group-by column gives: where, the node's id, (group id, group name)
_Membership = tuple[str, str, tuple[str, str]]


def _read_nodes(rows: Rows, state: _State, memberships: list[_Membership]) -> None:
    cols = _node_columns(rows, state)
    dropped: set[str] = set()
    for where, row in rows.rows:
        nid = state.id_of(row.get(cols.id), where, cols.id)
        if nid is None:
            continue
        state.defined.add(nid)
        raw: dict[str, Any] = {"id": nid, "attributes": {}}
        raw["label"] = row.get(cols.label) if cols.label else state.options.label.value
        raw["label"] = _LABELS.get(str(raw["label"]).strip().lower(), raw["label"])
        name = row.get(cols.name) if cols.name else None
        raw["name"] = str(name).strip() if name not in (None, "") else str(row.get(cols.id))
        for key, col in (("kind", cols.kind), ("description", cols.description)):
            if col and row.get(col) not in (None, ""):
                raw[key] = str(row[col])
        for col, attr in cols.attributes.items():
            if col in row and row[col] not in (None, ""):
                value = _scalar(row[col])
                if value is None:
                    dropped.add(col)
                else:
                    raw["attributes"][attr] = value
        try:
            node = NodeIn.model_validate(raw)
        except ValidationError as exc:
            state.parsed.errors += pydantic_errors(where, exc)
            state.parsed.failed_ids.add(nid)
            continue
        state.parsed.nodes.append((where, node))
        group = _group_of(row.get(cols.group), cols.group) if cols.group else None
        if group is not None:
            state.groups[group[1]] += 1
            memberships.append((where, nid, group))
    if dropped:
        state.notes.append(
            f"{rows.name}: column(s) {', '.join(sorted(dropped))} hold values "
            "that are not text, numbers or true/false; not imported"
        )


def _observation(state: _State, source_name: str) -> dict[str, Any] | None:
    opts = state.options
    if opts.evidence_method is None:
        return None
    obs: dict[str, Any] = {
        "method": opts.evidence_method,
        "source": opts.evidence_source or source_name,
    }
    if opts.evidence_date:
        obs["date"] = opts.evidence_date
    return obs


#: a tie row: where, the TieIn fields, its ends as written, its ``directed`` column if any
_Row = tuple[str, dict[str, Any], tuple[str, str], bool | None]


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    return {"true": True, "false": False}.get(text)


def _tie_rows(rows: Rows, state: _State) -> list[_Row]:
    cols = rows.columns
    source = _first(cols, "source", "from", "src")
    target = _first(cols, "target", "to", "dst")
    if source is None or target is None:
        raise Invalid(
            f"{rows.name}: needs a source and a target column (source,target or "
            f"from,to); the header has: {', '.join(cols)}"
        )
    type_col = next(
        (
            c
            for c in (_first(cols, "type"), _first(cols, "tie_type"))
            if _vocabulary_column(rows, c, _TYPES)
        ),
        None,
    )
    weight = state.options.weight
    weight_col = _column(cols, weight, rows.name) if weight else _first(cols, "weight")
    known = {c: _first(cols, c) for c in (*TIE_FIELDS, *EVIDENCE_FIELDS)}
    directed_col = _first(cols, "directed")
    used = {source, target, type_col, weight_col, directed_col, *known.values()}
    ignored = [c for c in cols if c not in used]
    if ignored:
        state.notes.append(
            f"{rows.name}: column(s) {', '.join(ignored)} not imported (ties "
            "carry no free attributes; use --weight for a weight column)"
        )
    stamp = _observation(state, rows.name)
    out = []
    loops = 0
    for where, row in rows.rows:
        ends = [state.id_of(row.get(c), where, c) for c in (source, target)]
        if ends[0] is None or ends[1] is None:
            continue
        if ends[0] == ends[1]:
            loops += 1  # a tie joins two nodes; analyze ignores self-loops too
            continue
        tie: dict[str, Any] = {"source": ends[0], "target": ends[1]}
        tie["type"] = (
            _TYPES[str(row[type_col]).lower()]
            if type_col and row.get(type_col)
            else state.options.type
        )
        if weight_col and row.get(weight_col) not in (None, ""):
            tie["weight"] = row[weight_col]
        for key in TIE_FIELDS:
            if known[key] and row.get(known[key]) not in (None, ""):  # type: ignore[arg-type]
                tie[key] = row[known[key]]  # type: ignore[index]
        if "phase" not in tie and state.options.phase:
            tie["phase"] = state.options.phase
        obs = {
            f: row[c]
            for c_key, f in EVIDENCE_FIELDS.items()
            if (c := known[c_key]) and row.get(c) not in (None, "")
        }
        tie["evidence"] = [o for o in (obs or None, stamp) if o]
        flag = _flag(row.get(directed_col)) if directed_col else None
        out.append((where, tie, (ends[0], ends[1]), flag))
    if loops:
        state.notes.append(f"{rows.name}: {loops} self-loop(s) (source = target) not imported")
    return out


@dataclass
class _Tie:
    """The rows of one tie, merged."""

    where: str
    tie: TieIn
    ends: set[tuple[str, str]]
    rows: int = 1
    arcs: int = 0  # rows that a directed file marks as arcs


def _collapse(state: _State, rows: list[_Row], directed_file: bool) -> dict[str, _Tie]:
    """Validate tie rows and merge the rows of one tie (see the module docstring)."""
    merged: dict[str, _Tie] = {}
    for where, raw, ends, flag in rows:
        try:
            tie = TieIn.model_validate(raw)
        except ValidationError as exc:
            state.parsed.errors += pydantic_errors(where, exc)
            continue
        # our own exports write undirected ties into a directed file, marked directed=false
        arc = int(directed_file and flag is not False)
        if tie.key not in merged:
            merged[tie.key] = _Tie(where, tie, {ends}, arcs=arc)
            continue
        acc = merged[tie.key]
        diff = [
            f
            for f in ("phase", "valid_from", "valid_to", "role")
            if getattr(acc.tie, f) != getattr(tie, f)
        ]
        if diff:
            message = f"tie {tie.key} differs from {acc.where} in {', '.join(diff)}"
            state.error(where, ",".join(diff), message)
            continue
        acc.tie.weight = max(acc.tie.weight, tie.weight)
        evidence = [*acc.tie.evidence, *tie.evidence]
        acc.tie.evidence = TieIn.model_validate({**raw, "evidence": evidence}).evidence
        acc.ends.add(ends)
        acc.rows += 1
        acc.arcs += arc
    return merged


def _merge(state: _State, rows: list[_Row], directed_file: bool | None, name: str) -> None:
    """Merge the rows of each tie; arcs into an undirected type need ``merge_arcs``."""
    merged = _collapse(state, rows, bool(directed_file))
    undirected = [m for m in merged.values() if not DIRECTED[m.tie.type]]
    arcs = sum(m.rows for m in undirected)
    reversed_pairs = sum(1 for m in undirected if len(m.ends) > 1)
    marked = any(m.arcs for m in undirected)
    if undirected and (marked or reversed_pairs):
        types = ", ".join(sorted({m.tie.type.value for m in undirected}))
        why = (
            "the file is directed"
            if marked
            else f"{reversed_pairs} pair(s) appear both ways (a->b and b->a)"
        )
        if not state.options.merge_arcs:
            directed_types = " or ".join(sorted(t.value for t in SOCIAL_TYPES if DIRECTED[t]))
            raise Invalid(
                f"{name}: {arcs} arcs would become {len(undirected)} undirected {types} ties "
                f"({why}). Import them as a directed type (--type {directed_types}) "
                "or pass --merge-arcs to merge them"
            )
        state.notes.append(
            f"{arcs} arcs merged into {len(undirected)} undirected {types} ties ({why}); "
            "each keeps the largest weight"
        )
        state.arcs_merged = arcs - len(undirected)
    state.parsed.ties += [(m.where, m.tie) for m in merged.values()]


def _end_nodes(
    state: _State, stored: Callable[[list[str]], dict[str, str]] | None, has_node_table: bool
) -> None:
    """Without a node table, the ends of the ties become nodes (unless already stored)."""
    if has_node_table:
        return
    ends = {e for _, t in state.parsed.ties for e in (t.source, t.target)} - state.defined
    known = stored(sorted(ends)) if stored is not None and ends else {}
    written_as = {new: old for old, new in state.ids_rewritten.items()}
    for end in sorted(ends - set(known), key=lambda e: (len(e), e)):
        node = NodeIn(id=end, label=state.options.label, name=written_as.get(end, end))
        state.parsed.nodes.append(("(tie end)", node))


def build(
    source: RawSource,
    options: ImportOptions,
    stored: Callable[[list[str]], dict[str, str]] | None = None,
) -> Built:
    """Nodes, ties and the preview of ``source`` read with ``options``; ``stored`` looks up
    the labels of ids already in the store (tie ends that need no new node)."""
    state = _State(options)
    memberships: list[_Membership] = []
    if source.nodes is not None:
        _read_nodes(source.nodes, state, memberships)
    elif options.group_by:
        raise Invalid("--group-by names a node column: give a node table (--nodes)")
    tie_rows = _tie_rows(source.ties, state)
    _merge(state, tie_rows, source.directed, source.ties.name)
    _end_nodes(state, stored, source.nodes is not None)
    _add_groups(state, memberships)
    return Built(state.parsed, _preview(source, state))


def _add_groups(state: _State, memberships: list[_Membership]) -> None:
    """The Group nodes and MEMBER_OF ties of ``--group-by``."""
    seen: set[str] = set()
    for where, node, (gid, gname) in memberships:
        if gid not in seen:
            seen.add(gid)
            state.parsed.nodes.append((where, NodeIn(id=gid, label=NodeLabel.GROUP, name=gname)))
        tie = TieIn(type=RelType.MEMBER_OF, source=node, target=gid)
        state.parsed.ties.append((where, tie))


def _preview(source: RawSource, state: _State) -> ImportPreview:
    files = [
        FileInfo(name=t.name, rows=len(t.rows), encoding=t.encoding, delimiter=t.delimiter)
        for t in (source.ties, source.nodes)
        if t is not None
    ]
    preview = preview_of(state.parsed, source.format.value, files)
    preview.groups = dict(state.groups)
    preview.ids_rewritten = dict(list(state.ids_rewritten.items())[:20])
    preview.arcs_merged = state.arcs_merged
    preview.notes = state.notes
    return preview


def preview_of(parsed: Parsed, fmt: str, files: list[FileInfo]) -> ImportPreview:
    """Counts per label and type, renamed columns and the first rows as they will be
    stored: the preview of any parsed import (the service's own formats included)."""
    nodes = list({n.id: n for _, n in parsed.nodes}.values())
    ties = list({t.key: t for _, t in parsed.ties}.values())
    return ImportPreview(
        format=fmt,
        files=files,
        nodes_by_label=dict(Counter(n.label.value for n in nodes)),
        ties_by_type=dict(Counter(t.type.value for t in ties)),
        renamed=parsed.renamed,
        first_nodes=[n.model_dump(mode="json", exclude_none=True) for n in nodes[:PREVIEW_ROWS]],
        first_ties=[t.model_dump(mode="json", exclude_none=True) for t in ties[:PREVIEW_ROWS]],
    )
