"""Formulas call a node by its name on the canvas: its label where that is
one word, its id otherwise (issue 19, point 2)."""
from __future__ import annotations

import json

from bpsim.document import loads
from bpsim.document.model import Node
from bpsim.session.explain import TEXT, Numbers, explain, formula_names
from bpsim.session.session import Session

CIRCUIT = {
    "format": "bpsim", "version": 1,
    "nodes": [{"id": "x1", "kind": "input", "value": -2, "label": "x"},
              {"id": "x2", "kind": "input", "value": 5, "label": "y"},
              {"id": "add1", "kind": "op", "op": "add", "label": "q"},
              {"id": "x3", "kind": "input", "value": -4, "label": "z"},
              {"id": "mul1", "kind": "op", "op": "mul", "label": "f"}],
    "edges": [{"from": "x1", "to": "add1"}, {"from": "x2", "to": "add1"},
              {"from": "add1", "to": "mul1"}, {"from": "x3", "to": "mul1"}],
    "outputs": ["mul1"], "loss": {"kind": "none"}}


def test_a_one_word_label_names_a_node_a_longer_one_or_a_shared_one_does_not():
    nodes = [Node("x1", "input", label="x"), Node("h", "op", op="mul", label="h = x·w"),
             Node("a", "input", label="b"), Node("b", "input"), Node("c", "input", label=" ")]
    assert formula_names(nodes) == {"x1": "x", "h": "h", "a": "a", "b": "b", "c": "c"}


def test_a_circuit_drawn_on_the_canvas_reads_with_its_labels_as_the_notes_write_it():
    session = Session.from_loaded(loads(json.dumps(CIRCUIT)))
    trace = session.step_traced()[1]
    kinds = {n.id: n.kind for n in session.document.nodes}
    names = formula_names(session.document.nodes)
    text = []
    for step in trace.steps:
        expl = explain(step, kinds, TEXT, Numbers(), loss_kind="none", trace=trace, names=names)
        text.append(expl.title)
        text.extend(f"{line.what} = " + " = ".join(line.parts()) for line in expl.lines)
    assert "q = x + y = (-2) + 5 = 3" in text and "f = q·z = 3·(-4) = -12" in text
    assert "∂q/∂y = ∂(x + y)/∂y = 1" in text
    assert "∂f/∂y = ∂q/∂y·∂f/∂q = 1·(-4) = -4" in text
    assert "Backward: add gate q" in text
    assert not any("add1" in line or "x2" in line or "∂C" in line for line in text)
