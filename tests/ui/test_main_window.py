"""The main window driven through its real actions, keys and gestures."""
import copy
import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import (QApplication, QFileDialog, QMessageBox, QPushButton, QScrollBar,
                               QToolBar)

from bpsim.document import load
from bpsim.document.edits import SetNodeField, SetSection
from bpsim.paths import examples_dir
from bpsim.ui import style
from bpsim.ui.docks.training import slider_to_lr
from bpsim.session.numbers import number
from bpsim.ui.style import _FlatFusion

from .helpers import connect_by_drag, drag, inspect, type_over

XOR = examples_dir() / "xor-2-2-1.bpsim.json"


def build_221(window, qtbot):
    """A 2-2-1 network made with the canvas actions and drags."""
    window.files.new_network()
    for kind in ("input", "input", "neuron", "neuron", "neuron"):
        window.actions[f"add_{kind}"].trigger()
    doc = window.workspace.document
    assert [n.id for n in doc.nodes] == ["x1", "x2", "h1", "h2", "h3"]
    positions = {"x1": (0, 0), "x2": (0, 200), "h1": (250, 0), "h2": (250, 200),
                 "h3": (500, 100)}
    for nid, (x, y) in positions.items():
        item = window.scene.nodes[nid]
        window.scene.clearSelection()
        drag(window.view, item.scenePos(), QPointF(x, y))
    for src, dst in (("x1", "h1"), ("x2", "h1"), ("x1", "h2"), ("x2", "h2"), ("h1", "h3"),
                     ("h2", "h3")):
        connect_by_drag(window, src, dst)
    return doc


def test_build_and_step_one_iteration_comparing_every_number(window, qtbot):
    doc = build_221(window, qtbot)
    assert len(doc.edges) == 6
    assert doc.outputs == ["h3"]       # the output followed the chain as it was drawn
    assert doc.node("h2").pos == (250.0, 200.0)
    assert window.workspace.problem is None
    window.view.setFocus()
    stepper = window.workspace.stepper
    for k in range(stepper.total):
        # → reads a step's explanation to its end, then takes the next step
        for _ in range(10):
            qtbot.keyClick(window.view, Qt.Key_Right)
            if stepper.index == k + 1:
                break
        micro = stepper.micro
        scene = window.scene
        for m in stepper.shown("forward"):
            assert scene.nodes[m.node].forward_text.text() == number(float(np.mean(m.out)), 4)
        for m in stepper.shown("backward"):
            expected = f"δ {number(float(np.mean(m.dz)), 4)}" if m.kind == "neuron" else \
                number(float(np.mean(m.dout)), 4)
            assert scene.nodes[m.node].backward_text.text() == expected
            for g in m.grads:
                if g.source:
                    label = scene.edges[f"{g.source}->{m.node}"].grad_label.text()
                    assert label == f"∂w={number(g.value, 4)}"
        if micro.phase in ("forward", "backward"):
            assert scene.nodes[micro.node].mark == "current"
        html = window.explanation.text.toPlainText()
        assert micro.phase.capitalize() in html
    update = stepper.trace.steps[-1]
    assert stepper.complete and window.workspace.session.iteration == 1
    for k, name in enumerate(update.names):
        if name.startswith("w:"):
            edge = window.scene.edges[name[2:]]
            assert edge.label.text() == number(update.after[k], 4)


def test_every_stepping_shortcut(window, qtbot):
    window.files.open_path(XOR)
    st = window.workspace.stepper
    view = window.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_Right)
    assert st.index == 1
    qtbot.keyClick(view, Qt.Key_PageDown)
    assert st.index == 2
    qtbot.keyClick(view, Qt.Key_Left)
    assert st.index == 1
    qtbot.keyClick(view, Qt.Key_PageUp)
    assert st.index == 0
    qtbot.keyClick(view, Qt.Key_Down)              # as PowerPoint: ↓ on, ↑ back
    assert st.index == 1
    qtbot.keyClick(view, Qt.Key_Up)
    assert st.index == 0
    qtbot.keyClick(view, Qt.Key_Right, Qt.ControlModifier)     # finish phase
    assert st.phase == "forward" and st.index == 5
    qtbot.keyClick(view, Qt.Key_Right, Qt.ControlModifier)
    assert st.phase == "cost"
    qtbot.keyClick(view, Qt.Key_End)               # the iteration's end, its update taken
    assert st.complete and window.workspace.session.iteration == 1
    qtbot.keyClick(view, Qt.Key_Home)              # its start, the update taken back
    assert st.index == 0 and st.iteration == 1 and window.workspace.session.iteration == 0
    qtbot.keyClick(view, Qt.Key_Return, Qt.ControlModifier)   # finish the iteration
    assert st.complete and window.workspace.session.iteration == 1
    qtbot.keyClick(view, Qt.Key_Right, Qt.ShiftModifier)
    assert window.workspace.session.iteration == 2
    qtbot.keyClick(view, Qt.Key_E, Qt.ControlModifier)   # next epoch (full batch: one step)
    assert window.workspace.session.iteration == 3
    qtbot.keyClick(view, Qt.Key_Space)             # run
    assert window.runner.timer.isActive()
    qtbot.waitUntil(lambda: window.workspace.session.iteration > 5, timeout=30000)
    qtbot.keyClick(view, Qt.Key_Space)             # pause
    assert not window.runner.timer.isActive()
    assert window.actions.history_slider.maximum() == window.workspace.session.iteration
    window.actions.history_slider.setValue(2)              # rewind
    assert window.workspace.session.iteration == 2 and st.complete
    qtbot.keyClick(view, Qt.Key_R, Qt.ControlModifier)   # reset
    assert window.workspace.session.iteration == 0 and window.stepper.index == 0


def test_help_lists_every_key_and_gesture(window, qtbot, monkeypatch):
    """F1 lists every action's keys, all of them (the menus show only the
    first: → but not PageDown, which a clicker sends), and the gestures."""
    from PySide6.QtGui import QKeySequence
    from bpsim import __version__
    from bpsim.ui import actions
    shown = []
    monkeypatch.setattr(actions, "show_shortcuts", lambda win, acts: shown.append(win))
    qtbot.keyClick(window, Qt.Key_F1)
    assert shown == [window]
    text = actions.shortcuts_html(window, window.actions)
    assert "PgDown" in text and "PgUp" in text and "Space" in text
    for action in window.actions.values():
        for key in action.shortcuts():
            assert key.toString(QKeySequence.NativeText) in text, action.text()
    assert "Double-click a number" in text and "port" in text
    assert "The keys stay with the canvas" in text
    assert "Ctrl+Shift+Z, Ctrl+Shift+Z" not in text              # each key once
    assert f"bpsim {__version__}" in actions.about_text()
    help_menu = next(m for m in window.menuBar().findChildren(type(window.actions.lessons_menu))
                     if m.title() == "&Help")
    assert [a.text() for a in help_menu.actions()] == ["&Keyboard and mouse", "&About bpsim"]


def test_editing_shortcuts_and_undo_redo(window, qtbot):
    window.files.new_network()
    view = window.view
    view.setFocus()
    for key, kind in ((Qt.Key_I, "input"), (Qt.Key_N, "neuron"), (Qt.Key_P, "param"),
                      (Qt.Key_C, "const")):
        qtbot.keyClick(view, key)
        assert window.workspace.document.nodes[-1].kind == kind
    doc = window.workspace.document
    assert len(doc.nodes) == 4
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert len(doc.nodes) == 3
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert len(doc.nodes) == 4
    # each redo key once: a key bound twice is ambiguous to Qt and does nothing
    keys = [k.toString() for k in window.actions["redo"].shortcuts()]
    assert "Ctrl+Shift+Z" in keys and len(keys) == len(set(keys))
    window.scene.clearSelection()
    window.scene.nodes["c1"].setSelected(True)
    qtbot.keyClick(view, Qt.Key_Delete)
    assert not doc.has_node("c1")
    qtbot.keyClick(view, Qt.Key_F)                 # fit: no error, zoom stays sane
    assert 0.15 <= view.transform().m11() <= 6


def test_undo_redo_of_each_kind_of_edit(window, qtbot):
    window.files.open_path(XOR)
    doc = window.workspace.document
    stack = window.undo.stack

    def roundtrip(do, check_done, check_undone):
        do()
        assert check_done()
        stack.undo()
        assert check_undone()
        stack.redo()
        assert check_done()

    roundtrip(lambda: window.actions["add_neuron"].trigger(),
              lambda: doc.has_node("h3"), lambda: not doc.has_node("h3"))
    roundtrip(lambda: connect_by_drag(window, "x1", "h3"),
              lambda: ("x1", "h3") in [(e.src, e.dst) for e in doc.edges],
              lambda: ("x1", "h3") not in [(e.src, e.dst) for e in doc.edges])
    item = window.scene.nodes["h3"]
    old = doc.node("h3").pos
    roundtrip(lambda: drag(window.view, item.scenePos(), item.scenePos() + QPointF(40, 30)),
              lambda: doc.node("h3").pos != old, lambda: doc.node("h3").pos == old)
    roundtrip(lambda: window.editor.on_value_entered("edge", "h1->o", "1/2"),
              lambda: doc.edge("h1", "o").weight == 0.5,
              lambda: doc.edge("h1", "o").weight != 0.5)
    roundtrip(lambda: window.editor.on_value_entered("node", "h1", "-3"),
              lambda: doc.node("h1").bias == -3.0, lambda: doc.node("h1").bias != -3.0)
    window.scene.clearSelection()
    window.scene.nodes["h1"].setSelected(True)
    roundtrip(lambda: window.editor.set_activation("tanh"),
              lambda: doc.node("h1").activation == "tanh",
              lambda: doc.node("h1").activation == "sigmoid")
    roundtrip(lambda: window.training.lr_entry.setText("2e-3") or
              window.training.lr_entry.editingFinished.emit(),
              lambda: doc.training.learning_rate == 0.002,
              lambda: doc.training.learning_rate == 2.0)
    window.scene.clearSelection()
    window.scene.nodes["h2"].setSelected(True)
    n_edges = len(doc.edges)
    roundtrip(lambda: window.actions["delete"].trigger(),
              lambda: not doc.has_node("h2") and len(doc.edges) == n_edges - 3,
              lambda: doc.has_node("h2") and len(doc.edges) == n_edges
              and [n.id for n in doc.nodes][3] == "h2")
    roundtrip(lambda: window.editor.build_layered("2-3-1", "tanh", "sigmoid"),
              lambda: doc.has_node("h1_3") and doc.has_node("x3"),
              lambda: not doc.has_node("h1_3"))
    assert window.workspace.problem is None


def trained(window, steps: int) -> None:
    window.workspace.session.train(steps)
    window.workspace.stepper.after_run()
    window.refresh()


