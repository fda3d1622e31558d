"""A document's copy (check_edit tries every edit on one) shares nothing an
edit could change with the original."""
from __future__ import annotations

import copy
import dataclasses

from bpsim.document import load
from bpsim.paths import examples_dir

IMMUTABLE = (str, int, float, bool, type(None))


def _immutable(value) -> bool:
    if isinstance(value, tuple):
        return all(_immutable(v) for v in value)
    return isinstance(value, IMMUTABLE)


def test_nodes_and_edges_hold_only_immutable_fields_so_a_shallow_copy_is_whole():
    for path in sorted(examples_dir().glob("*.bpsim.json")):
        doc = load(path).document
        for item in (*doc.nodes, *doc.edges):
            for f in dataclasses.fields(item):
                assert _immutable(getattr(item, f.name)), (path.name, item, f.name)


def test_a_copy_is_equal_and_independent():
    doc = load(next(iter(sorted(examples_dir().glob("*.bpsim.json"))))).document
    heard = []
    doc.subscribe(heard.append)
    twin = copy.deepcopy(doc)
    assert twin == doc
    assert all(a is not b for a, b in zip(twin.nodes, doc.nodes))
    assert all(a is not b for a, b in zip(twin.edges, doc.edges))
    assert twin.training is not doc.training and twin.loss is not doc.loss
    twin.nodes[0].label = "changed"
    twin.edges[0].weight = 123.0
    twin.training.learning_rate = 9.0
    twin.nodes.pop()
    twin.announce(None)
    assert doc.nodes[0].label != "changed" and doc.edges[0].weight != 123.0
    assert doc.training.learning_rate != 9.0 and len(doc.nodes) == len(twin.nodes) + 1
    assert heard == []          # the listeners stay with the original
