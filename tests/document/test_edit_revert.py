"""Any sequence of edits, applied and then reverted one by one, gives each
document back as it was before that edit, field for field; applied again
(redo), the same document as the first time.  In the document layer, no Qt."""
from __future__ import annotations

import copy
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpsim.document import Edge, Node, load, to_json
from bpsim.document.edits import AddEdge, AddNode, Compound, MoveNodes, RemoveElements, \
    RenameNode, SetEdgeWeight, SetNodeField, SetSection, fresh_id
from bpsim.paths import examples_dir

EXAMPLES = ["xor-2-2-1.bpsim.json", "circuit-x-plus-y-times-z.bpsim.json",
            "logistic-regression.bpsim.json", "sigmoid-neuron-gates.bpsim.json"]
NUMBERS = st.floats(-10, 10, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def an_edit(draw, doc):
    """An edit that makes sense on ``doc`` as it is now (the document layer
    takes edits a check would refuse, too: they must revert all the same)."""
    ids = [n.id for n in doc.nodes]
    edges = [(e.src, e.dst) for e in doc.edges]
    kinds = ["add_node", "title", "training", "notes"]
    if ids:
        kinds += ["remove", "move", "field", "add_edge", "rename"]
    if edges:
        kinds += ["weight", "remove_edge"]
    kind = draw(st.sampled_from(kinds))
    if kind == "add_node":
        node = Node(fresh_id(doc, "n"), "neuron", activation=draw(st.sampled_from(
            ["tanh", "sigmoid", "relu"])), bias=draw(NUMBERS), pos=(draw(NUMBERS), 0.0))
        return AddNode(node, draw(st.none() | st.integers(0, len(ids))))
    if kind == "add_edge":
        src, dst = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        if (src, dst) in edges:
            return SetEdgeWeight(src, dst, draw(NUMBERS))
        return AddEdge(Edge(src, dst, draw(st.none() | NUMBERS)))
    if kind == "remove":
        gone = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        return RemoveElements(gone, draw(st.lists(st.sampled_from(edges), max_size=2,
                                                  unique=True)) if edges else [])
    if kind == "rename":
        return RenameNode(draw(st.sampled_from(ids)), fresh_id(doc, "r"))
    if kind == "remove_edge":
        return RemoveElements([], [draw(st.sampled_from(edges))])
    if kind == "move":
        nid = draw(st.sampled_from(ids))
        return MoveNodes({nid: (doc.node(nid).pos, (draw(NUMBERS), draw(NUMBERS)))})
    if kind == "field":
        nid = draw(st.sampled_from(ids))
        name = draw(st.sampled_from(["label", "bias", "value", "activation"]))
        value = {"label": st.none() | st.text("abqz", min_size=1, max_size=3),
                 "bias": st.none() | NUMBERS, "value": st.none() | NUMBERS,
                 "activation": st.sampled_from(["tanh", "sigmoid", "identity"])}[name]
        return SetNodeField(nid, name, draw(value))
    if kind == "weight":
        src, dst = draw(st.sampled_from(edges))
        return SetEdgeWeight(src, dst, draw(st.none() | NUMBERS))
    if kind == "title":
        return SetSection("title", draw(st.text(max_size=5)))
    if kind == "notes":
        return SetSection("notes", draw(st.text(max_size=5)))
    return SetSection("training", replace(doc.training, learning_rate=draw(
        st.floats(0.001, 2))), control="learning_rate")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXAMPLES), st.data())
def test_edits_reverted_give_each_document_back_field_for_field(name, data):
    doc = load(examples_dir() / name).document
    before, edits, after = [], [], []
    for _ in range(data.draw(st.integers(1, 12))):
        edit = data.draw(an_edit(doc))
        if data.draw(st.booleans()) and edits:
            # a compound, as the builder makes: this edit and one more
            first = edit
            first_before = copy.deepcopy(doc)
            first.apply(doc)
            second = data.draw(an_edit(doc))
            first.revert(doc)
            assert doc == first_before
            edit = Compound([first, second])
        before.append(copy.deepcopy(doc))
        edit.apply(doc)
        edits.append(edit)
        after.append(copy.deepcopy(doc))
    for k in reversed(range(len(edits))):
        assert doc == after[k]
        edits[k].revert(doc)
        assert doc == before[k], f"reverting {edits[k].text} did not give the document back"
        assert to_json(doc) == to_json(before[k])
    for k, edit in enumerate(edits):            # redo, all of it
        edit.apply(doc)
        assert doc == after[k], f"redoing {edit.text} gave another document"