def test_undoing_a_weight_typed_after_training_gives_back_the_trained_weight(window):
    """The document keeps the weights a network was opened (or edited) with,
    the session the trained ones: undo set the document's old value, so a
    weight typed after 98 iterations came back as it was before training."""
    window.files.open_path(XOR)
    session = window.workspace.session
    window.editor.on_value_entered("edge", "x1->h1", "1/2")
    trained(window, 98)
    before = session.parameters()["w:x1->h1"]
    assert before != 0.5
    window.editor.on_value_entered("edge", "x1->h1", "2")
    assert session.parameters()["w:x1->h1"] == 2.0
    window.undo.stack.undo()
    assert session.parameters()["w:x1->h1"] == before and session.iteration == 98
    assert window.scene.edges["x1->h1"].label.text() == number(before, window.digits)
    window.undo.stack.redo()
    assert session.parameters()["w:x1->h1"] == 2.0
    window.undo.stack.undo()
    assert session.parameters()["w:x1->h1"] == before
    bias = session.parameters()["b:h1"]
    assert bias != window.workspace.document.node("h1").bias      # trained too
    window.editor.on_value_entered("node", "h1", "-3")          # a bias, the same way
    window.undo.stack.undo()
    assert session.parameters()["b:h1"] == bias


def test_undoing_a_structural_change_brings_its_training_back(window, qtbot):
    """A new activation recompiles the network and starts the history again,
    said in the status bar; undone, the run before it comes back (its
    iterations, costs and weights), not the trained weights under the old
    activation at iteration 0, a state that never was."""
    window.files.open_path(XOR)
    session = window.workspace.session
    trained(window, 40)
    costs = list(session.history.costs)
    weights = session.parameters()
    window.scene.clearSelection()
    window.editor.set_activation("tanh")
    assert session.iteration == 0 and not session.history.costs
    assert "40 iterations" in window.statusBar().currentMessage()
    trained(window, 25)
    window.undo.stack.undo()
    session = window.workspace.session
    assert all(n.activation == "sigmoid" for n in window.workspace.document.nodes
               if n.kind == "neuron")
    assert session.iteration == 40 and session.history.costs == costs
    assert session.parameters() == weights
    assert window.stepper.session is session
    qtbot.waitUntil(lambda: window.actions.history_slider.value() == 40)      # the window shows it
    trained(window, 5)                         # and it trains on from there as before
    assert session.iteration == 45 and session.history.costs[:40] == costs
    window.undo.stack.redo()
    assert window.workspace.session.iteration == 0


def test_a_cycle_or_invalid_edge_is_refused_in_the_status_bar(window, qtbot):
    window.files.open_path(XOR)
    doc = window.workspace.document
    n = len(doc.edges)
    connect_by_drag(window, "o", "h1")
    assert len(doc.edges) == n and "cycle" in window.statusBar().currentMessage()
    connect_by_drag(window, "h1", "x2")
    assert len(doc.edges) == n and "into input" in window.statusBar().currentMessage()
    connect_by_drag(window, "x1", "h1")
    assert len(doc.edges) == n and "duplicate" in window.statusBar().currentMessage()


def test_inline_editor_accepts_what_a_student_writes(window, qtbot):
    window.files.open_path(XOR)
    window.view.edit_edge(window.scene.edges["x1->h1"])
    editor = window.view.editor
    editor.setText("2e-3")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: window.workspace.document.edge("x1", "h1").weight == 0.002)
    window.view.edit_node(window.scene.nodes["h1"])
    window.view.editor.setText("abc")
    qtbot.keyClick(window.view.editor, Qt.Key_Return)
    assert "not a number" in window.view.editor.refusal.text()


def test_an_input_without_a_value_is_edited_from_the_0_it_computes_with(window, qtbot):
    """Drawn on a blank canvas, an input has no value: the editor opened
    empty, and a refusal said "the value stays ." with nothing after it."""
    window.files.new_network()
    nid = window.editor.add_node("input")
    window.view.edit_node(window.scene.nodes[nid])
    editor = window.view.editor
    assert editor.text() == "0"
    editor.setText("1e999")
    qtbot.keyClick(editor, Qt.Key_Return)
    assert editor.refusal.text().endswith("the value stays 0.")


def test_a_weight_typed_in_place_leaves_no_trace_of_the_old_one(window, qtbot):
    """The editor opens over the weight it replaces; the old, wider number
    was left on screen around the new one (the view never repainted there:
    the window's backing store, what the screen shows, differed from a fresh
    render)."""
    window.files.open_path(XOR)
    qtbot.wait(50)
    view, edge = window.view, window.scene.edges["x1->h1"]
    label = view.mapFromScene(edge.label.sceneBoundingRect()).boundingRect()
    view.edit_edge(edge)
    assert view.editor.geometry().contains(label.center())
    view.editor.setText("1/2")
    qtbot.keyClick(view.editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: edge.label.text() == "0.5")
    qtbot.wait(100)                          # painted
    area = label.adjusted(-4, -2, 4, 2)
    at = view.viewport().mapTo(window, area.topLeft())
    shown = window.screen().grabWindow(window.winId(), at.x(), at.y(), area.width(),
                                       area.height()).toImage()
    # rendered whole and cut out: a grab of only the area antialiases a line
    # crossing its edge a shade differently (1/255) there
    fresh = view.viewport().grab().toImage().copy(area)
    assert shown.size() == fresh.size() and not shown.isNull()
    assert shown.convertToFormat(fresh.format()) == fresh


def test_save_and_open_through_the_dialog_code_paths(window, qtbot, tmp_path, monkeypatch):
    window.files.open_path(XOR)
    window.stepping.step("iteration")                       # save writes the current values
    target = tmp_path / "mine.bpsim.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert window.files.save_as()
    assert window.undo.stack.isClean() and "mine.bpsim.json" in window.windowTitle()
    saved = load(target).document
    params = window.workspace.session.parameters()
    assert saved.edge("x1", "h1").weight == params["w:x1->h1"]
    window.actions["add_input"].trigger()
    assert window.isWindowModified()
    window.undo.stack.undo()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    window.files.open_dialog()
    assert window.files.path == target
    assert window.workspace.document.edge("x1", "h1").weight == params["w:x1->h1"]
    assert str(target.resolve()) in window.files.recent_files()


def test_training_counts_as_unsaved_and_an_example_is_saved_in_the_users_folder(
        window, tmp_path, monkeypatch):
    """Save writes the trained parameters, so training the user's own
    network marks the window unsaved and closing asks; an example stepped or
    trained asks nothing (a lecture switches examples), only its edits do,
    and its Save proposes the user's own folder, never bpsim's examples."""
    Path.home().mkdir(exist_ok=True)               # the test's own home (conftest)
    window.files.open_path(XOR)
    assert not window.isWindowModified() and not window.files.is_modified()
    window.stepping.step("iteration")
    asked = []
    window.files.ask_to_save = lambda: asked.append(1) or QMessageBox.Cancel
    assert not window.isWindowModified() and window.files.maybe_save() and not asked
    window.push(SetNodeField("h1", "label", "hidden"))        # an edit: that asks
    assert window.isWindowModified()
    assert not window.files.maybe_save() and asked       # Cancel keeps the edited network
    proposed = []

    def dialog(parent, caption, start, *rest, **kw):
        proposed.append(start)
        return str(tmp_path / "mine.bpsim.json"), ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    assert window.files.save()
    start = Path(proposed[0])
    assert start.name == "xor-2-2-1.bpsim.json" and start.parent != examples_dir()
    assert start.parent == Path.home() and not window.isWindowModified()
    window.stepping.step("iteration")                      # the user's own, trained: unsaved
    assert window.isWindowModified()
    window.files.save()
    window.actions.history_slider.setValue(0)              # rewinding changes what Save writes too
    assert window.isWindowModified()
    window.actions.history_slider.setValue(2)              # and back where it was saved, it is not
    assert not window.isWindowModified()


def test_importing_a_csv_never_writes_into_the_examples_and_bad_files_are_one_line(
        window, tmp_path, monkeypatch):
    import bpsim.ui.docks.training as training
    window.files.open_path(XOR)
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2,o\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", encoding="utf-8")
    copies = []
    monkeypatch.setattr(training.shutil, "copyfile", lambda a, b: copies.append(b))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(csv), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    before = window.workspace.document.data
    window.training.import_csv()                   # Save As cancelled: nothing happens
    assert copies == [] and window.workspace.document.data == before
    assert "Save the network as your own first" in window.statusBar().currentMessage()
    monkeypatch.undo()
    own = tmp_path / "own"
    own.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(own / "xor.bpsim.json"), ""))
    for bad, why in ((b"", "it is empty"), (b"\xff\xfe\x00bad", "codec")):
        path = tmp_path / "bad.csv"
        path.write_bytes(bad)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, p=path, **k: (str(p), ""))
        window.training.import_csv()
        message = window.statusBar().currentMessage()
        assert message.startswith(f"error: {path}: cannot import") and why in message
        assert "\n" not in message and not (own / "bad.csv").exists()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(csv), ""))
    window.training.import_csv()                   # now beside the user's own file
    assert (own / "points.csv").exists() and window.workspace.document.data.csv == "points.csv"
    assert not (examples_dir() / "points.csv").exists()
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(other / "xor.bpsim.json"), ""))
    assert window.files.save_as()                        # the CSV goes along with the file
    assert (other / "points.csv").read_text() == csv.read_text()
    assert load(other / "xor.bpsim.json").dataset.X.shape == (4, 2)


def test_a_bad_file_is_one_line_in_a_dialog_and_the_network_stays(window, tmp_path):
    window.files.open_path(XOR)
    bad = tmp_path / "bad.bpsim.json"
    net = json.loads(XOR.read_text())
    net["edges"][0]["to"] = "h9"
    bad.write_text(json.dumps(net))
    assert not window.files.open_path(bad)
    assert window.files.last_error == f'error: {bad}: edges[0].to: unknown node "h9"'
    assert window.files.error_box.text() == window.files.last_error
    assert window.files.path == XOR and len(window.workspace.document.nodes) == 5
    window.files.error_box.close()


def test_sample_selector_and_digits(window, qtbot):
    window.files.open_path(XOR)
    window.stepping.step("phase")
    combo = window.actions.sample_combo
    assert combo.count() == 5 and combo.isEnabled()
    combo.setCurrentIndex(2)                        # sample 1 (x = (0, 1))
    forward = {m.node: m for m in window.workspace.stepper.shown("forward")}
    assert window.scene.nodes["h1"].forward_text.text() == number(forward["h1"].out[1], 4)
    window.set_digits(6)
    assert window.scene.nodes["h1"].forward_text.text() == number(forward["h1"].out[1], 6)


