"""An edit is a transaction: however many changes it announces, the session
is rebuilt once, when it ends, and ends as a session built afresh from the
document would be."""
import numpy as np
import pytest

from bpsim.document import Document, complete_parameters
from bpsim.document.building import layered_network
from bpsim.document.edits import AddEdge, Compound, RemoveElements, SetEdgeWeight
from bpsim.document.model import Edge
from bpsim.session.workspace import Workspace


@pytest.fixture
def ws(monkeypatch):
    doc = Document(nodes=[], outputs=[])
    workspace = Workspace(doc)
    edit = layered_network(doc, "3-6-6-1", "tanh", "sigmoid")
    apply(workspace, edit)
    complete_parameters(doc)          # every value in the document: a fresh build agrees
    assert workspace.session is not None, workspace.problem
    workspace.builds = 0
    build = workspace._build

    def counted(fresh, **kwargs):
        workspace.builds += 1
        build(fresh, **kwargs)
    monkeypatch.setattr(workspace, "_build", counted)
    return workspace


def apply(ws: Workspace, edit, revert: bool = False) -> None:
    """As the undo stack's command does it."""
    ws.begin_edit()
    try:
        (edit.revert if revert else edit.apply)(ws.document)
    finally:
        ws.end_edit()


def fresh_parameters(ws: Workspace) -> dict:
    import copy
    return Workspace(copy.deepcopy(ws.document)).session.parameters()


def test_deleting_a_neuron_with_its_edges_rebuilds_once_and_its_undo_once(ws):
    ws.session.train(5)
    neuron = "h1_2"
    edges = [e for e in ws.document.edges if neuron in (e.src, e.dst)]
    assert len(edges) == 9
    edit = RemoveElements([neuron])
    apply(ws, edit)
    assert ws.builds == 1
    assert not any(neuron in name for name in ws.session.param_names)
    apply(ws, edit, revert=True)
    assert ws.builds == 2
    assert any(neuron in name for name in ws.session.param_names)


def test_an_undo_gives_the_training_back_with_one_stepper(ws, monkeypatch):
    """The undo's revert rebuilds the session and its memo restores the
    training: one stepper for both, not one each."""
    from bpsim.session import workspace as workspace_module
    ws.session.train(5)
    before = ws.session.parameters()
    edit = RemoveElements(["h1_2"])
    ws.begin_edit()
    edit.apply(ws.document)
    memo = ws.end_edit()
    assert memo is not None and memo.parts is not None
    made = []

    class Counted(workspace_module.Stepper):
        def __init__(self, session):
            made.append(session)
            super().__init__(session)

    monkeypatch.setattr(workspace_module, "Stepper", Counted)
    ws.begin_edit()
    edit.revert(ws.document)
    ws.end_edit(memo)
    assert len(made) == 1 and ws.stepper.session is ws.session
    assert ws.session.iteration == 5 and ws.session.parameters() == before
    assert ws.stepper.trace is not None


def test_a_value_set_after_a_structural_change_in_one_edit_reaches_the_session(ws):
    doc = ws.document
    new = Edge("x1", "h2_1", 0.25)
    removed = (doc.edges[0].src, doc.edges[0].dst)
    edit = Compound([RemoveElements([], [removed]), AddEdge(new) if
                     not any((e.src, e.dst) == ("x1", "h2_1") for e in doc.edges) else
                     SetEdgeWeight("x1", "h2_1", 0.25),
                     SetEdgeWeight(doc.edges[1].src, doc.edges[1].dst, -0.75)])
    target = doc.edges[1].name
    apply(ws, edit)
    assert ws.builds == 1
    params = ws.session.parameters()
    assert params[target] == -0.75 and params["w:x1->h2_1"] == 0.25
    assert params == fresh_parameters(ws)
    assert np.isfinite(ws.session.step().evaluation.cost)


def test_changes_outside_an_edit_still_apply_at_once(ws):
    before = ws.session
    ws.document.edges.pop()
    from bpsim.document.model import Change, ChangeKind
    ws.document.announce(Change(ChangeKind.EDGE_REMOVED, "x"))
    assert ws.builds == 1 and ws.session is before


def test_a_file_opened_is_checked_and_its_data_read_once(monkeypatch):
    from bpsim.document import load
    from bpsim.paths import examples_dir
    from bpsim.session import workspace as module
    loaded = load(examples_dir() / "circle-with-test-split.bpsim.json")
    again = []
    monkeypatch.setattr(module, "build_dataset", lambda *a: again.append("data"))
    monkeypatch.setattr(module, "check_document", lambda *a: again.append("check"))
    opened = Workspace.from_loaded(loaded)
    assert again == [] and opened.session is not None
    assert opened.session.dataset is loaded.dataset


def test_a_renamed_node_keeps_its_trained_parameters_and_rebuilds_once(ws):
    from bpsim.document.edits import RenameNode
    ws.session.train(5)
    trained = ws.session.parameters()
    edit = RenameNode("h1_2", "hidden")
    apply(ws, edit)
    assert ws.builds == 1
    renamed = {name.replace("h1_2", "hidden"): value for name, value in trained.items()}
    assert ws.session.parameters() == renamed
    apply(ws, edit, revert=True)
    assert ws.session.parameters() == trained
