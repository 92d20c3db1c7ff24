"""Issue 13 / 12: problems are reported once per cause, and bad text is a line, not a crash."""

from __future__ import annotations

import pytest

from graph_service.errors import Invalid
from graph_service.services import importer
from graph_service.services.importing.build import build
from graph_service.services.importing.names import attribute_names, node_id, snake_case
from graph_service.services.importing.options import ImportOptions
from graph_service.services.importing.sources import read_source
from graph_service.textfiles import read_table

KARATE_TIES = "type,source,target\n" + "".join(f"KNOWS,{i},{i + 1}\n" for i in range(1, 34))


def _karate_nodes(header: str) -> str:
    return header + "\n" + "".join(f"{i},Actor,Actor {i},1\n" for i in range(1, 35))


def _problems(nodes: str, ties: str) -> list[importer.RowError]:
    parsed = importer.parse_csv(nodes, ties)
    return parsed.errors + importer.check_graph(parsed, None)


def test_import_problems_attribute_header_is_renamed_not_refused() -> None:
    parsed = importer.parse_csv(_karate_nodes("id,label,name,Faction"), KARATE_TIES)
    assert _problems(_karate_nodes("id,label,name,Faction"), KARATE_TIES) == []
    assert parsed.renamed == {"Faction": "faction"}
    assert parsed.nodes[0][1].attributes == {"faction": 1}


def test_import_problems_bad_label_is_one_error_per_row_and_no_tie_errors() -> None:
    nodes = _karate_nodes("id,label,name,faction").replace("1,Actor,", "1,Akteur,", 1)
    problems = _problems(nodes, KARATE_TIES)
    # one row has the bad label; the tie naming node 1 is not reported again
    assert [(p.record, p.field) for p in problems] == [("nodes.csv line 2", "label")]


def test_import_problems_duplicate_header_is_exactly_one_error() -> None:
    with pytest.raises(Invalid) as caught:
        read_source(
            b"source,target\n1,2\n2,3\n",
            "edges.csv",
            nodes=(b"id,id\n1,1\n2,2\n3,3\n", "nodes.csv"),
        )
    assert caught.value.errors == [] and "nodes.csv" in caught.value.detail


def test_import_problems_missing_node_is_reported_once_per_id() -> None:
    ties = "type,source,target\nKNOWS,1,99\nKNOWS,2,99\nKNOWS,3,99\n"
    problems = _problems(_karate_nodes("id,label,name,faction"), ties)
    assert len(problems) == 1
    assert "no node with id 99" in problems[0].message and "3 ties" in problems[0].message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "nodes.csv is empty"),
        (b"  \n\n", "nodes.csv is empty"),
        (b"a,b\n" + b"x" * (129 * 1024) + b",1\n", "line 2: a field is longer than 128 KiB"),
        (b"a,b\nx\ry,1\n", "line 2: a line break inside an unquoted field"),
    ],
)
def test_read_table_bad_text_is_one_line(data: bytes, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        read_table(data, "nodes.csv")


def test_read_table_forced_encoding_names_the_byte() -> None:
    data = "id;name\n1;Müller\n".encode("latin-1")
    with pytest.raises(Invalid) as caught:
        read_table(data, "n.csv", encoding="utf-8")
    assert str(caught.value).startswith("n.csv is not utf-8: byte 0xfc at line 2")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter"),
    [
        ("id;name\n1;Müller\n".encode("latin-1"), "cp1252", "semicolon"),
        ("id;name\n1;Müller €\n".encode("cp1252"), "cp1252", "semicolon"),
        ("id\tname\n1;2\tMüller\n".encode("utf-8-sig"), "utf-8-sig", "tab"),
        ("id,name\n1,Müller\n".encode(), "utf-8", "comma"),
    ],
)
def test_read_table_finds_encoding_and_delimiter(
    data: bytes, encoding: str, delimiter: str
) -> None:
    table = read_table(data, "n.csv")
    assert (table.encoding, table.delimiter_name) == (encoding, delimiter)
    assert table.header == ["id", "name"] and table.rows[0][1]["name"].startswith("Müller")


def test_semicolon_latin1_csv_pair_imports() -> None:
    nodes = "id;label;name\nx;Actor;Müller\ny;Actor;Zoë\n".encode("latin-1")
    ties = b"type;source;target\nKNOWS;x;y\n"
    parsed = importer.parse_csv(nodes, ties)
    assert parsed.errors == [] and parsed.nodes[0][1].name == "Müller"


def test_names_are_normalised() -> None:
    assert snake_case("Law School") == "law_school"
    assert snake_case("lawSchool") == "law_school"
    assert snake_case("Âge (years)") == "age_years"
    assert snake_case("2nd wave") == "a_2nd_wave"
    assert attribute_names(["Label", "label "], {"label"}) == {
        "Label": "label_attr",
        "label ": "label_2",
    }
    assert node_id("Mr Hi") == "Mr-Hi" and node_id(7.0) == "7" and node_id("k1") == "k1"


