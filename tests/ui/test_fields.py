"""Only values the contract allows can be typed: every number field refuses
the rest inline, with the reason, and the value in force stays."""
import json
import math

import pytest
from PySide6.QtCore import Qt

from bpsim.document import load
from bpsim.paths import examples_dir

XOR = examples_dir() / "xor-2-2-1.bpsim.json"


def type_into(qtbot, widget, text: str) -> None:
    """Select what the field holds, type, press Enter (as a hand does)."""
    edit = widget.lineEdit() if hasattr(widget, "lineEdit") else widget
    widget.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key_Return)
    settled(qtbot)


def settled(qtbot):
    qtbot.wait(20)         # the spin boxes say their refusal once Qt has put the value back


@pytest.mark.parametrize("name", ["lr_entry", "eps", "lam", "epsilon"])
def test_1e999_typed_into_a_setting_is_refused_and_the_value_stays(window, qtbot, name):
    window.files.open_path(XOR)
    panel = window.training
    field = getattr(panel, name)
    field.setVisible(True)
    before = window.workspace.document.training, window.workspace.document.regularization
    depth = window.undo.stack.count()
    type_into(qtbot, field, "1e999")
    assert "finite" in field.refusal.text() and field.refusal.isVisibleTo(panel)
    assert (window.workspace.document.training, window.workspace.document.regularization) \
        == before
    assert window.undo.stack.count() == depth
    assert "inf" not in field.text() and "∞" not in field.text()
    # typing again takes the reason away; a good value is taken
    type_into(qtbot, field, "0.25")
    assert not field.refusal.isVisibleTo(panel)
    settings = window.workspace.session.settings
    assert {"lr_entry": settings.learning_rate, "eps": settings.eps, "lam": settings.lam,
            "epsilon": settings.epsilon}[name] == 0.25


def test_out_of_range_settings_say_why(window, qtbot):
    window.files.open_path(XOR)
    panel = window.training
    rate = window.workspace.session.settings.learning_rate
    for field, text, reason in ((panel.lr_entry, "-0.5", "must be > 0"),
                                (panel.lr_entry, "0", "must be > 0"),
                                (panel.lam, "-1", "must be >= 0"),
                                (panel.epsilon, "abc", "not a number"),
                                (panel.eps, "1/0", "division by zero")):
        type_into(qtbot, field, text)
        assert reason in field.refusal.text(), (text, field.refusal.text())
    assert window.workspace.session.settings.learning_rate == rate


def test_epsilon_can_always_be_emptied_back_to_none(window, qtbot):
    window.files.open_path(XOR)
    panel = window.training
    type_into(qtbot, panel.epsilon, "1e-3")
    assert window.workspace.session.settings.epsilon == 1e-3
    type_into(qtbot, panel.epsilon, "1e999")
    assert window.workspace.session.settings.epsilon == 1e-3
    panel.epsilon.setFocus()
    panel.epsilon.selectAll()
    qtbot.keyClick(panel.epsilon, Qt.Key_Delete)
    qtbot.keyClick(panel.epsilon, Qt.Key_Return)
    settled(qtbot)
    assert window.workspace.session.settings.epsilon is None
    assert panel.epsilon.text() == "" and panel.epsilon.placeholderText() == "none"


@pytest.mark.parametrize("text, reason", [("3.7", "whole number"), ("-5", "must be >= 0"),
                                          ("1e999", "finite"), ("seven", "not a number")])
def test_the_seed_takes_whole_numbers_only(window, qtbot, text, reason):
    window.files.open_path(XOR)
    panel = window.training
    seed = window.workspace.document.training.seed
    type_into(qtbot, panel.seed, text)
    settled(qtbot)
    assert window.workspace.document.training.seed == seed
    assert panel.seed.value() == seed
    assert reason in panel.seed.refusal.text()
    type_into(qtbot, panel.seed, "12")
    assert window.workspace.document.training.seed == 12
    assert not panel.seed.refusal.isVisibleTo(panel)


