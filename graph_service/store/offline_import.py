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


def cell(value: Any, delimiter: str) -> str:
    """A property value as a CSV cell (None: an empty cell, no property)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, list):
        return _quoted(delimiter.join(_scalar_text(item) or BLANK for item in value))
    return _scalar_text(value)


class OfflineUnsupported(Invalid):
    """Data the offline importer cannot store as the transactional import does."""


def _trimmed(text: str) -> str:
    """``text`` as Java's ``String.trim`` (the importer's --trim-strings) leaves it."""
    return text.strip("".join(map(chr, range(0x21))))


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


def _texts(node_rows: Sequence[Mapping[str, Any]], tie_rows: Sequence[Any]) -> set[str]:
    """Every label, string value and array element of the rows (as text)."""
    texts: set[str] = {ENTITY_LABEL, *(str(r["label"]) for r in node_rows)}
    for row in (*node_rows, *tie_rows):
        for value in row["props"].values():
            if isinstance(value, list):
                texts.update(map(_scalar_text, value))
            elif isinstance(value, str):
                texts.add(value)
    return texts


def _array_delimiter(texts: set[str]) -> str:
    for candidate in ARRAY_DELIMITERS:
        if not any(candidate in text for text in texts):
            return candidate
    raise OfflineUnsupported(
        "the offline import found no array delimiter free in the data (every one of "
        f"{', '.join(map(repr, ARRAY_DELIMITERS))} occurs in an evidence value); "
        "use --engine transactional"
    )


def _check_trim(texts: set[str]) -> None:
    """Empty array elements are written as :data:`BLANK` and trimmed by the importer:
    every other string must come through trimming unchanged."""
    changed = next((t for t in texts if t and _trimmed(t) != t), None)
    if changed is not None:
        raise OfflineUnsupported(
            f"the offline import cannot store the value {changed[:40]!r} unchanged (it "
            "begins or ends with a control character); use --engine transactional"
        )


def _formatter(kind: str, delimiter: str) -> Callable[[Any], str]:
    """How a column of ``kind`` writes a value (as :func:`cell`, without the checks)."""
    if kind.endswith("[]"):
        element = _formatter(kind[:-2], delimiter)
        if kind == "string[]":
            element = _scalar_text  # unquoted inside the array's quotes
        return lambda v: _quoted(delimiter.join([element(x) or BLANK for x in v])) if v else ""
    scalars: dict[str, Callable[[Any], str]] = {
        "string": _quoted,
        "long": str,
        "double": repr,
        "boolean": _scalar_text,
        "date": _scalar_text,
    }
    return scalars[kind]


def _write_section(
    path: Path, section: _Section, head: list[str], cells: Callable[[Any], list[str]], d: str
) -> bool:
    """Write one section (``head`` and ``cells(row)`` are the columns before the
    properties); whether a value holds a line break."""
    columns = [(name, _formatter(kind, d)) for name, kind in section.columns.items()]
    header = head + [f"{name}:{kind}" for name, kind in section.columns.items()]
    multiline = False
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(header) + "\n")
        for row in section.rows:
            get = row["props"].get
            line = ",".join(
                cells(row) + ["" if (v := get(name)) is None else f(v) for name, f in columns]
            )
            if "\n" in line or "\r" in line:
                multiline = True
            out.write(line + "\n")
    return multiline


def write_import_files(
    folder: Path,
    node_rows: Sequence[Mapping[str, Any]],
    tie_rows: Sequence[Mapping[str, Any]],
) -> ImportFiles:
    """Write ``node_rows`` (``{id, label, props}``) and ``tie_rows`` (``{id, type, source,
    target, props}``) into ``folder`` as the importer's CSV files. The importer joins ties
    to nodes by the node's ``id`` (its ``:ID`` column, not stored: ``id`` is a property)."""
    texts = _texts(node_rows, tie_rows)
    d = _array_delimiter(texts)
    _check_trim(texts)
    folder.mkdir(parents=True, exist_ok=True)
    multiline = False
    nodes: list[Path] = []
    for i, section in enumerate(_sections(node_rows)):
        nodes.append(folder / f"nodes-{i}.csv")
        multiline |= _write_section(
            nodes[-1],
            section,
            [":ID", ":LABEL"],
            lambda r: [_quoted(r["id"]), _quoted(f"{ENTITY_LABEL}{d}{r['label']}")],
            d,
        )
    ties: list[Path] = []
    for i, section in enumerate(_sections(tie_rows)):
        ties.append(folder / f"ties-{i}.csv")
        multiline |= _write_section(
            ties[-1],
            section,
            [":START_ID", ":END_ID", ":TYPE"],
            lambda r: [_quoted(r["source"]), _quoted(r["target"]), r["type"]],
            d,
        )
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
