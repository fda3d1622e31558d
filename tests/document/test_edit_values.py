"""No edit can bring in a value the file format refuses: what no file could
hold never reaches the document (and then a save)."""
import math
from dataclasses import replace

import pytest

from bpsim.document import load
from bpsim.document.edits import AddNode, MoveNodes, SetEdgeWeight, SetNodeField, \
    SetSection, check_edit
from bpsim.document.model import Node
from bpsim.document.writer import to_json
from bpsim.errors import BpsimError
from bpsim.paths import examples_dir

XOR = examples_dir() / "xor-2-2-1.bpsim.json"


@pytest.fixture
def doc():
    return load(XOR).document


def refused(doc, edit) -> BpsimError:
    before = to_json(doc)
    with pytest.raises(BpsimError) as err:
        check_edit(doc, edit)
    assert to_json(doc) == before          # the document never saw it
    return err.value


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_non_finite_numbers_are_refused_everywhere(doc, bad):
    edge = doc.edges[0]
    neuron = next(n for n in doc.nodes if n.kind == "neuron")
    source = next(n for n in doc.nodes if n.kind == "input")
    for edit, where in (
            (SetEdgeWeight(edge.src, edge.dst, bad), "edges[0].weight"),
            (SetNodeField(neuron.id, "bias", bad), "bias"),
            (SetNodeField(source.id, "value", bad), "value"),
            (MoveNodes({source.id: (source.pos, (bad, 0.0))}), "pos"),
            (SetSection("training", replace(doc.training, learning_rate=bad)),
             "training.learning_rate"),
            (SetSection("training", replace(doc.training, epsilon=bad)), "training.epsilon"),
            (SetSection("training", replace(doc.training, momentum=bad)), "training.momentum"),
            (AddNode(Node("c9", "const", value=bad)), "nodes[")):
        err = refused(doc, edit)
        assert where in err.path, (edit, err.path)
        assert "finite" in err.problem or "must be" in err.problem


def test_out_of_range_settings_are_refused_with_the_reason(doc):
    for field, value, reason in (("learning_rate", 0.0, "must be > 0"),
                                 ("learning_rate", -0.5, "must be > 0"),
                                 ("momentum", 1.0, "must be < 1"),
                                 ("seed", -5, "must be >= 0"),
                                 ("max_steps", 0, "must be >= 1")):
        err = refused(doc, SetSection("training", replace(doc.training, **{field: value})))
        assert err.path == f"training.{field}" and reason in err.problem
    err = refused(doc, SetSection("regularization", replace(doc.regularization, lam=-1.0)))
    assert err.path == "regularization.lambda"


def test_good_values_pass(doc):
    edge = doc.edges[0]
    check_edit(doc, SetEdgeWeight(edge.src, edge.dst, -1e300))
    check_edit(doc, SetSection("training", replace(doc.training, epsilon=None, max_steps=None)))


def test_a_field_a_node_kind_cannot_carry_is_refused(doc):
    from bpsim.document.model import Node
    doc.nodes.append(Node("g", "op", op="add", pos=(0.0, 0.0)))
    err = refused(doc, SetNodeField("g", "value", 2.0))
    assert "takes no value" in err.problem


def test_an_edit_past_a_limit_is_refused_with_the_limit(doc):
    from bpsim.document.limits import MAX_NODES, MAX_TITLE_CHARS
    from bpsim.document.edits import Compound
    adds = [AddNode(Node(f"c{k}", "const", value=1.0)) for k in range(MAX_NODES)]
    err = refused(doc, Compound(adds))
    assert err.path == "nodes" and f"at most {MAX_NODES}" in err.problem
    err = refused(doc, SetSection("title", "t" * (MAX_TITLE_CHARS + 1)))
    assert err.path == "title" and "too long" in err.problem


def test_a_setting_is_checked_for_what_it_can_break(doc, monkeypatch):
    from bpsim.document import edits
    calls = []
    for name in ("build_dataset", "check_document"):
        real = getattr(edits, name)
        monkeypatch.setattr(edits, name, lambda *a, _n=name, _r=real, **k: calls.append(_n)
                            or _r(*a, **k))
    check_edit(doc, SetSection("training", replace(doc.training, learning_rate=0.3)))
    check_edit(doc, SetSection("regularization", replace(doc.regularization, lam=0.1)))
    assert "build_dataset" not in calls                 # the data cannot break by these
    calls.clear()
    from bpsim.document.model import Loss
    err = refused(doc, SetSection("loss", Loss("hinge")))        # XOR's targets are 0/1
    assert "-1 or +1" in err.problem and "build_dataset" in calls
