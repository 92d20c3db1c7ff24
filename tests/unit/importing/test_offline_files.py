"""The CSV files the offline importer reads (store/offline_import.py), without a server:
typed headers from the transactional import's own rows, one file per header, cells that
carry every value through the importer's parsing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_service.config import Settings
from graph_service.model import EvidenceMethod, NodeIn, NodeLabel, Observation, RelType, TieIn
from graph_service.store import offline_import
from graph_service.store.offline_import import (
    BLANK,
    OfflineUnsupported,
    _changed_by_trim,
    cells,
    column_kind,
    importer_args,
    neo4j_type,
    write_import_files,
)
from graph_service.store.repository import node_row, tie_row


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("text", "string"),
        ("", "string"),
        (True, "boolean"),
        (3, "long"),
        (2**62, "long"),
        (0.5, "double"),
        (date(2024, 2, 29), "date"),
        (["a", ""], "string[]"),
        ([0.25, 1.0], "double[]"),
    ],
)
def test_neo4j_type_is_what_the_driver_stores(value: object, kind: str) -> None:
    assert neo4j_type(value) == kind


@pytest.mark.parametrize("value", [[], [1, "a"], {"a": 1}, None])
def test_neo4j_type_refuses_what_the_model_never_stores(value: object) -> None:
    with pytest.raises(TypeError):
        neo4j_type(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", '""'),
        ('say "hi", then;go', '"say ""hi"", then;go"'),
        (False, "false"),
        (0.1, "0.1"),
        (1e-07, "1e-07"),
        (-7, "-7"),
        (date(2023, 1, 5), "2023-01-05"),
        (["2023-01-05", "", "x"], '"2023-01-05| |x"'),
        ([""], f'"{BLANK}"'),
        ([0.5, 1.0], '"0.5|1.0"'),
    ],
)
def test_cells_quote_strings_and_blank_empty_elements(value: object, text: str) -> None:
    kind = "string" if value is None else neo4j_type(value)
    assert cells(kind, [value], "|") == [text]
    absent = [] if isinstance(value, list) else None  # an array column's empty list is absent
    assert cells(kind, [None, value, absent], "|") == ["", text, ""]


def _ties() -> list[TieIn]:
    seen = Observation(method=EvidenceMethod.INTERVIEW, source="A; B", confidence=0.5)
    dated = Observation(
        method=EvidenceMethod.SURVEY, source="S", date=date(2024, 1, 2), confidence=1.0
    )
    return [
        TieIn(type=RelType.KNOWS, source="b", target="a", evidence=[seen, dated]),
        TieIn(type=RelType.ADVISES, source="a", target="b", valid_from=date(2023, 3, 1)),
    ]


def test_write_import_files_splits_nodes_by_property_types(tmp_path: Path) -> None:
    nodes = [
        NodeIn(id="a", label=NodeLabel.ACTOR, name="A", attributes={"code": 1}),
        NodeIn(id="b", label=NodeLabel.STAFF, name="B", attributes={"code": "x1"}),
        NodeIn(id="c", label=NodeLabel.ACTOR, name="C", kind="person"),
    ]
    files = write_import_files(
        tmp_path, [node_row(n) for n in nodes], [tie_row(t) for t in _ties()]
    )
    assert (files.node_count, files.tie_count, files.multiline) == (3, 2, False)
    # "A; B" holds the preferred delimiter: the next one is taken
    assert files.array_delimiter == "|"
    first, second = (p.read_text().splitlines() for p in files.nodes)
    assert first == [
        ":ID,:LABEL,id:string,name:string,code:long,kind:string",
        '"a","Entity|Actor","a","A",1,',
        '"c","Entity|Actor","c","C",,"person"',
    ]
    assert second == [
        ":ID,:LABEL,id:string,name:string,code:string",
        '"b","Entity|Staff","b","B","x1"',
    ]
    (ties,) = (p.read_text().splitlines() for p in files.ties)
    assert ties[0] == (
        ":START_ID,:END_ID,:TYPE,id:string,weight:double,ev_methods:string[],"
        "ev_sources:string[],ev_dates:string[],ev_confidences:double[],evidence_count:long,"
        "method_count:long,source_count:long,max_confidence:double,valid_from:date"
    )
    assert ties[1] == (
        '"a","b",KNOWS,"KNOWS:a:b",1.0,"interview|survey","A; B|S"," |2024-01-02",'
        '"0.5|1.0",2,2,2,1.0,'
    )
    # no evidence: the empty arrays are left out (every query reads them as [])
    assert ties[2] == '"a","b",ADVISES,"ADVISES:a:b",1.0,,,,,0,0,0,,2023-03-01'


def test_write_import_files_notes_line_breaks(tmp_path: Path) -> None:
    node = NodeIn(id="a", label=NodeLabel.ACTOR, name="A", description="one\ntwo")
    files = write_import_files(tmp_path, [node_row(node)], [])
    assert files.multiline and files.ties == []


def test_write_import_files_refuses_what_trimming_would_change(tmp_path: Path) -> None:
    node = NodeIn(id="a", label=NodeLabel.ACTOR, name="A", attributes={"x": "\x01y"})
    with pytest.raises(OfflineUnsupported, match="begins or ends with a control character"):
        write_import_files(tmp_path, [node_row(node)], [])


def test_importer_args_name_the_database_first_and_every_file(tmp_path: Path) -> None:
    node = NodeIn(id="a", label=NodeLabel.ACTOR, name="A")
    files = write_import_files(tmp_path, [node_row(node)], [])
    settings = Settings()
    args = importer_args(files, settings.neo4j_database, tmp_path / "r", "1g")
    assert args[:4] == ["database", "import", "full", "neo4j"]
    assert "--array-delimiter=U+003B" in args and "--trim-strings=true" in args
    assert args[-1] == f"--nodes={tmp_path / 'nodes-0.csv'}"


_scalars = st.one_of(
    st.text(max_size=3),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dates(),
)
_values = st.one_of(
    st.none(),
    _scalars,
    st.lists(_scalars, max_size=3),
    st.lists(st.text(max_size=2), max_size=3),
    st.lists(st.floats(allow_nan=False), max_size=3),
)


@given(st.lists(_values, max_size=6))
def test_column_kind_is_the_one_type_of_every_value(values: list[object]) -> None:
    """A whole column typed at once agrees with typing each value (neo4j_type), and asks
    for a split into sections when the values need several types (or lists sit beside
    scalars, which no row of the model has)."""
    kinds: set[str | None] = set()
    for value in values:
        if value is None or value == []:
            continue
        try:
            kinds.add(neo4j_type(value))
        except TypeError:
            kinds.add(None)
    expected = "" if not kinds else (kinds.pop() if len(kinds) == 1 else None)
    lists = {isinstance(v, list) for v in values if v is not None}
    if len(lists) == 2:  # lists beside scalars (even empty ones): split row by row
        expected = None
    assert column_kind(values) == expected


_edgy = st.text(alphabet=st.sampled_from(["a", " ", "\x00", "\x01", "\x1f", "\n", "é"]), max_size=4)


@given(st.lists(st.one_of(st.none(), _edgy), max_size=8))
def test_texts_changed_by_trimming_are_found_whatever_they_hold(texts: list[str | None]) -> None:
    """The search over the joined texts finds the same first text as looking at each one
    (Java's trim removes every character up to U+0020 at either end)."""
    changed = [t for t in texts if t and t != t.strip("".join(map(chr, range(0x21))))]
    assert _changed_by_trim(texts) == (changed[0] if changed else None)


def test_files_written_in_chunks_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are formatted a chunk at a time; chunk edges change nothing, and a line break
    in a late chunk is still noticed."""
    nodes = [
        NodeIn(id=f"n{i}", label=NodeLabel.ACTOR, name=f"N {i}", attributes={"k": i})
        for i in range(7)
    ]
    nodes.append(NodeIn(id="last", label=NodeLabel.ACTOR, name="L", description="a\nb"))
    rows = [node_row(n) for n in nodes]
    whole = write_import_files(tmp_path / "whole", rows, [tie_row(t) for t in _ties()])
    monkeypatch.setattr(offline_import, "CHUNK_ROWS", 3)
    chunked = write_import_files(tmp_path / "chunked", rows, [tie_row(t) for t in _ties()])
    assert whole.multiline and chunked.multiline
    for a, b in zip([*whole.nodes, *whole.ties], [*chunked.nodes, *chunked.ties], strict=True):
        assert a.read_text() == b.read_text()