def test_settings_persist_geometry_and_recent_files(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from bpsim.ui.main_window import MainWindow
    settings = QSettings(str(tmp_path / "p.ini"), QSettings.IniFormat)
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.resize(780, 640)
    win.actions.speed.setValue(7)
    win.files.open_path(XOR)
    win.close()
    again = MainWindow(QSettings(str(tmp_path / "p.ini"), QSettings.IniFormat))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (780, 640)
    assert again.actions.speed.value() == 7
    again.close()


@pytest.mark.parametrize("advance", [0, 7])
def test_screenshot_mode_writes_a_png(tmp_path, advance):
    import subprocess
    import sys
    out = tmp_path / "shot.png"
    run = subprocess.run([sys.executable, "-m", "bpsim", str(XOR), "--screenshot", str(out),
                          "--advance", str(advance), "--size", "1000x700"],
                         capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    assert width == 1000


def test_screenshot_waits_for_the_landscape_grid(window, tmp_path, monkeypatch):
    """The picture shows the landscape, not "computing the landscape…"."""
    import time

    from PySide6.QtWidgets import QApplication

    from bpsim.ui.app import take_screenshot
    from bpsim.ui.plots import landscape as view
    compute = view.grid_surface

    def slow(*args):          # a grid that takes a while, as on a big network
        time.sleep(0.3)
        return compute(*args)
    monkeypatch.setattr(view, "grid_surface", slow)
    window.files.open_path(XOR)
    out = tmp_path / "shot.png"
    assert take_screenshot(QApplication.instance(), window, str(out), 12) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    status = window.plots.landscape.status.text()
    assert "computing" not in status and "grid" in status


def test_notes_then_formulas_and_the_vectorized_form(window, qtbot):
    window.files.open_path(XOR)
    text = window.explanation.text.toPlainText()
    assert "XOR with one hidden layer" in text and "No single neuron separates XOR" in text
    assert window.status.labels["cost"].text() == "cost —"
    window.stepping.step("phase")                     # the forward pass, h1 … o
    window.explanation.vectorized.setChecked(True)
    text = window.explanation.text.toPlainText()
    assert "Forward: neuron o" in text and "Vectorized, layer of o" in text
    window.stepping.step("phase")
    window.stepping.step("forward")                   # backward o
    text = window.explanation.text.toPlainText()
    assert "dW\n" in text and "dZ·A" in text and "dA" in text
    assert window.status.labels["cost"].text() == \
        f"cost {window.workspace.stepper.trace.cost:.6g}"


def test_focus_dims_all_but_a_node_and_its_neighbours(window):
    window.files.open_path(XOR)
    window.scene.clearSelection()
    window.scene.nodes["h1"].setSelected(True)
    window.actions["focus"].trigger()
    nodes = window.scene.nodes
    assert nodes["h1"].opacity() == nodes["o"].opacity() == nodes["x1"].opacity() == 1.0
    assert nodes["h2"].opacity() < 0.5
    window.actions["focus"].trigger()
    assert nodes["h2"].opacity() == 1.0


def test_weights_drawn_by_sign_width_and_selection(window):
    """Negative weights dashed purple, positive solid blue, wider for larger
    |w|; a selected edge turns the selection colour, and back."""
    window.files.open_path(XOR)
    edges = window.scene.edges
    weights = {k: e.weight for k, e in edges.items()}
    negative = next(k for k, w in weights.items() if w < 0)
    positive = max((k for k, w in weights.items() if w > 0), key=lambda k: weights[k])
    smallest = min(weights, key=lambda k: abs(weights[k]))
    neg_pen, pos_pen = edges[negative].shaft.pen(), edges[positive].shaft.pen()
    assert neg_pen.style() == Qt.DashLine and neg_pen.color() == style.NEGATIVE
    assert pos_pen.style() == Qt.SolidLine and pos_pen.color() == style.POSITIVE
    assert pos_pen.widthF() > edges[smallest].shaft.pen().widthF() or positive == smallest
    assert edges[negative].head.brush().color() == style.NEGATIVE   # the arrowhead too
    window.scene.clearSelection()
    edges[positive].setSelected(True)
    assert edges[positive].shaft.pen().color() == style.SELECTED
    window.scene.clearSelection()
    assert edges[positive].shaft.pen().color() == style.POSITIVE
    # the arrow ends at the target's border, where its head is
    line = edges[positive].line
    assert edges[positive].head.polygon().first() == line.p2()


def test_scroll_bars_and_tool_bars_are_drawn_flat_under_fusion(window, qapp):
    if qapp.style().name().lower() != "fusion":
        pytest.skip("the flat drawing replaces Fusion's only")
    bars = window.findChildren(QScrollBar) + window.findChildren(QToolBar)
    assert bars and all(isinstance(b.style(), _FlatFusion) for b in bars)
    # the rest keeps the application's style, and the flat parts paint
    assert not isinstance(window.training.style(), _FlatFusion)
    toolbar = window.findChild(QToolBar, "toolbar_steps")
    image = toolbar.grab().toImage()
    assert image.pixelColor(toolbar.width() - 2, 2) == toolbar.palette().window().color()


def test_an_incomplete_network_shows_why(window, qtbot):
    window.files.new_network()
    assert window.status.labels["phase"].text() == "empty canvas"
    window.actions["add_input"].trigger()
    window.editor.add_node("op", "mul")
    assert window.workspace.problem is not None
    qtbot.waitUntil(lambda: "cannot run" in window.explanation.text.toPlainText())
    assert window.status.labels["phase"].text() == "incomplete network"
    window.stepping.step("forward")                   # nothing to step: a message, no exception
    assert window.statusBar().currentMessage()


def test_without_a_display_bpsim_says_so_in_one_line():
    import os
    import subprocess
    import sys
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    run = subprocess.run([sys.executable, "-m", "bpsim"], capture_output=True, text=True,
                         env=env, timeout=60)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("error: no display")


def test_a_network_opened_before_the_window_shows_fills_the_canvas(qtbot, tmp_path):
    """bpsim opens its first network before it shows the window: fitted into
    the view's default size, it stayed a speck in the middle of the canvas
    (seen on a real X display; the screenshot mode fits again, so its
    pictures never showed it).  Zoomed by hand, a resize keeps the zoom."""
    from PySide6.QtCore import QSettings
    from bpsim.ui.main_window import MainWindow
    win = MainWindow(QSettings(str(tmp_path / "bpsim.ini"), QSettings.IniFormat))
    win.files.ask_to_save = lambda: QMessageBox.Discard
    qtbot.addWidget(win)
    win.files.open_example()                        # as run_gui does, before show()
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)

    def filled() -> float:
        shown = win.view.mapFromScene(win.scene.itemsBoundingRect()).boundingRect()
        port = win.view.viewport().size()
        return max(shown.width() / port.width(), shown.height() / port.height())
    assert filled() > 0.6
    win.view.zoom_by(1.2)
    scale = win.view.transform().m11()
    win.resize(1200, 800)
    qtbot.wait(10)
    assert win.view.transform().m11() == scale


def test_the_network_stands_still_while_its_numbers_appear(window, qtbot):
    """Each node's numbers are written beneath it once a step computes them;
    the view used to centre on everything drawn so far, and the whole network
    moved 5-15 px at the first micro-steps (seen on a real display)."""
    from PySide6.QtCore import QPoint
    window.files.new_network()
    assert window.editor.build_layered("2-3-1", "sigmoid", "sigmoid")
    qtbot.wait(10)
    view = window.view
    node = window.scene.nodes["h1_1"]

    def where() -> QPoint:
        return view.mapFromScene(node.scenePos())
    start = where()
    for _ in range(window.stepper.total):
        window.stepping.step("forward")
        qtbot.wait(1)
        assert where() == start, window.stepper.index
    assert node.backward_text.text()         # its numbers are there


def test_a_small_network_after_a_large_one_leaves_nothing_to_scroll(window, qtbot):
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    window.files.open_path(XOR)
    qtbot.wait(10)
    view = window.view
    assert not view.horizontalScrollBar().maximum() and not view.verticalScrollBar().maximum()


@pytest.mark.parametrize("name", ["circuit-x-plus-y-times-z", "xor-2-2-1", "sigmoid-neuron"])
def test_a_fitted_network_has_room_for_its_numbers_without_scrolling(window, qtbot, name):
    """Fitted without the room of the numbers beneath its nodes (written at
    the first micro-steps), a network that fits had a vertical scroll bar."""
    window.files.open_path(examples_dir() / f"{name}.bpsim.json")
    qtbot.wait(10)
    view = window.view
    for _ in range(window.stepper.total):
        window.stepping.step("forward")
        qtbot.wait(1)
        assert not view.horizontalScrollBar().maximum(), window.stepper.index
        assert not view.verticalScrollBar().maximum(), window.stepper.index


def test_the_first_window_fits_the_screen(window, monkeypatch):
    """No saved geometry: the screen's available area (a 1024x768 projector
    showed a larger window's top-left part, without the explanation; at
    1920x1080 the window was 1400x900, the formulas cramped)."""
    from types import SimpleNamespace
    from PySide6.QtCore import QRect
    for area in (QRect(0, 0, 1920, 1080), QRect(0, 0, 1024, 768),
                 QRect(1920, 0, 1366, 768)):                       # a second screen
        monkeypatch.setattr(window, "screen", lambda a=area: SimpleNamespace(
            availableGeometry=lambda: a))
        window.arrangement.default_geometry()
        frame = window.frameGeometry()
        assert area.contains(frame), (area, frame)
        assert frame.width() >= area.width() - 20 and frame.height() >= area.height() - 50


def test_a_new_node_lands_clear_of_nodes_and_edges_in_view(window):
    """Dropped onto the z → f line of the circuit (the middle of the view), a
    new gate looked wired into it (seen on a real display)."""
    from bpsim.ui.canvas.dense import distances
    window.files.open_path(examples_dir() / "circuit-x-plus-y-times-z.bpsim.json")
    for _ in range(4):
        nid = window.editor.add_node("op", "add")
        item = window.scene.nodes[nid]
        others = [i for k, i in window.scene.nodes.items() if k != nid]
        assert all(QPointF(i.pos() - item.pos()).manhattanLength() > 70 for i in others)
        assert distances(window.scene.edge_segments(), item.pos().x(), item.pos().y()).min() >= 45
        seen = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
        assert seen.contains(item.pos())
    assert "node add" in window.workspace.problem       # named, as the canvas shows it


def test_a_missing_x11_library_is_named_in_one_line(monkeypatch, capsys):
    """Qt's X11 plugin needs system libraries a fresh Linux often lacks; Qt
    then aborts with a screenful.  bpsim names the one the loader missed."""
    import ctypes
    import sys
    from types import SimpleNamespace

    from bpsim.ui import app
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(app.os.path, "exists", lambda path: True)
    loaded = []

    def missing(path):
        loaded.append(path)
        raise OSError("libxcb-cursor.so.0: cannot open shared object file: No such file or "
                      "directory")
    monkeypatch.setattr(ctypes, "CDLL", missing)
    args = SimpleNamespace(screenshot=None, size="1400x900", file=None, advance=0)
    assert app.run_gui(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "libxcb-cursor.so.0 is missing" in err
    assert "apt install libxcb-cursor0" in err and loaded[0].endswith("libqxcb.so")
    monkeypatch.setattr(ctypes, "CDLL", lambda path: None)           # it loads
    assert app.xcb_problem() is None
    monkeypatch.setattr(ctypes, "CDLL", missing)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")               # not X11: not asked
    assert app.xcb_problem() is None
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")               # Qt may pick Wayland
    assert app.xcb_problem() is None


def test_training_dock_activation_applies_to_hidden_neurons_and_generators(window):
    """A choice in the activation box applies at once (behind an Apply button
    it seemed to do nothing), to what the label beside it names."""
    window.files.open_path(XOR)
    doc = window.workspace.document
    window.scene.clearSelection()
    combo, label = window.training.activation, window.training.activation_for

    def choose(name: str) -> None:            # as a click in the open list does
        combo.setCurrentText(name)
        combo.activated.emit(combo.currentIndex())
    assert combo.currentText() == "sigmoid" and label.text() == "for the hidden neurons"
    choose("tanh")
    assert [doc.node(n).activation for n in ("h1", "h2", "o")] == ["tanh", "tanh", "sigmoid"]
    window.refresh()
    assert combo.currentText() == "tanh"              # what the hidden neurons have
    window.scene.nodes["o"].setSelected(True)
    assert combo.currentText() == "sigmoid" and label.text() == "for the 1 selected"
    window.scene.nodes["h1"].setSelected(True)
    assert combo.currentIndex() == -1 and combo.placeholderText() == "mixed"
    assert label.text() == "for the 2 selected"
    choose("relu")
    assert [doc.node(n).activation for n in ("h1", "h2", "o")] == ["relu", "tanh", "relu"]
    window.scene.clearSelection()
    window.training.generator.setCurrentText("circle")
    window.training.samples.setValue(50)
    window.training.use_generator()
    assert doc.data.generator == "circle" and window.workspace.session.dataset.n == 50
    window.undo.stack.undo()
    assert doc.data.rows is not None
    window.files.open_path(examples_dir() / "sgd-versus-full-batch.bpsim.json")   # one neuron: y
    assert combo.currentIndex() == -1 and combo.placeholderText() == "no hidden neuron"
    assert not combo.isEnabled() and "Select a neuron" in combo.toolTip() and not label.text()
    window.scene.nodes["y"].setSelected(True)
    assert combo.currentText() == "identity" and combo.isEnabled()


def open_unlimited_xor(window, folder: Path) -> None:
    """XOR without its step limit: its 2000 can be over before a run is checked."""
    net = json.loads(XOR.read_text(encoding="utf-8"))
    net["training"]["max_steps"] = None
    path = folder / "xor-unlimited.bpsim.json"
    path.write_text(json.dumps(net), encoding="utf-8")
    window.files.open_path(path)


def test_without_a_training_process_a_run_trains_in_a_thread(window, qtbot, monkeypatch,
                                                             tmp_path):
    """A training process that cannot start (no processes left, a program
    embedding the window without a main guard) raised out of Space; the run
    now trains in a thread of the window's process, and says so once."""
    from bpsim.session.background import BackgroundRun
    from bpsim.session.process_run import ProcessRun

    def refuse(self):
        raise RuntimeError("An attempt has been made to start a new process\nbefore ...")
    monkeypatch.setattr(ProcessRun, "start", refuse)
    open_unlimited_xor(window, tmp_path)
    session = window.workspace.session
    window.actions.speed.setValue(0)
    window.runner.toggle()
    assert isinstance(window.runner.background, BackgroundRun) and window.running
    assert "could not start (An attempt has been made to start a new process)" in \
        window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: session.iteration > 20, timeout=30000)
    window.runner.toggle()
    window.runner.toggle()                                   # the next run: a thread at once
    assert isinstance(window.runner.background, BackgroundRun)
    run = window.actions["run"]
    assert (run.text(), run.isChecked()) == ("Pause", True)
    window.runner.toggle()
    assert not window.running
    assert (run.text(), run.isChecked()) == ("Run", False)


def test_the_learning_rate_entry_follows_the_slider_and_each_is_its_own_undo_step(window):
    window.files.open_path(XOR)
    panel = window.training
    doc = window.workspace.document
    panel.lr_entry.setText("0.75")
    panel.lr_entry.editingFinished.emit()
    assert doc.training.learning_rate == 0.75
    for drag in ((310, 300), (200, 190)):          # two drags of the slider
        panel.lr_slider.sliderPressed.emit()
        for position in drag:
            panel.lr_slider.setValue(position)
            window.refresh()
            assert panel.lr_entry.text() == f"{doc.training.learning_rate:g}"
    after_drags = doc.training.learning_rate
    assert after_drags == slider_to_lr(190)
    window.undo.stack.undo()                       # the second drag
    assert doc.training.learning_rate == slider_to_lr(300)
    window.undo.stack.undo()                       # the first drag
    assert doc.training.learning_rate == 0.75
    window.undo.stack.undo()                       # the typed rate
    assert doc.training.learning_rate == 2.0
    window.refresh()
    assert panel.lr_entry.text() == "2"


def test_run_at_full_speed_trains_beside_the_window_and_pauses_where_it_is(window, qtbot,
                                                                           tmp_path):
    """At speed max the engine trains on a worker thread; a settings change
    made meanwhile lands in the history, and Pause shows the session's own
    iteration, complete."""
    open_unlimited_xor(window, tmp_path)
    session = window.workspace.session
    window.actions.speed.setValue(0)
    window.runner.toggle()
    assert window.runner.background is not None and window.runner.background.running
    qtbot.waitUntil(lambda: session.iteration > 50, timeout=30000)
    edges = window.scene.edges.values()
    assert all(e.grad_label.text() == "" for e in edges)     # weights only, while it runs
    assert all(e.label.text() for e in edges)
    # the status bar speaks of the step shown (full batch: iteration n is in epoch n),
    # though the session has trained on
    labels = window.status.labels
    assert labels["iteration"].text().split()[-1] == labels["epoch"].text().split()[-1]
    training = copy.deepcopy(window.workspace.document.training)
    training.learning_rate = 0.25
    assert window.push(SetSection("training", training, "learning_rate"))
    changed_at = session.iteration
    qtbot.waitUntil(lambda: session.iteration > changed_at + 50, timeout=30000)
    window.runner.toggle()
    assert window.runner.background is None and not window.running
    st = window.workspace.stepper
    assert st.complete and st.trace.step == session.iteration
    assert all(e.grad_label.text().startswith("∂w=") for e in edges)   # paused: gradients
    assert session.settings.learning_rate == 0.25
    # the history replays to the same numbers: rewind and step again
    costs = list(session.history.costs)
    window.actions.history_slider.setValue(changed_at - 10)
    for _ in range(20):
        window.stepping.step("iteration")
    assert session.history.costs[:changed_at + 10] == costs[:changed_at + 10]


def test_run_until_divergence_shows_the_step_that_diverged(window, qtbot, tmp_path):
    net = json.loads((examples_dir() / "single-weight-regression.bpsim.json").read_text())
    net["training"]["learning_rate"] = 0.5
    net["training"]["max_steps"] = None        # it takes more than the example's 100
    path = tmp_path / "blowup.bpsim.json"
    path.write_text(json.dumps(net))
    window.files.open_path(path)
    window.actions.speed.setValue(0)
    window.runner.toggle()
    qtbot.waitUntil(lambda: not window.running, timeout=30000)
    st = window.workspace.stepper
    assert st.trace.diverged and st.complete
    assert "not applied" in window.explanation.text.toPlainText()
    assert "Diverged" in window.statusBar().currentMessage()
    assert window.plots.loss.log.isChecked()          # the explosion, readable
    before = window.workspace.session.iteration
    window.stepping.step("forward")                            # nothing follows a diverged step
    assert window.workspace.session.iteration == before


@pytest.mark.parametrize("speed", [0, 7])       # the training process; paced, 7 a frame
def test_run_stops_at_max_steps_and_says_so(window, qtbot, tmp_path, speed):
    net = json.loads(XOR.read_text(encoding="utf-8"))
    net["training"]["max_steps"] = 60
    net["training"]["epsilon"] = None
    path = tmp_path / "xor-60.bpsim.json"
    path.write_text(json.dumps(net), encoding="utf-8")
    assert window.files.open_path(path)
    session = window.workspace.session
    for _ in range(3):
        window.stepping.step("iteration")              # steps taken by hand count too
    window.actions.speed.setValue(speed)
    window.runner.toggle()
    qtbot.waitUntil(lambda: not window.running, timeout=30000)
    assert session.iteration == 60 and session.history.length == 60
    assert "max steps (60)" in window.statusBar().currentMessage()
    st = window.workspace.stepper
    assert st.complete and st.trace.step == 60
    window.statusBar().clearMessage()
    window.runner.toggle()                       # at the limit Run says why it does not start
    assert not window.running and not window.actions["run"].isChecked()
    assert "Max steps (60) reached" in window.statusBar().currentMessage()
    window.stepping.step("iteration")                  # stepping by hand goes on
    assert session.iteration == 61


def test_status_bar_counts_epochs_from_one_like_iterations(window, tmp_path):
    """Mini-batches of 2 over XOR's 4 rows: iterations 1 and 2 are epoch 1,
    3 and 4 epoch 2, at every micro-step of them."""
    data = json.loads(XOR.read_text(encoding="utf-8"))
    data["training"]["batch"] = 2
    path = tmp_path / "xor-batch-2.bpsim.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert window.files.open_path(path)
    stepper = window.workspace.stepper
    labels = window.status.labels
    for iteration in (1, 2, 3, 4):
        for index in range(1, stepper.total + 1):
            window.stepping.step("forward")
            assert (stepper.iteration, stepper.index) == (iteration, index)
            assert labels["iteration"].text() == f"iteration {iteration}"
            assert labels["epoch"].text() == f"epoch {(iteration + 1) // 2}"


def test_while_running_no_full_garbage_collection_and_the_explanation_says_so(window, qtbot):
    """A full pass over a long history's objects stutters a run: it waits for Pause.
    The explanation says training runs, instead of an earlier text."""
    import gc
    window.files.open_path(XOR)
    before = gc.get_threshold()
    window.actions.speed.setValue(1)
    window.runner.toggle()
    assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > 10 ** 6
    assert "Training runs" in window.explanation.text.toPlainText()   # not a stale text
    qtbot.waitUntil(lambda: window.workspace.session.iteration > 3, timeout=30000)
    window.runner.toggle()
    assert gc.get_threshold() == before
    assert "Training runs" not in window.explanation.text.toPlainText()


def test_the_activation_choice_shows_only_for_networks_with_neurons(window):
    window.files.open_path(examples_dir() / "circuit-x-plus-y-times-z.bpsim.json")
    assert window.training.network_box.isHidden()
    window.actions["add_neuron"].trigger()        # an edit: now there is one to choose for
    window.refresh()
    assert not window.training.network_box.isHidden()
    window.files.open_path(XOR)
    assert not window.training.network_box.isHidden()


def test_previous_is_off_at_the_very_start_and_stepping_clears_old_messages(window):
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    assert not window.actions["prev"].isEnabled() and window.actions["next"].isEnabled()
    window.statusBar().showMessage("an old message", 10000)
    window.stepping.step("forward")
    assert window.actions["prev"].isEnabled()
    assert window.statusBar().currentMessage() == ""
    window.stepping.step("back")
    assert not window.actions["prev"].isEnabled()


def test_stepping_on_from_a_rewound_iteration_says_the_later_history_is_replaced(window):
    window.files.open_path(examples_dir() / "xor-2-2-1.bpsim.json")
    for _ in range(5):
        window.stepping.step("iteration")
    window.stepping.rewind_to(2)
    assert window.stepper.session.history.length == 5
    window.stepping.step("forward")                      # within iteration 3: nothing replaced yet
    assert "dropped" not in window.statusBar().currentMessage()
    window.stepping.step("iteration")                    # its update taken: a new history from 3
    assert window.stepper.session.history.length == 3
    assert window.statusBar().currentMessage() == \
        "Training on from iteration 3: the history's iterations 3–5 are dropped; stepping or " \
        "running on computes them again."
    window.stepping.step("iteration")                    # at the end of the history: nothing to say
    assert "dropped" not in window.statusBar().currentMessage()


def test_a_change_at_a_rewound_iteration_says_what_it_drops(window):
    """A weight set at iteration 3 of 6 dropped iterations 4-6 without a word."""
    window.files.open_path(XOR)
    for _ in range(6):
        window.stepping.step("iteration")
    window.stepping.rewind_to(3)
    training = copy.deepcopy(window.workspace.document.training)
    training.learning_rate = 0.5
    assert window.push(SetSection("training", training, "learning_rate"))
    assert window.workspace.session.history.length == 3
    assert window.statusBar().currentMessage() == ("The change applies from iteration 4: "
                                                   "the history's iterations 4–6 are dropped; "
                                                   "stepping or running on computes them again.")
    window.statusBar().clearMessage()
    window.stepping.step("iteration")                    # at the end now: an edit drops nothing
    window.inspector.show_selection()
    window.scene.edges["x1->h1"].setSelected(True)
    window.refresh()
    window.inspector.value.setText("0.5")
    window.inspector.value.editingFinished.emit()
    assert window.workspace.session.parameters()["w:x1->h1"] == 0.5
    assert window.statusBar().currentMessage() == ""


def test_a_long_message_hides_the_status_numbers_while_it_shows(window):
    """The numbers on the status bar's right cut long messages off mid-sentence."""
    bar = window.statusBar()
    labels = window.status.labels.values()
    bar.showMessage("short")
    assert all(label.isVisible() for label in labels)
    long = "a message as long as the one on a dropped history, " * 3
    bar.showMessage(long)
    assert bar.currentMessage() == long and not any(label.isVisible() for label in labels)
    bar.clearMessage()
    assert all(label.isVisible() for label in labels)


def test_choosing_mini_batch_proposes_a_size_that_is_not_sgd(window):
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    box = window.training.batch
    box.setCurrentText("mini-batch")
    box.activated.emit(box.currentIndex())
    n = window.workspace.session.trainer.dataset.n_train
    batch = window.workspace.document.training.batch
    assert isinstance(batch, int) and 2 <= batch <= n and batch == min(32, n // 4)
    window.refresh()
    assert window.training.batch_size.isEnabled() and window.training.batch_size.value() == batch


def test_the_update_explains_every_parameter_of_a_small_network(window):
    """A 2-3-1's 13 parameters all have their line (it wrote "… and 1 more"
    for the last bias); a 2-4-4-1's 37 point to the table after twelve."""
    from bpsim.ui.docks.explanation import MAX_LINES
    for layers, n in (("2-3-1", 13), ("2-4-4-1", 37)):
        window.files.new_network()
        assert window.editor.build_layered(layers, "sigmoid", "sigmoid")
        window.stepping.step("iteration")
        text = window.explanation.text.toPlainText()
        shown = n if n <= MAX_LINES + 2 else MAX_LINES
        assert window.stepper.phase == "update" and text.count("←") == shown, layers
        assert ("more: see the Parameters dock" in text) == (n > MAX_LINES + 2)
        if n > MAX_LINES + 2:
            assert f"and {n - MAX_LINES} more" in text


def test_tooltips_and_inspector_say_whose_numbers_they_show(window):
    window.files.open_path(XOR)
    scene = window.scene
    window.stepping.step("phase")
    window.stepping.step("phase")
    window.stepping.step("phase")                     # forward, cost, backward: all numbers out
    rows = [int(r) for r in window.stepper.trace.rows]
    assert len(rows) == 4
    h1 = scene.tip_for(scene.nodes["h1"])
    assert "mean over the batch's 4 samples" in h1 and "gradients: their sum" in h1
    edge = scene.tip_for(scene.edges["x1->h1"])
    assert "∂C/∂w = " in edge and "(the batch's)" in edge
    # the batch's δ adds up to the bias's gradient, and says it is a sum
    bias_grad = dict(zip(window.stepper.trace.steps[-1].names,
                         window.stepper.trace.steps[-1].grads))["b:h1"]
    assert scene.nodes["h1"].backward_text.text() == f"Σδ {number(bias_grad, window.digits)}"
    window.stepping.set_sample(2)                     # the combo's third entry: the second sample
    h1 = scene.tip_for(scene.nodes["h1"])
    assert f"sample {rows[1]} of the batch's 4" in h1 and "mean over" not in h1
    assert scene.nodes["h1"].backward_text.text().startswith("δ ")
    scene.nodes["h1"].setSelected(True)
    window.refresh()
    numbers = window.inspector.numbers.text()
    assert f"sample {rows[1]} of the batch's 4" in numbers
    assert "<b>h1</b>" not in numbers and ">h1</b>" in window.inspector.title.text()
    # the term an edge sends back: whose it is, in words (it read "term: values: mean…")
    tip = scene.tip_for(scene.edges["h1->o"])
    assert f"chain-rule term sent back to h1 = " in tip and f"(sample {rows[1]})" in tip
    window.stepping.set_sample(0)
    tip = scene.tip_for(scene.edges["h1->o"])
    assert "(the batch's sum)" in tip and "term:" not in tip


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
def test_on_a_projectors_screen_everything_shows_and_the_formulas_have_room(qtbot, tmp_path,
                                                                            size):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QStyleOptionTab, QTabBar
    from bpsim.ui.main_window import MainWindow
    settings = QSettings(str(tmp_path / "bpsim.ini"), QSettings.IniFormat)
    win = MainWindow(settings)
    win.files.ask_to_save = lambda: QMessageBox.Discard
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    win.plots.build()
    qtbot.wait(50)
    # every tab's title whole, as the window opens ("Loss landsc…", "Gradient fl…")
    for bar in win.findChildren(QTabBar, options=Qt.FindDirectChildrenOnly):
        for i in range(bar.count() if bar.isVisible() else 0):
            option = QStyleOptionTab()
            bar.initStyleOption(option, i)      # the text as the tab draws it
            assert option.text == bar.tabText(i)
    frame = win.rect()
    for widget in (win.actions.history_slider, win.actions.history_label, win.actions.sample_combo, win.actions.speed):
        assert widget.isVisible(), widget              # not behind a tool bar's » menu
        corner = widget.mapTo(win, widget.rect().bottomRight())
        assert frame.contains(corner)
    for name in ("prev", "next", "phase", "iteration", "epoch", "run", "reset"):
        button = win.findChild(QToolBar, "toolbar_steps").widgetForAction(win.actions[name])
        assert button.isVisible(), name
    assert win.docks["explanation"].height() >= 0.38 * size[1]
    win.resizeDocks([win.docks["training"]], [320], Qt.Horizontal)    # a narrow column
    qtbot.wait(20)
    assert not win.training.horizontalScrollBar().isVisible()     # the settings fit across
    assert win.view.height() >= 0.45 * size[1]
    # no tab bar left over from laying the docks out, over the plots
    bars = [b for b in win.findChildren(QTabBar, options=Qt.FindDirectChildrenOnly)
            if b.isVisible()]
    assert len(bars) == 3
    for bar in bars:
        assert not win.view.geometry().intersects(bar.geometry())


def test_a_saved_layout_is_kept_not_sized_anew(qtbot, tmp_path):
    from PySide6.QtCore import QSettings
    from bpsim.ui.main_window import MainWindow
    settings = QSettings(str(tmp_path / "bpsim.ini"), QSettings.IniFormat)
    first = MainWindow(settings)
    first.ask_to_save = lambda: QMessageBox.Discard
    qtbot.addWidget(first)
    # as big as a desktop's: the offscreen screen (800x800) is narrower than
    # the window's least width, and a window squeezed below it lays its
    # docks out anew
    first.resize(1400, 900)
    first.show()
    qtbot.waitExposed(first)
    first.resizeDocks([first.docks["explanation"]], [333], Qt.Horizontal)
    qtbot.waitUntil(lambda: abs(first.docks["explanation"].width() - 333) <= 2)
    width = first.docks["explanation"].width()
    first.close()
    second = MainWindow(settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    qtbot.waitUntil(lambda: abs(second.docks["explanation"].width() - width) <= 2)


def test_a_screenshot_shows_no_tab_bar_left_over_from_laying_out(qapp, qtbot, tmp_path):
    """The screenshot never runs the event loop, which deletes the tab bars
    Qt replaced: at 1024×768 they showed over the plots."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QTabBar
    from bpsim.ui.app import take_screenshot
    from bpsim.ui.main_window import MainWindow
    win = MainWindow(QSettings(str(tmp_path / "bpsim.ini"), QSettings.IniFormat))
    qtbot.addWidget(win)
    win.resize(1024, 768)
    win.show()
    assert take_screenshot(qapp, win, str(tmp_path / "shot.png"), 2) == 0
    bars = [b for b in win.findChildren(QTabBar, options=Qt.FindDirectChildrenOnly)
            if b.isVisible()]
    assert len(bars) == 3


def test_a_network_built_on_an_empty_canvas_gets_something_to_learn(window):
    """A 2-3-1 on a new canvas: a circle to separate and BCE (sigmoid out),
    so its cost means something; undone in one step with it; beside an
    existing network, or of another shape, nothing is added."""
    window.files.new_network()
    assert window.editor.build_layered("2-3-1", "tanh", "sigmoid")
    doc = window.workspace.document
    assert doc.data.generator == "circle" and doc.data.inputs == ["x1", "x2"]
    assert doc.data.targets == ["y1"] and doc.loss.kind == "bce"
    assert "circle" in window.statusBar().currentMessage()
    session = window.workspace.session
    assert session.trainer.dataset.n_train == doc.data.samples
    cost = session.preview().cost
    session.train(30)
    assert session.history.costs[-1] < cost                 # it learns
    window.undo.stack.undo()
    assert not doc.nodes and doc.data is None and doc.loss.kind == "none"
    window.files.new_network()
    assert window.editor.build_layered("1-4-1", "tanh", "identity")
    assert doc is not window.workspace.document
    doc = window.workspace.document
    assert doc.data.generator == "sine" and doc.loss.kind == "mse"
    assert window.editor.build_layered("2-2-1", "tanh", "sigmoid")     # beside: unchanged
    assert doc.data.generator == "sine" and doc.data.inputs == ["x1"]
    window.files.new_network()
    assert window.editor.build_layered("3-2-2", "tanh", "sigmoid")
    assert window.workspace.document.data is None


def test_a_new_network_starts_clean_and_says_how_to_begin(window):
    """File ▸ New left the last network's landscape standing, and the
    explanation said only "outputs: at least one output is needed"."""
    window.files.open_path(XOR)
    window.refresh()
    stacks = window.plots._stacks
    assert all(stack.currentIndex() == 0 for stack in stacks.values())
    window.files.new_network()
    window.refresh()
    assert all(stack.currentIndex() == 1 for stack in stacks.values())
    assert "cannot run" in stacks["landscape"].currentWidget().text()
    text = window.explanation.text.toPlainText()
    assert text.startswith("An empty canvas") and "Layers" in text and "2-3-1" in text
    window.actions["add_neuron"].trigger()            # a neuron alone: σ(b), its own output
    window.refresh()
    assert not window.explanation.text.toPlainText().startswith("An empty canvas")
    assert window.editor.build_layered("2-3-1", "sigmoid", "sigmoid", replace=True)
    window.refresh()
    assert all(stack.currentIndex() == 0 for stack in stacks.values())


def test_a_circuit_has_a_note_where_the_training_plots_would_be(window):
    """The circuit (no parameters) showed an empty loss curve and landscape."""
    window.files.open_path(examples_dir() / "circuit-x-plus-y-times-z.bpsim.json")
    for _ in range(3):
        window.stepping.step("iteration")
    stacks = window.plots._stacks
    for name in ("loss", "landscape", "tangent"):
        assert stacks[name].currentIndex() == 2, name
        assert "no parameters to train" in stacks[name].currentWidget().text()
    assert stacks["gradients"].currentIndex() == 0 and stacks["data"].currentIndex() == 0
    window.files.open_path(XOR)
    window.refresh()
    assert all(stack.currentIndex() == 0 for stack in stacks.values())


def test_the_layers_dialog_says_what_it_wants_and_keeps_a_mistyped_size(window, monkeypatch):
    """"2-x-1" closed the dialog, lost the text and said why in the status
    bar; it now says so in the dialog, which stays open with the text."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit
    seen = {}

    def run(dialog):
        edit = dialog.findChild(QLineEdit)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
        labels = [label.text() for label in dialog.findChildren(QLabel)]
        seen["hint"] = any("e.g. 2-4-4-1" in text for text in labels)
        edit.setText("2-x-1")
        ok.click()
        seen["open"] = dialog.result() != QDialog.Accepted and edit.text() == "2-x-1"
        seen["said"] = [label.text() for label in dialog.findChildren(QLabel)
                        if "layer sizes" in label.text()]
        edit.setText("2-2-1")
        ok.click()
        return dialog.result()
    monkeypatch.setattr(QDialog, "exec", run)
    window.files.new_network()
    window.editor.build_dialog()
    assert seen["hint"] and seen["open"] and seen["said"]
    assert window.workspace.document.has_node("h1_2") and \
        not window.workspace.document.has_node("h1_3")


def test_building_in_place_of_the_opened_example_gives_a_network_of_its_own(window, monkeypatch):
    """bpsim opens on XOR: a newcomer's "2-3-1" replaces it (the dialog's
    default there), rather than sitting beside it unconnected."""
    from PySide6.QtWidgets import QCheckBox, QDialog
    window.files.open_path(XOR)
    seen = {}

    def accept(dialog):
        box = dialog.findChild(QCheckBox)
        seen["checked"], seen["shown"] = box.isChecked(), not box.isHidden()
        return QDialog.Accepted
    monkeypatch.setattr(QDialog, "exec", accept)
    window.editor.build_dialog()
    assert seen == {"checked": True, "shown": True}
    doc = window.workspace.document
    assert {n.id for n in doc.nodes} == {"x1", "x2", "h1_1", "h1_2", "h1_3", "y1"}
    assert window.files.path is None and doc.data.generator == "circle"
    assert not window.editor.build_layered("2-x-1", "tanh", "sigmoid", replace=True)
    assert window.workspace.document is doc            # a bad size keeps the network
    assert window.editor.build_layered("1-1", "tanh", "identity")    # beside, by default
    assert doc.has_node("x3") and doc.has_node("h1_1")
    window.editor.build_dialog()                      # the user's own, changed work: kept
    assert seen["checked"] is False and window.workspace.document is doc


def test_once_trained_the_inspector_and_the_editors_hold_the_values_now(window, qtbot):
    """They held the document's starting values: after 30 iterations the
    inspector said w = 0.1937 while the canvas showed 0.1929."""
    window.files.open_path(XOR)
    for _ in range(30):
        window.stepping.step("iteration")
    now = window.workspace.session.parameters()
    start = window.workspace.document
    assert now["w:x1->h1"] != start.edge("x1", "h1").weight
    window.scene.edges["x1->h1"].setSelected(True)
    window.refresh()
    inspector = window.inspector
    assert inspector.value.text() == number(now["w:x1->h1"], 12).replace("−", "-")
    window.scene.clearSelection()
    window.scene.nodes["h1"].setSelected(True)
    window.refresh()
    assert inspector.value.text() == number(now["b:h1"], 12).replace("−", "-")
    assert f"bias b = {number(now['b:h1'], 6)}" in window.scene.tip_for(window.scene.nodes["h1"])
    window.view.edit_node(window.scene.nodes["h1"])
    assert window.view.editor.text() == number(now["b:h1"], 12).replace("−", "-")
    window.view.editor.close()
    # Enter on the value shown is no edit; a new one sets the value now
    edits = window.undo.stack.count()
    inspector.value.editingFinished.emit()
    assert window.undo.stack.count() == edits
    inspector.value.setText("1/4")
    inspector.value.editingFinished.emit()
    assert window.undo.stack.count() == edits + 1
    assert window.workspace.session.parameters()["b:h1"] == 0.25
    assert window.workspace.session.iteration == 30


def test_reset_is_undone_with_the_training_it_dropped(window, qtbot, tmp_path):
    """Reset threw a run away at one key press (Ctrl+R), with no way back."""
    mine = tmp_path / "mine.bpsim.json"                # the user's own: training is work
    mine.write_bytes(Path(XOR).read_bytes())
    window.files.open_path(mine)
    for _ in range(8):
        window.stepping.step("iteration")
    window.stepping.rewind_to(6)
    session = window.workspace.session
    costs = list(session.history.costs)
    trained = session.parameters()
    assert window.files.is_modified()                         # trained: Save writes new values
    window.stepping.step("reset")
    assert session.iteration == 0 and session.history.length == 0
    assert session.parameters() != trained
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    assert window.undo.stack.undoText() == "Reset training"
    assert not window.undo.document_changed()           # nothing to save for a reset
    assert not window.files.is_modified()
    window.undo.stack.undo()
    window.refresh()
    assert session.iteration == 6 and session.history.costs == costs
    assert session.parameters() == window.workspace.session.parameters(
        session.history.nearest_state(6)[1])
    assert window.actions.history_slider.maximum() == 8 and window.actions.history_slider.value() == 6
    window.stepping.step("iteration")                            # training goes on from there
    assert session.iteration == 7
    window.undo.stack.redo()                            # the reset again
    assert session.iteration == 0 and session.history.length == 0
    # nothing trained: a reset only goes back to the iteration's start, no undo step
    window.stepping.step("forward")
    count = window.undo.stack.count()
    window.stepping.step("reset")
    assert window.stepper.index == 0 and window.undo.stack.count() == count


def test_a_narrowed_window_puts_the_history_bar_on_a_row_of_its_own(window, qtbot):
    """Resized from 1400 to 1024 px, the history slider and the sample
    selector went behind the tool bar's » menu."""
    bar = window.actions.history_bar
    assert not window.toolBarBreak(bar)
    window.resize(1024, 768)
    qtbot.wait(20)
    assert window.toolBarBreak(bar)
    for widget in (window.actions.history_slider, window.actions.sample_combo):
        assert widget.isVisible() and widget.width() >= widget.minimumSizeHint().width()
    window.resize(1400, 900)
    qtbot.wait(20)
    assert not window.toolBarBreak(bar)


def test_after_a_value_is_changed_the_status_bar_holds_no_stale_cost(window):
    """It went on saying the last iteration's cost, taken before the change."""
    window.files.open_path(XOR)
    for _ in range(5):
        window.stepping.step("iteration")
    cost = window.status.labels["cost"]
    assert cost.text() == f"cost {window.workspace.session.history.costs[-1]:.6g}"
    assert cost.toolTip() == "The cost of iteration 5"
    window.scene.edges["x1->h1"].setSelected(True)
    window.refresh()
    window.inspector.value.setText("2")
    window.inspector.value.editingFinished.emit()
    window.refresh()
    assert cost.text() == "cost —" and "anew" in cost.toolTip()
    window.stepping.step("phase")
    window.stepping.step("phase")                        # the cost micro-step: the new cost
    assert cost.text() == f"cost {window.stepper.trace.cost:.6g}"
    window.stepping.step("iteration")
    assert cost.text() == f"cost {window.workspace.session.history.costs[-1]:.6g}"


@pytest.mark.parametrize("name", ["sgd-versus-full-batch", "circle-with-test-split"])
def test_the_data_fields_hold_the_data_in_use(window, name):
    """They held their defaults (xor, 200, 0.1, no test rows): pressing
    "Use generated data" to change the noise swapped the data for XOR."""
    window.files.open_path(examples_dir() / f"{name}.bpsim.json")
    window.refresh()
    data = window.workspace.document.data
    panel = window.training
    assert panel.test_fraction.value() == pytest.approx(data.test_fraction)
    if data.generator is not None:
        assert panel.generator.currentText() == data.generator
        assert panel.samples.value() == data.samples
        assert panel.noise.value() == pytest.approx(data.noise)
        panel.noise.setValue(data.noise + 0.05)
        panel.use_generator()
        new = window.workspace.document.data
        assert (new.generator, new.samples, new.test_fraction, new.seed) == \
            (data.generator, data.samples, data.test_fraction, data.seed)
        assert new.noise == pytest.approx(data.noise + 0.05)


def test_the_history_counts_iterations_done_beside_the_one_shown(window):
    """"iteration 1" in the status bar beside "0/0" in the history read as
    two counts of one moment: the history now says what it counts."""
    window.files.open_path(XOR)
    window.refresh()
    assert window.actions.history_label.text() == "0/0 done"
    assert window.status.labels["iteration"].text() == "iteration 1"
    for _ in range(3):
        window.stepping.step("iteration")
    window.stepping.rewind_to(1)                         # iteration 1 shown whole: 1 done
    assert window.actions.history_label.text() == "1/3 done" and window.stepper.complete
    assert window.status.labels["iteration"].text() == "iteration 1"
    assert window.actions.history_label.width() >= \
        window.actions.history_label.fontMetrics().horizontalAdvance("9999999/9999999 done")


def test_a_circuit_is_not_run(window):
    """Run on a circuit counted iterations of the same numbers (cost −12 each)."""
    window.files.open_path(examples_dir() / "circuit-x-plus-y-times-z.bpsim.json")
    window.runner.toggle()
    assert not window.running and not window.actions["run"].isChecked()
    assert "no parameters" in window.statusBar().currentMessage()
    assert window.workspace.session.iteration == 0
    window.stepping.step("forward")                        # stepping its passes still works
    assert window.stepper.index == 1


def test_a_cost_climbing_towards_overflow_is_said_in_words(window):
    """η too large: the cost climbs for many iterations before it overflows;
    the loss curve says why under it, and the status bar once as it starts."""
    window.files.open_path(examples_dir() / "single-weight-regression.bpsim.json")
    from bpsim.ui.status import times
    window.plots.build()
    panel = window.training
    panel.lr_entry.setText("0.05")          # > 2 / L'' = 2 / 60: each step doubles the error
    panel.lr_entry.editingFinished.emit()
    warning = window.plots.loss.warning
    window.stepping.step("iteration")
    window.stepping.step("iteration")
    assert warning.isHidden()
    messages = []
    window.statusBar().messageChanged.connect(lambda text: text and messages.append(text))
    for _ in range(8):
        window.stepping.step("iteration")
    assert not warning.isHidden() and "η = 0.05 may be too large" in warning.text()
    assert "risen at each of the last 9 iterations" in warning.text()
    said = [m for m in messages if "too large" in m]      # once, as the climb started
    costs = window.workspace.session.history.costs
    onset = f"risen at each of the last 5 iterations, to {times(costs[5] / costs[0])}×"
    assert len(said) == 1 and onset in said[0] and "1\u2009023×" in onset   # ≈ 4⁵
    assert all(b > a for a, b in zip(costs, costs[1:])) and np.isfinite(costs[-1])
    window.actions.history_slider.setValue(3)       # rewound to before the climb was long
    assert warning.isHidden()


def test_ratios_read_as_numbers_a_reader_takes_in():
    from bpsim.ui.status import times
    assert [times(x) for x in (6.2735, 99.4, 1024.0, 262144.0, 3.14e9, 2e12)] == \
        ["6.27", "99.4", "1\u2009024", "262\u2009144", "3.1·10⁹", "2.0·10¹²"]


def test_a_circuits_walk_stays_at_its_end_and_says_how_to_walk_it_again(window, qtbot):
    """One more PageDown at the end of a circuit's walk wiped the finished
    backward pass, and PageUp could not bring it back."""
    window.files.open_path(examples_dir() / "circuit-x-plus-y-times-z.bpsim.json")
    assert not window.actions["iteration"].isEnabled()
    assert not window.actions["epoch"].isEnabled()
    for _ in range(window.stepper.total):
        window.stepping.read_on(1)
    shown = window.explanation.text.toPlainText()
    assert window.status.labels["iteration"].text() == "iteration 1"
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key_PageDown)
    assert window.stepper.complete and window.explanation.text.toPlainText() == shown
    assert "Home walks it again" in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key_PageUp)
    assert window.stepper.index == window.stepper.total - 1
    qtbot.keyClick(window.view, Qt.Key_Home)
    assert window.stepper.index == 0
    qtbot.keyClick(window.view, Qt.Key_PageDown)
    assert window.stepper.index == 1 and window.status.labels["iteration"].text() == "iteration 1"
    window.files.open_path(XOR)
    assert window.actions["iteration"].isEnabled() and window.actions["epoch"].isEnabled()


def test_docks_title_bars_are_drawn_as_fusion_draws_them_with_icons_made_once(window, qapp):
    """Fusion read the title bars' icons from their image files at every
    measure of every dock's title, a fifth of the window's repaint."""
    from PySide6.QtWidgets import QDockWidget, QStyle, QStyleFactory
    if qapp.style().name().lower() != "fusion":
        pytest.skip("the cached icons replace Fusion's only")
    window.files.open_path(XOR)
    from bpsim.ui.style import _DockFusion
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible()]
    assert docks and all(isinstance(d.style(), _DockFusion) for d in docks)
    flat = docks[0].style()
    close = QStyle.SP_TitleBarCloseButton
    assert flat.standardIcon(close).cacheKey() == flat.standardIcon(close).cacheKey()
    assert flat.standardIcon(QStyle.SP_ArrowUp).cacheKey() != \
        flat.standardIcon(QStyle.SP_ArrowUp).cacheKey()      # others are Fusion's own
    dock = window.docks["explanation"]
    title = dock.grab().toImage().copy(0, 0, dock.width(), 24)
    fusion = QStyleFactory.create("Fusion")
    dock.setStyle(fusion)
    assert dock.grab().toImage().copy(0, 0, dock.width(), 24) == title
    dock.setStyle(flat)