def test_spin_boxes_refuse_out_of_range_and_max_steps_empties_to_none(window, qtbot):
    window.files.open_path(XOR)
    panel = window.training
    panel.optimizer.setCurrentText("momentum")
    panel.optimizer.activated.emit(panel.optimizer.currentIndex())
    momentum = panel.constants["momentum"]
    type_into(qtbot, momentum, "1e999")
    settled(qtbot)
    assert "finite" in momentum.refusal.text()
    assert window.workspace.document.training.momentum == 0.9
    type_into(qtbot, panel.max_steps, "250")
    assert window.workspace.document.training.max_steps == 250
    type_into(qtbot, panel.max_steps, "2.5")
    settled(qtbot)
    assert "whole number" in panel.max_steps.refusal.text()
    assert window.workspace.document.training.max_steps == 250
    panel.max_steps.setFocus()
    panel.max_steps.lineEdit().selectAll()
    qtbot.keyClick(panel.max_steps.lineEdit(), Qt.Key_Delete)
    qtbot.keyClick(panel.max_steps.lineEdit(), Qt.Key_Return)
    settled(qtbot)
    assert window.workspace.document.training.max_steps is None
    type_into(qtbot, panel.samples, "1e999")
    settled(qtbot)
    assert "finite" in panel.samples.refusal.text()


def test_one_value_typed_is_one_edit_not_one_per_digit(window, qtbot):
    window.files.open_path(XOR)
    depth = window.undo.stack.count()
    type_into(qtbot, window.training.seed, "12345")
    assert window.workspace.document.training.seed == 12345
    assert window.undo.stack.count() == depth + 1
    window.undo.stack.undo()
    assert window.workspace.document.training.seed == 0


def test_weights_biases_and_values_refuse_1e999_in_the_inspector_and_in_place(window, qtbot):
    window.files.open_path(XOR)
    doc = window.workspace.document
    weight = doc.edge("x1", "h1").weight
    window.scene.edges["x1->h1"].setSelected(True)
    field = window.inspector.value
    type_into(qtbot, field, "1e999")
    assert "finite" in field.refusal.text()
    assert doc.edge("x1", "h1").weight == weight
    window.view.edit_node(window.scene.nodes["h1"])
    editor = window.view.editor
    editor.setText("-1e999")
    qtbot.keyClick(editor, Qt.Key_Return)
    assert window.view.editor is editor and editor.isVisible()      # still open, to fix
    assert "finite" in editor.refusal.text() and editor.refusal.isVisible()
    editor.setText("1/4")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: doc.node("h1").bias == 0.25)


def test_a_refused_loss_snaps_back_to_the_loss_in_force(window, qtbot):
    window.files.open_path(XOR)
    panel = window.training
    # perceptron needs targets of -1 and +1; XOR's are 0 and 1
    index = panel.loss.findText("perceptron")
    panel.loss.setCurrentIndex(index)
    panel.loss.activated.emit(index)
    assert window.workspace.document.loss.kind == "mse"
    assert panel.loss.currentText() == "mse"
    assert "Not done" in window.statusBar().currentMessage()


def test_after_1e999_everywhere_the_network_still_saves(window, qtbot, tmp_path):
    window.files.open_path(XOR)
    panel = window.training
    rate = window.workspace.document.training.learning_rate
    for field in (panel.lr_entry, panel.eps, panel.lam, panel.epsilon):
        type_into(qtbot, field, "1e999")
    window.scene.edges["x1->h1"].setSelected(True)
    type_into(qtbot, window.inspector.value, "1e999")
    out = tmp_path / "after.bpsim.json"
    assert window.files.save_to(out)
    text = out.read_text()
    assert "Infinity" not in text and "1e999" not in text
    saved = load(out).document
    assert all(math.isfinite(e.weight) for e in saved.edges)
    assert json.loads(text)["training"]["learning_rate"] == rate
