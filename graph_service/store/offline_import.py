"""First loads at the engine's speed: ``neo4j-admin database import full`` into the local
server's empty store.

The rows are the transactional import's own (``repository.node_row`` / ``tie_row``: one
rule decides what is stored); this module only writes them as the CSV files the offline
importer reads, with a typed header for every property, and runs the importer with the
local server's own jars and configuration while the server is stopped.

How a property map becomes CSV, so that the store equals the transactional import's:

- every value's type is the one the driver would store: ``str`` a string, ``bool`` a
  boolean, ``int`` a long, ``float`` a double, a ``date`` a Date, a list an array of its
  elements' type (``ev_methods:string[]``, ``ev_confidences:double[]``);
- an absent property is an empty unquoted cell; a string, even empty, is quoted (the
  importer reads ``""`` as the empty string and an empty cell as no value);
- rows go into one file per header: a row joins the first file whose columns do not give
  one of its properties another type (an attribute that is a number on one node and text
  on another), so a typical import is one node file and one tie file;
- the files are written column by column (a property's values typed and formatted at
  once, :func:`column_kind`, :func:`cells`), a chunk of rows at a time; only when a
  property needs several types are the rows spread over files row by row;
- an empty list is left out: the importer cannot write one, and every query reads a
  missing evidence array as empty (``coalesce(r.ev_methods, [])``);
- the array delimiter is the first of :data:`ARRAY_DELIMITERS` that no array element and
  no label contains;
- an empty array element (an observation without a date in ``ev_dates``) is written as
  :data:`BLANK` and emptied again by the importer's ``--trim-strings`` (an array cell of
  one empty element would read as no value): every other string must come through that
  trimming unchanged, which the model's stripped strings do unless one begins or ends
  with a control character (:class:`OfflineUnsupported`, before the server is touched).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any

from graph_service.config import Settings
from graph_service.errors import Invalid, LocalServerError
from graph_service.model import ENTITY_LABEL
from graph_service.store import local_server

#: Array delimiters in order of preference; the importer is given the chosen one by code
#: point (`--array-delimiter=U+003B` for ";"), which no shell or CSV quoting can alter.
ARRAY_DELIMITERS = (";", "|", "\x1f", "\x1e", "\x1d", "\x1c")
#: Lines of the importer's output quoted in an error.
ERROR_LINES = 6


def neo4j_type(value: Any) -> str:
    """The importer's header type of a property value, as the driver stores it."""
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, date) and type(value) is date:
        return "date"
    if isinstance(value, list) and value:
        kinds = {neo4j_type(item) for item in value}
        if len(kinds) == 1 and not next(iter(kinds)).endswith("[]"):
            return kinds.pop() + "[]"
    raise TypeError(f"no offline import type for a {type(value).__name__} value: {value!r}")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same double
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


#: An empty array element as written: the importer reads an array cell of one empty
#: element as no value, so it is written as a blank that --trim-strings empties again
#: (used only when no other string has characters that trimming would remove).
BLANK = " "


def _string_array(value: list[str], delimiter: str) -> str:
    if "" in value:
        value = [item or BLANK for item in value]
    return '"' + delimiter.join(value).replace('"', '""') + '"'


#: How an element of each non-text type is written (as :func:`_scalar_text` does).
_TEXT: dict[str, Callable[[Any], str]] = {
    "double": repr,
    "long": str,
    "boolean": _scalar_text,
    "date": _scalar_text,
}


def cells(kind: str, values: Sequence[Any], delimiter: str) -> list[str]:
    """The CSV cells of a column of ``kind`` (as :func:`neo4j_type` names it): None, and
    an empty list, are an empty cell (no property); a string is quoted, even empty."""
    d = delimiter
    if kind == "string":
        return ["" if v is None else '"' + v.replace('"', '""') + '"' for v in values]
    if kind == "string[]":
        return [
            ('"' + d.join(v).replace('"', '""') + '"' if "" not in v else _string_array(v, d))
            if v
            else ""
            for v in values
        ]
    if kind.endswith("[]"):  # numbers, booleans and dates hold no quote, comma or delimiter
        text = _TEXT[kind[:-2]]
        return ['"' + d.join(map(text, v)) + '"' if v else "" for v in values]
    text = _TEXT[kind]
    return ["" if v is None else text(v) for v in values]


