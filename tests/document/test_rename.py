"""Renaming a node: its edges, the outputs and the data follow; a rename
that cannot be is refused with its reason (issue 19, point 2)."""
from __future__ import annotations

import copy

import pytest

from bpsim.document import load
from bpsim.document.edits import RenameNode, check_edit
from bpsim.document.model import ChangeKind, Data
from bpsim.errors import BpsimError
from bpsim.paths import examples_dir


def xor():
    return load(examples_dir() / "xor-2-2-1.bpsim.json").document


def test_a_renamed_node_takes_its_edges_outputs_and_data_columns_along():
    doc = xor()
    before = copy.deepcopy(doc)
    heard = []
    doc.subscribe(heard.append)
    RenameNode("x1", "a").apply(doc)
    assert [n.id for n in doc.nodes][:2] == ["a", "x2"]
    assert {(e.src, e.dst) for e in doc.edges if "a" in (e.src, e.dst)} == {("a", "h1"), ("a", "h2")}
    assert not any("x1" in (e.src, e.dst) for e in doc.edges)
    assert doc.data.inputs == ["a", "x2"] and doc.data.rows == before.data.rows
    # announced first as a rename, then as the removals and additions it makes
    assert heard[0].what == ChangeKind.NODE_RENAMED and (heard[0].id, heard[0].field) == ("a", "x1")
    RenameNode("o", "f").apply(doc)
    assert doc.outputs == ["f"] and doc.data.targets == ["f"]
    RenameNode("o", "f").revert(doc)
    RenameNode("x1", "a").revert(doc)
    assert doc == before


@pytest.mark.parametrize("new, problem", [
    ("", "a node needs an id"),
    ("   ", "a node needs an id"),
    ("x2", '"x2" is another node\'s id'),
    ("two words", 'invalid id "two words": use letters, digits, "_" and "-"'),
])
def test_a_rename_that_cannot_be_is_refused_with_its_reason(new, problem):
    doc = xor()
    before = copy.deepcopy(doc)
    with pytest.raises(BpsimError) as err:
        check_edit(doc, RenameNode("x1", new))
    assert err.value.problem == problem
    assert doc == before


def test_a_node_a_csv_column_names_keeps_its_id(tmp_path):
    doc = xor()
    (tmp_path / "points.csv").write_text("x1,x2,o\n0,0,0\n1,1,0\n")
    doc.data = Data(inputs=["x1", "x2"], targets=["o"], csv="points.csv")
    with pytest.raises(BpsimError) as err:
        check_edit(doc, RenameNode("x1", "a"), tmp_path)
    assert err.value.problem == '"x1" names a column of points.csv: rename the column there, ' \
        'then the node'
    check_edit(doc, RenameNode("h1", "hidden1"), tmp_path)     # not a column: renamed