def test_an_empty_canvas_says_how_to_put_a_network_on_it(window):
    from PySide6.QtGui import QColor
    window.files.new_network()
    QApplication.processEvents()
    view = window.view

    def inked(outside=None) -> int:
        image = view.viewport().grab().toImage()
        white = QColor("white")
        count = 0
        for y in range(0, image.height(), 2):
            for x in range(0, image.width(), 2):
                if outside is not None and outside.contains(x, y):
                    continue
                count += image.pixelColor(x, y) != white
        return count
    assert inked() > 300                       # the hint's words
    node = window.editor.add_node("input")
    QApplication.processEvents()
    item = window.scene.nodes[node]
    box = view.mapFromScene(item.sceneBoundingRect().adjusted(-30, -30, 30, 60)).boundingRect()
    assert inked(outside=box) == 0             # the node alone, the hint gone
    window.undo.stack.undo()
    QApplication.processEvents()
    assert inked() > 300


def test_the_learning_rate_is_in_view_without_scrolling_on_a_projector(window, qtbot):
    """What a lesson changes most: below the network and the cost, a 1024x768
    window showed it only after scrolling the Training dock."""
    window.files.open_path(XOR)
    window.resize(1024, 768)
    qtbot.wait(50)
    panel = window.training
    assert panel.verticalScrollBar().value() == 0
    for field in (panel.lr_slider, panel.lr_entry):
        top_left = field.mapTo(panel.viewport(), field.rect().topLeft())
        assert field.isVisible() and 0 <= top_left.y() and \
            top_left.y() + field.height() <= panel.viewport().height(), field