class OfflineUnsupported(Invalid):
    """Data the offline importer cannot store as the transactional import does."""


@dataclass
class _Section:
    """One CSV file: rows whose property types agree column by column."""

    columns: dict[str, str] = field(default_factory=dict)
    rows: list[Mapping[str, Any]] = field(default_factory=list)

    def fits(self, kinds: Mapping[str, str]) -> bool:
        return all(self.columns.get(key, kind) == kind for key, kind in kinds.items())


def _shape(value: Any) -> Any:
    """What decides a value's column type, cheaply (the rows' lists hold one type)."""
    if value.__class__ is list:
        return (list, value[0].__class__) if value else None
    return value.__class__


def _sections(rows: Iterable[Mapping[str, Any]]) -> list[_Section]:
    """Rows (with their ``props``) spread over as few files as their property types allow;
    a None or an empty list is no property (see the module doc)."""
    sections: list[_Section] = []
    placed: dict[tuple[tuple[str, ...], tuple[Any, ...]], _Section] = {}
    for row in rows:
        props = row["props"]
        signature = (tuple(props), tuple(map(_shape, props.values())))
        section = placed.get(signature)
        if section is None:
            kinds = {k: neo4j_type(v) for k, v in props.items() if v is not None and v != []}
            section = next((s for s in sections if s.fits(kinds)), None)
            if section is None:
                section = _Section()
                sections.append(section)
            section.columns.update(kinds)
            placed[signature] = section
        section.rows.append(row)
    return sections


@dataclass(frozen=True)
class ImportFiles:
    """The CSV files written for one import, and how the importer must read them."""

    nodes: list[Path]
    ties: list[Path]
    array_delimiter: str
    multiline: bool
    node_count: int
    tie_count: int


#: The header type of each class of scalar the rows hold (:func:`neo4j_type`'s rule, for a
#: whole column at once: ``bool`` is its own class, not an ``int``).
_KINDS: dict[type, str] = {str: "string", bool: "boolean", int: "long", float: "double"}
_KINDS[date] = "date"
#: A column holding no value at all (only None and empty lists): no column.
_NO_VALUE = ""


def column_kind(values: Sequence[Any]) -> str | None:
    """The one header type of a column's values, as :func:`neo4j_type` gives it for each
    (None and empty lists are no value; :data:`_NO_VALUE` when nothing is left); None when
    the values need several types, or one no type has, or lists sit beside scalars: the
    rows are then split into sections row by row (:func:`_sections`)."""
    classes = set(map(type, values))
    classes.discard(type(None))
    if list in classes:
        if len(classes) > 1:
            return None
        elements = set(map(type, chain.from_iterable(filter(None, values))))
        if not elements:
            return _NO_VALUE
        if len(elements) > 1 or not elements <= _KINDS.keys():
            return None
        return _KINDS[elements.pop()] + "[]"
    if not classes:
        return _NO_VALUE
    if len(classes) > 1 or not classes <= _KINDS.keys():
        return None
    return _KINDS[classes.pop()]


@dataclass
class _Table:
    """One CSV file: rows and, for each property, its type and its values row by row."""

    rows: Sequence[Mapping[str, Any]]
    columns: dict[str, tuple[str, list[Any]]]


def _column_values(props: Sequence[Mapping[str, Any]], name: str) -> list[Any]:
    return [p.get(name) for p in props]


def _tables(rows: Sequence[Mapping[str, Any]]) -> list[_Table]:
    """The rows as few files as their property types allow: one when every property has
    one type in all rows (read column by column), else split by :func:`_sections`."""
    props = [row["props"] for row in rows]
    names = dict.fromkeys(chain.from_iterable(dict.fromkeys(map(tuple, props))))
    columns: dict[str, tuple[str, list[Any]]] = {}
    for name in names:
        values = _column_values(props, name)
        kind = column_kind(values)
        if kind is None:
            return [
                _Table(
                    s.rows,
                    {
                        n: (k, _column_values([r["props"] for r in s.rows], n))
                        for n, k in s.columns.items()
                    },
                )
                for s in _sections(rows)
            ]
        if kind != _NO_VALUE:
            columns[name] = (kind, values)
    return [_Table(rows, columns)] if rows else []


