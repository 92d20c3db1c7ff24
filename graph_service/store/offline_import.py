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
  no label contains.
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

#: Array delimiters in order of preference; written to the importer as U+XXXX.
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
    rows: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)

    def fits(self, kinds: Mapping[str, str]) -> bool:
        return all(self.columns.get(key, kind) == kind for key, kind in kinds.items())


def _stored(props: Mapping[str, Any]) -> dict[str, Any]:
    """The properties the importer writes: all but empty lists (see the module doc)."""
    return {k: v for k, v in props.items() if v is not None and v != []}


def _sections(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> list[_Section]:
    """Rows ``(key, props)`` spread over as few files as their property types allow."""
    sections: list[_Section] = []
    placed: dict[tuple[tuple[str, str], ...], _Section] = {}
    for key, props in rows:
        stored = _stored(props)
        signature = tuple((k, neo4j_type(v)) for k, v in stored.items())
        section = placed.get(signature)
        if section is None:
            kinds = dict(signature)
            section = next((s for s in sections if s.fits(kinds)), None)
            if section is None:
                section = _Section()
                sections.append(section)
            section.columns.update(kinds)
            placed[signature] = section
        section.rows.append((key, stored))
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


def _write_section(
    path: Path, section: _Section, key_column: list[str], extra: Callable[[str], list[str]], d: str
) -> bool:
    """Write one section; whether a value holds a line break."""
    names = list(section.columns)
    header = key_column + [f"{name}:{section.columns[name]}" for name in names]
    multiline = False
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(header) + "\n")
        for key, props in section.rows:
            cells = extra(key) + [cell(props.get(name), d) for name in names]
            line = ",".join(cells)
            if "\n" in line or "\r" in line:
                multiline = True
            out.write(line + "\n")
    return multiline


def node_key(row: Mapping[str, Any]) -> str:
    """The id the importer joins ties to nodes by (not stored: ``id`` is a property)."""
    return str(row["id"])


def write_import_files(
    folder: Path,
    node_rows: Sequence[Mapping[str, Any]],
    tie_rows: Sequence[Mapping[str, Any]],
) -> ImportFiles:
    """Write ``node_rows`` (``{id, label, props}``) and ``tie_rows`` (``{id, type, source,
    target, props}``) into ``folder`` as the importer's CSV files."""
    texts = _texts(node_rows, tie_rows)
    d = _array_delimiter(texts)
    _check_trim(texts)
    folder.mkdir(parents=True, exist_ok=True)
    by_key = {node_key(r): r for r in node_rows}
    ties_by_key = {f"{i}": r for i, r in enumerate(tie_rows)}
    multiline = False
    nodes: list[Path] = []
    for i, section in enumerate(_sections((k, r["props"]) for k, r in by_key.items())):
        nodes.append(folder / f"nodes-{i}.csv")
        multiline |= _write_section(
            nodes[-1],
            section,
            [":ID", ":LABEL"],
            lambda k: [_quoted(k), _quoted(f"{ENTITY_LABEL}{d}{by_key[k]['label']}")],
            d,
        )
    ties: list[Path] = []
    for i, section in enumerate(_sections((k, r["props"]) for k, r in ties_by_key.items())):
        ties.append(folder / f"ties-{i}.csv")
        multiline |= _write_section(
            ties[-1],
            section,
            [":START_ID", ":END_ID", ":TYPE"],
            lambda k: [
                _quoted(str(ties_by_key[k]["source"])),
                _quoted(str(ties_by_key[k]["target"])),
                str(ties_by_key[k]["type"]),
            ],
            d,
        )
    return ImportFiles(nodes, ties, d, multiline, len(by_key), len(tie_rows))


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