def test_only_the_optimizers_own_constants_are_shown(window):
    window.files.open_path(XOR)
    panel = window.training
    box = panel.optimizer

    def shown():
        return {k for k, spin in panel.constants.items() if spin.isVisibleTo(panel)} | \
            ({"eps"} if panel.eps.isVisibleTo(panel) else set())
    for optimizer, expected in (("gd", set()), ("momentum", {"momentum"}),
                                ("adam", {"beta1", "beta2", "eps"}), ("gd", set())):
        box.setCurrentText(optimizer)
        box.activated.emit(box.currentIndex())
        window.refresh()
        assert window.workspace.document.training.optimizer == optimizer
        assert shown() == expected, optimizer


def test_after_a_learning_rate_typed_and_enter_the_arrow_steps_again(window, qtbot):
    """Typed into the Training dock, "0.5" and Enter: → moved the cursor in
    the field instead of taking the next micro-step."""
    window.files.open_path(XOR)
    entry = window.training.lr_entry
    type_over(qtbot, entry, "0.5")
    assert window.workspace.document.training.learning_rate == 0.5
    assert window.view.hasFocus()
    index = window.stepper.index
    qtbot.keyClick(window.focusWidget(), Qt.Key_Right)
    assert window.stepper.index == index + 1
    speed = window.actions.speed.lineEdit()            # the speed box alike
    type_over(qtbot, speed, "3")
    assert window.actions.speed.value() == 3 and window.view.hasFocus()