def _array_delimiter(labels: Iterable[str], tables: Iterable[_Table]) -> str:
    """The first of :data:`ARRAY_DELIMITERS` in no label and no element of a text array
    (only arrays and labels are split; other arrays hold numbers, booleans or dates)."""
    texts = [*labels]
    for table in tables:
        texts += [
            "".join(chain.from_iterable(filter(None, values)))
            for kind, values in table.columns.values()
            if kind == "string[]"
        ]
    for candidate in ARRAY_DELIMITERS:
        if not any(candidate in text for text in texts):
            return candidate
    raise OfflineUnsupported(
        "the offline import found no array delimiter free in the data (every one of "
        f"{', '.join(map(repr, ARRAY_DELIMITERS))} occurs in an evidence value); "
        "use --engine transactional"
    )


#: The characters Java's ``String.trim`` (the importer's --trim-strings) removes at either
#: end of a text.
_TRIMMED = tuple(map(chr, range(0x21)))


def _changed_by_trim(values: Iterable[str | None]) -> str | None:
    """The first text that the importer's trimming would change. The texts are joined by
    NUL and searched at once, each character that trimming removes beside a NUL (most
    never occur at all); only when a text holds a NUL itself is each one looked at."""
    texts = list(filter(None, values))
    joined = "\x00".join(texts)
    if joined.count("\x00") == len(texts) - 1 and not any(
        c in joined
        and (
            joined.startswith(c)
            or joined.endswith(c)
            or f"\x00{c}" in joined
            or f"{c}\x00" in joined
        )
        for c in _TRIMMED[1:]
    ):
        return None
    return next((t for t in texts if t[0] <= " " or t[-1] <= " "), None)


def _check_trim(tables: Iterable[_Table]) -> None:
    """Empty array elements are written as :data:`BLANK` and trimmed by the importer:
    every other string must come through trimming unchanged."""
    for table in tables:
        for kind, values in table.columns.values():
            if kind == "string":
                changed = _changed_by_trim(values)
            elif kind == "string[]":
                changed = _changed_by_trim(chain.from_iterable(filter(None, values)))
            else:
                continue
            if changed is not None:
                raise OfflineUnsupported(
                    f"the offline import cannot store the value {changed[:40]!r} unchanged "
                    "(it begins or ends with a control character); use --engine transactional"
                )


#: Rows formatted and written at a time: bounds the memory of the formatted cells.
CHUNK_ROWS = 50_000


def _write_table(
    path: Path, table: _Table, head: dict[str, Callable[[Sequence[Any]], list[str]]], d: str
) -> bool:
    """Write one file: ``head`` gives the columns before the properties (their header and
    their cells from rows); whether a value holds a line break."""
    header = [*head, *(f"{name}:{kind}" for name, (kind, _) in table.columns.items())]
    multiline = False
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(header) + "\n")
        for start in range(0, len(table.rows), CHUNK_ROWS):
            rows = table.rows[start : start + CHUNK_ROWS]
            columns = [cells_of(rows) for cells_of in head.values()]
            columns += [
                cells(kind, values[start : start + CHUNK_ROWS], d)
                for kind, values in table.columns.values()
            ]
            text = "\n".join(map(",".join, zip(*columns, strict=True))) + "\n"
            multiline = multiline or "\r" in text or text.count("\n") != len(rows)
            out.write(text)
    return multiline