def test_edge_list_without_node_table_creates_the_ends() -> None:
    source = read_source(b"from;to;Strength\nMr Hi;John A;3\n", "e.csv")
    built = build(source, ImportOptions(weight="Strength", label="Staff"))
    assert [(n.id, n.name, n.label.value) for _, n in built.parsed.nodes] == [
        ("Mr-Hi", "Mr Hi", "Staff"),
        ("John-A", "John A", "Staff"),
    ]
    assert built.parsed.ties[0][1].weight == 3.0
    assert built.preview.ids_rewritten == {"Mr Hi": "Mr-Hi", "John A": "John-A"}


def test_kumu_workbook_imports(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    book = openpyxl.Workbook()
    elements = book.active
    elements.title = "Elements"
    elements.append(["Label", "Type", "Team"])
    elements.append(["Anna Beispiel", "Person", "Alliance"])
    elements.append(["Firma Eins", "Organization", "Alliance"])
    elements.append(["Amt", "Organization", "City"])
    connections = book.create_sheet("Connections")
    connections.append(["From", "To", "Type", "Strength"])
    connections.append(["Anna Beispiel", "Firma Eins", "friend", 2])
    connections.append(["Firma Eins", "Amt", "=HYPERLINK(1)", 1])
    path = tmp_path / "kumu.xlsx"
    book.save(path)
    source = read_source(path.read_bytes(), "kumu.xlsx")
    built = build(source, ImportOptions(group_by="Team", weight="Strength"))
    nodes = {n.id: n for _, n in built.parsed.nodes}
    assert nodes["Anna-Beispiel"].name == "Anna Beispiel"
    assert nodes["Anna-Beispiel"].attributes == {"type": "Person", "team": "Alliance"}
    assert nodes["group:team:Alliance"].label.value == "Group"
    ties = {t.key: t for _, t in built.parsed.ties}
    assert ties["KNOWS:Anna-Beispiel:Firma-Eins"].weight == 2.0
    assert built.preview.groups == {"Alliance": 2, "City": 1}
    assert built.preview.notes == [
        "kumu.xlsx sheet Connections: column(s) Type not imported (ties carry no free "
        "attributes; use --weight for a weight column)"
    ]


def test_the_same_problem_in_many_rows_is_one_error() -> None:
    edges = b"source,target,weight\n" + b"".join(b"%d,%d,n/a\n" % (i, i + 1) for i in range(40))
    edges += b"7,7,1\n"
    built = build(read_source(edges, "e.csv"), ImportOptions())
    with pytest.raises(Invalid) as caught:
        importer.validate(built.parsed, None)
    assert len(caught.value.errors) == 1
    error = caught.value.errors[0]
    assert (error["record"], error["field"]) == ("e.csv line 2", "weight")
    assert error["message"].endswith("(40 rows; the first is listed)")
    assert built.preview.notes == ["e.csv: 1 self-loop(s) (source = target) not imported"]


def test_gml_with_repeated_labels_keeps_its_ids() -> None:
    gml = b"""graph [
  node [ id 0 label "Anna" ]
  node [ id 1 label "Anna" ]
  node [ id 2 label "Ben" ]
  edge [ source 0 target 1 ]
  edge [ source 1 target 2 ]
]"""
    built = build(read_source(gml, "g.gml"), ImportOptions())
    assert [(n.id, n.name) for _, n in built.parsed.nodes] == [
        ("0", "Anna"),
        ("1", "Anna"),
        ("2", "Ben"),
    ]
    assert sorted(t.key for _, t in built.parsed.ties) == ["KNOWS:0:1", "KNOWS:1:2"]


def test_json_attribute_header_in_every_node_is_one_error() -> None:
    nodes = [
        {"id": str(i), "label": "Actor", "name": f"A{i}", "attributes": {"Faction": 1}}
        for i in range(1, 35)
    ]
    ties = [{"type": "KNOWS", "source": str(i), "target": str(i + 1)} for i in range(1, 34)]
    parsed = importer.parse_document({"format": "graph-service/v1", "nodes": nodes, "ties": ties})
    with pytest.raises(Invalid) as caught:
        importer.validate(parsed, None)
    assert len(caught.value.errors) == 1
    assert "1 problem(s)" in str(caught.value) and "34 rows" in str(caught.value)


def test_import_problems_an_id_again_with_other_values_names_the_first_place() -> None:
    nodes = _karate_nodes("id,label,name,faction") + "2,Actor,Someone else,1\n3,Actor,Actor 3,1\n"
    ties = KARATE_TIES + "KNOWS,1,2\n"  # the same tie again (no id: its key) is no error
    problems = _problems(nodes, ties)
    assert [(p.record, p.field, p.message) for p in problems] == [
        (
            "nodes.csv line 36",
            "id",
            "id 2 appears again with other values (first at nodes.csv line 3)",
        )
    ]
    nodes_doc = [{"id": i, "label": "Actor", "name": i.upper()} for i in ("a", "b")]
    tie = {"id": "t1", "type": "KNOWS", "source": "a", "target": "b"}
    ties_doc = [tie, tie, {**tie, "weight": 2}]
    parsed = importer.parse_document(
        {"format": "graph-service/v1", "nodes": nodes_doc, "ties": ties_doc}
    )
    assert [(e.record, e.message) for e in importer.check_graph(parsed, None)] == [
        ("ties[2] (id t1)", "tie t1 appears again with other values (first at ties[0] (id t1))")
    ]