def test_after_a_weight_typed_in_the_inspector_the_arrow_steps_again(window, qtbot):
    window.files.open_path(XOR)
    field = inspect(window, window.scene.edges["x1->h1"]).value
    type_over(qtbot, field, "1/4")
    assert window.workspace.document.edge("x1", "h1").weight == 0.25
    assert window.view.hasFocus()
    type_over(qtbot, field, "1/0x")          # refused: kept to correct
    assert field.hasFocus() and window.workspace.document.edge("x1", "h1").weight == 0.25


def test_sliders_and_the_sample_box_taken_by_the_mouse_leave_the_keys_to_the_canvas(window,
                                                                                   qtbot):
    """Dragged, the history slider kept the keys and → rewound a whole
    iteration; the learning-rate slider's → changed η; PageDown picked the
    next sample."""
    window.files.open_path(XOR)
    for _ in range(3):
        window.stepping.step("iteration")
    for widget in (window.actions.history_slider, window.training.lr_slider, window.actions.sample_combo):
        window.view.setFocus()
        qtbot.mouseClick(widget, Qt.LeftButton, pos=widget.rect().center())
        if widget is window.actions.sample_combo:
            widget.hidePopup()
        assert not widget.hasFocus() and window.view.hasFocus(), widget
        before = (window.stepper.index, window.workspace.session.iteration)
        qtbot.keyClick(window.view, Qt.Key_Right)
        assert (window.stepper.index, window.workspace.session.iteration) != before, widget
    # Space after "log scale" clicked: toggled it again instead of running
    log = window.plots.loss.log
    window.view.setFocus()
    qtbot.mouseClick(log, Qt.LeftButton, pos=log.rect().center())
    assert log.isChecked() and window.view.hasFocus()
    window.docks["params"].raise_()
    check = window.params.check
    assert check.focusPolicy() == Qt.TabFocus       # Space pressed it again
    # fields to type into still take the keys when clicked
    assert window.training.lr_entry.focusPolicy() & Qt.ClickFocus