def write_import_files(
    folder: Path,
    node_rows: Sequence[Mapping[str, Any]],
    tie_rows: Sequence[Mapping[str, Any]],
) -> ImportFiles:
    """Write ``node_rows`` (``{id, label, props}``) and ``tie_rows`` (``{id, type, source,
    target, props}``) into ``folder`` as the importer's CSV files. The importer joins ties
    to nodes by the node's ``id`` (its ``:ID`` column, not stored: ``id`` is a property).
    Nothing is written when the data cannot go through the importer unchanged
    (:class:`OfflineUnsupported`)."""
    node_tables = _tables(node_rows)
    tie_tables = _tables(tie_rows)
    labels = {ENTITY_LABEL, *(str(r["label"]) for r in node_rows)}
    d = _array_delimiter(labels, [*node_tables, *tie_tables])
    _check_trim([*node_tables, *tie_tables])
    folder.mkdir(parents=True, exist_ok=True)

    def quoted(key: str) -> Callable[[Sequence[Any]], list[str]]:
        return lambda rows: ['"' + r[key].replace('"', '""') + '"' for r in rows]

    node_head = {
        ":ID": quoted("id"),
        ":LABEL": lambda rows: [f'"{ENTITY_LABEL}{d}{r["label"]}"' for r in rows],
    }
    tie_head = {
        ":START_ID": quoted("source"),
        ":END_ID": quoted("target"),
        ":TYPE": lambda rows: [r["type"] for r in rows],
    }
    multiline = False
    nodes = [folder / f"nodes-{i}.csv" for i in range(len(node_tables))]
    for path, table in zip(nodes, node_tables, strict=True):
        multiline |= _write_table(path, table, node_head, d)
    ties = [folder / f"ties-{i}.csv" for i in range(len(tie_tables))]
    for path, table in zip(ties, tie_tables, strict=True):
        multiline |= _write_table(path, table, tie_head, d)
    return ImportFiles(nodes, ties, d, multiline, len(node_rows), len(tie_rows))


def importer_args(files: ImportFiles, database: str, report: Path, memory: str) -> list[str]:
    """The arguments of ``neo4j-admin database import full`` for ``files``: fault-free
    data only (the rows were validated), nothing skipped, types as the driver stores them."""
    # the database first: each --nodes/--relationships takes every path after it
    args = [
        "database",
        "import",
        "full",
        database,
        f"--array-delimiter=U+{ord(files.array_delimiter):04X}",
        "--id-type=string",
        "--bad-tolerance=0",
        "--skip-bad-relationships=false",
        "--skip-duplicate-nodes=false",
        "--ignore-empty-strings=false",
        "--trim-strings=true",
        "--normalize-types=true",
        f"--multiline-fields={'true' if files.multiline else 'false'}",
        f"--max-off-heap-memory={memory}",
        f"--report-file={report}",
        "--overwrite-destination=true",
    ]
    args += [f"--nodes={path}" for path in files.nodes]
    args += [f"--relationships={path}" for path in files.ties]
    return args


Say = Callable[[str], None]


def import_offline(
    settings: Settings,
    node_rows: Sequence[Mapping[str, Any]],
    tie_rows: Sequence[Mapping[str, Any]],
    say: Say,
) -> tuple[int, int]:
    """Stop the local server, load the rows with the offline importer into its (empty)
    database, start it again; how many nodes and ties were written.

    The files are written before the server stops, so a failure there changes nothing. A
    failure of the importer deletes what it left, so that the server starts on an empty
    store, and raises :class:`LocalServerError` with the importer's own reason."""
    folder = settings.local_home / "import" / f"offline-{os.getpid()}-{time.time_ns()}"
    database = settings.neo4j_database
    try:
        files = write_import_files(folder, node_rows, tie_rows)
        say(
            f"offline import: stopping the local Neo4j, loading {files.node_count:,} nodes "
            f"and {files.tie_count:,} ties with neo4j-admin database import full into "
            f"database {database!r}, then starting it again"
        )
        local_server.stop(settings, say)
        try:
            _run_importer(settings, files, database, folder / "import.report")
        except BaseException:
            local_server.remove_database(settings, database)
            raise
        finally:
            local_server.start(settings, say)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return files.node_count, files.tie_count


def _run_importer(settings: Settings, files: ImportFiles, database: str, report: Path) -> None:
    args = importer_args(files, database, report, settings.local_pagecache)
    done = local_server.run_admin_tool(settings, args)
    if done.returncode == 0:
        return
    lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
    with contextlib.suppress(OSError):
        lines += report.read_text(errors="replace").splitlines()[:ERROR_LINES]
    reason = next(
        (line for line in reversed(lines) if "Exception" in line or "rror" in line),
        lines[-1] if lines else f"exit status {done.returncode}",
    )
    raise LocalServerError(
        f"the offline import failed, nothing was written (the store is empty and the server "
        f"runs again): {reason[:300]}",
        errors=[{"message": line[:200]} for line in lines[-ERROR_LINES:]],
    )