def test_a_number_box_whose_arrows_were_clicked_leaves_the_keys_to_the_canvas(window, qtbot):
    """Its arrows clicked, the speed box kept the keys: the clicker's PageDown
    added 10 to the speed instead of taking the next micro-step."""
    from PySide6.QtWidgets import QStyle, QStyleOptionSpinBox
    window.files.open_path(XOR)
    window.docks["training"].raise_()
    for box in (window.actions.speed, window.training.seed):
        box.ensurePolished()
        option = QStyleOptionSpinBox()
        box.initStyleOption(option)
        up = box.style().subControlRect(QStyle.CC_SpinBox, option, QStyle.SC_SpinBoxUp, box)
        window.view.setFocus()
        before = box.value()
        qtbot.mouseClick(box, Qt.LeftButton, pos=up.center())
        assert box.value() == before + 1, box
        assert window.view.hasFocus(), box
        index = window.stepper.index
        qtbot.keyClick(window.focusWidget(), Qt.Key_PageDown)
        assert window.stepper.index == index + 1 and box.value() == before + 1, box
    # a click in its text still takes the keys, to type a number
    window.view.setFocus()
    field = window.actions.speed.lineEdit()
    qtbot.mouseClick(field, Qt.LeftButton, pos=field.rect().center())
    assert window.actions.speed.hasFocus()


def test_a_steps_formulas_shrink_to_fit_their_dock_and_keep_that_size(window, qtbot,
                                                                         monkeypatch):
    """At 1024x768 the result of a neuron's backward step was below the
    fold: its text is drawn smaller, down to 70 %, until it fits, and the
    size found serves that micro-step again, set once."""
    from bpsim.ui.docks.explanation import SMALLEST
    panel = window.explanation
    window.files.open_path(XOR)
    window.resizeDocks([window.docks["explanation"]], [900], Qt.Vertical)
    qtbot.wait(10)
    window.stepping.step("forward")                       # an input: one line
    assert panel.scale == 1.0
    window.resizeDocks([window.docks["explanation"]], [330], Qt.Vertical)
    qtbot.wait(10)
    for _ in range(6):                            # the cost: a few lines
        window.stepping.step("forward")
    room = panel.text.viewport().height()
    window.stepping.step("forward")                        # o's backward step, longer
    index = window.stepper.index
    assert SMALLEST <= panel.scale < 1.0
    height = panel.text.document().size().height()
    assert height <= room or panel.scale == SMALLEST
    # the same step next iteration: set once, at the size found
    sets = []
    original = panel.text.setHtml
    monkeypatch.setattr(panel.text, "setHtml", lambda html: (sets.append(1), original(html)))
    shrunk = panel.scale
    window.stepping.step("iteration")
    while window.stepper.index != index:
        window.stepping.step("forward")
    sets.clear()
    window.stepping.step("back")
    window.stepping.step("forward")
    assert panel.scale == shrunk and len(sets) == 2
    # a step not seen in a dock of this size starts at the last size: a short
    # one there grows back to the full size
    window.resizeDocks([window.docks["explanation"]], [360], Qt.Vertical)
    qtbot.wait(10)
    while window.stepper.index > 1:
        window.stepping.step("back")
    assert window.stepper.micro.phase == "forward" and panel.scale == 1.0
    # View ▸ Shrink the explanation to fit, off: the full size, and remembered
    window.actions["fit_explanation"].trigger()
    assert panel.scale == 1.0 and not panel.fitting
    assert window.settings.value("display/fit_explanation", type=bool) is False


def test_a_window_closed_before_its_plots_were_built_leaves_no_timer_behind(qtbot, tmp_path):
    """The plots are built a second after the window opens; a window closed
    and deleted within that second had its build run on deleted docks."""
    from PySide6.QtCore import QSettings

    from bpsim.ui.main_window import MainWindow
    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    win.files.ask_to_save = lambda: QMessageBox.Discard
    win.close()
    win.deleteLater()
    qtbot.wait(1300)            # an exception in the event loop fails the test


def test_the_inspector_renames_a_node_the_formulas_follow_and_undo_brings_it_back(window, qtbot):
    window.files.open_path(XOR)
    field = inspect(window, window.scene.nodes["x1"]).node_id
    assert field.isVisible() and field.text() == "x1"
    type_over(qtbot, field, "x2")             # another node's: refused, said why
    refusal = window.inspector.id_refusal
    assert refusal.isVisible() and '"x2" is another node\'s id' in refusal.text()
    # kept to correct, as a refused number is; the id in force stays
    assert field.text() == "x2" and field.hasFocus() and window.workspace.document.node("x1")
    qtbot.keyClicks(field, "a")                      # the entry is selected: typed over
    qtbot.keyClick(field, Qt.Key_Return)
    doc = window.workspace.document
    assert [n.id for n in doc.nodes][0] == "a" and doc.data.inputs[0] == "a"
    assert window.scene.nodes["a"].isSelected() and not refusal.isVisible()
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "x2")
    window.view.setFocus()                           # left refused: the id in force is back
    assert field.text() == "a" and refusal.isVisible()
    for _ in range(3):                               # x1 is now a; h1 reads it
        window.stepping.step("forward")
    window.refresh()
    text = window.explanation.text.toPlainText()
    assert "w" in text and "a→h1" in text and "x1" not in text
    window.undo.stack.undo()
    window.refresh()
    assert window.workspace.document.nodes[0].id == "x1"


def test_pagedown_reads_a_long_steps_explanation_to_its_end_before_the_next_step(window, qtbot):
    """A clicker sends PageDown and PageUp only: a step whose formulas go
    on below the dock is scrolled to its end first, then the walk moves."""
    window.resize(1024, 768)
    window.set_fit_explanation(False)       # at full size the step overflows
    window.files.open_path(examples_dir() / "logistic-regression.bpsim.json")
    for _ in range(5):
        window.stepping.step("forward")      # the neuron's backward step: long
    window.refresh()
    qtbot.waitUntil(lambda: window.explanation.text.verticalScrollBar().maximum() > 0)
    bar = window.explanation.text.verticalScrollBar()
    stepper = window.workspace.stepper
    at = stepper.index
    window.view.setFocus()
    presses = 0
    while bar.value() < bar.maximum():
        qtbot.keyClick(window.view, Qt.Key_PageDown)
        presses += 1
        assert stepper.index == at and presses < 20
    assert presses >= 1
    qtbot.keyClick(window.view, Qt.Key_PageUp)        # back up the same step first
    assert stepper.index == at and bar.value() < bar.maximum()
    while bar.value() < bar.maximum():
        qtbot.keyClick(window.view, Qt.Key_PageDown)
    qtbot.keyClick(window.view, Qt.Key_PageDown)      # read to its end: the next step
    assert stepper.index == at + 1 and bar.value() == 0
    while bar.value() > 0:
        qtbot.keyClick(window.view, Qt.Key_PageUp)
    qtbot.keyClick(window.view, Qt.Key_PageUp)
    assert stepper.index == at


def test_file_export_handout_writes_the_iteration_shown_as_one_page(window, tmp_path,
                                                                     monkeypatch):
    import re
    import xml.etree.ElementTree as ET

    from PySide6.QtWidgets import QFileDialog
    page = tmp_path / "handout.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(page), "HTML pages (*.html)")))
    window.files.open_path(examples_dir() / "sigmoid-neuron-gates.bpsim.json")
    window.editor.export_text("handout")
    text = page.read_text(encoding="utf-8")
    assert "<h1>A sigmoid neuron built from gates</h1>" in text and "Step 1" in text
    maths = re.findall(r"<math.*?</math>", text, re.S)
    assert maths and all(ET.fromstring(m) is not None for m in maths)
    # ∂f/∂p = ∂(1/p)/∂p = −1/p² …, stacked
    assert '<mfrac><mrow><mo rspace="0">∂</mo><mi>f</mi></mrow><mrow><mo rspace="0">∂</mo>' \
        '<mi>p</mi></mrow></mfrac>' in text
    assert "Wrote" in window.statusBar().currentMessage()


def test_the_training_dock_sets_generated_class_data_to_plus_minus_one_labels(window):
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    panel = window.training
    doc = window.workspace.document
    assert doc.data.generator == "circle" and doc.data.labels == "01"
    assert panel.labels.currentIndex() == 0 and doc.loss.kind == "bce"
    panel.labels.setCurrentIndex(1)
    panel.labels.activated.emit(1)           # bce reads 0/1: refused, said, snapped back
    assert window.workspace.document.data.labels == "01" and panel.labels.currentIndex() == 0
    assert "Not done" in window.statusBar().currentMessage()
    panel.loss.setCurrentText("hinge")
    panel.loss.activated.emit(panel.loss.currentIndex())   # takes the labels along
    doc = window.workspace.document
    assert (doc.loss.kind, doc.data.labels) == ("hinge", "pm1") and window.workspace.session
    assert set(np.unique(window.workspace.session.dataset.T)) == {-1.0, 1.0}
    window.refresh()
    assert panel.labels.currentIndex() == 1
    panel.labels.setCurrentIndex(0)
    panel.labels.activated.emit(0)           # hinge reads −1/+1: refused
    assert window.workspace.document.data.labels == "pm1"
    window.undo.stack.undo()                 # the loss and its labels, one step
    window.refresh()
    doc = window.workspace.document
    assert (doc.loss.kind, doc.data.labels) == ("bce", "01") and panel.labels.currentIndex() == 0


def test_a_clickers_b_and_w_blank_the_window_and_any_key_brings_it_back(window, qtbot):
    """B or "." black, W or "," white, as presentation software; the key
    that brings the window back does nothing else; typed into a field the
    letters and the point type."""
    window.files.open_path(XOR)
    window.view.setFocus()
    stepper = window.workspace.stepper
    blank = window.blank
    for key, colour in ((Qt.Key_B, "black"), (Qt.Key_Period, "black"), (Qt.Key_W, "white"),
                        (Qt.Key_Comma, "white")):
        qtbot.keyClick(window.view, key)
        assert blank.shown == colour and blank.geometry() == window.rect()
        pixel = blank.grab().toImage().pixelColor(10, 10).name()
        assert pixel == ("#000000" if colour == "black" else "#ffffff")
        at = stepper.index
        qtbot.keyClick(blank, Qt.Key_PageDown)
        assert blank.shown is None and stepper.index == at      # back, and only that
        assert window.view.hasFocus()
    qtbot.keyClick(window.view, Qt.Key_B)
    qtbot.mouseClick(blank, Qt.LeftButton)
    assert blank.shown is None
    field = window.training.lr_entry
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "0.5")                            # the point types
    assert field.text() == "0.5" and blank.shown is None
