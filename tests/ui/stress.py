"""A seeded walk of random user actions through a real window.

Adds, deletes and connects nodes, types good and bad values into every
field, changes every setting, steps, rewinds, undoes and redoes, runs and
pauses, saves and reopens; after each action the window's invariants are
checked, and at every save the whole undo stack is undone (the file as
opened, byte for byte) and redone (the work as it was).  Used by
tests/ui/test_stress.py and, for longer runs, scripts/stress_gui.py.
"""
from __future__ import annotations

import difflib
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from bpsim.document import to_json
from bpsim.engine import GATES
from bpsim.paths import examples
from bpsim.ui import editing

GOOD = ["0.5", "-3", "1/2", "2e-3", "0", "7", "12", "0.25", "1", "−0.4", "0,5"]
BAD = ["1e999", "-1e999", "nan", "inf", "abc", "1/0", "", "3.7", "-5", "1e308", "0.99999",
       "99999999999999999999", "1e-320", "--1", "1//2", " ", "1e", "∞"]
LAYERS = ["2-2-1", "1-3-1", "2-3-2", "3-1"]


@dataclass
class Walk:
    window: object
    folder: Path
    seed: int
    rng: random.Random = field(init=False)
    opened: str = ""            # the document's text as opened (or saved and reopened)
    counts: dict = field(default_factory=dict)
    checks: int = 0

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.files = [p for p in examples()]
        window = self.window

        def new_workspace(workspace):
            # a new undo stack starts here (New, Open, a build in place of
            # the network): undoing it all gives back this text
            self.opened = to_json(workspace.document)
        window.workspace_changed.connect(new_workspace)

    # --- the walk ------------------------------------------------------------------

    def run(self, actions: int) -> None:
        self.open(self.rng.choice(self.files))
        table = [(self.add_node, 8), (self.connect, 8), (self.delete_some, 4),
                 (self.delete_all, 1), (self.type_setting, 10), (self.type_value, 6),
                 (self.edit_in_place, 4), (self.choose, 8), (self.step, 14),
                 (self.rewind, 4), (self.undo, 6), (self.redo, 4), (self.run_pause, 2),
                 (self.move, 3), (self.toggle_output, 2), (self.select, 5),
                 (self.generate, 1), (self.build, 1), (self.sample, 2),
                 (self.save_and_reopen, 1), (self.open_other, 1), (self.new, 1)]
        actions_, weights = zip(*table)
        for k in range(actions):
            action = self.rng.choices(actions_, weights)[0]
            self.counts[action.__name__] = self.counts.get(action.__name__, 0) + 1
            action()
            QApplication.processEvents()
            self.check()

    # --- invariants ----------------------------------------------------------------

    def check(self) -> None:
        win = self.window
        ws = win.workspace
        doc = ws.document
        text = to_json(doc)           # every number finite: it would raise otherwise
        assert "Infinity" not in text and "NaN" not in text
        scene = win.scene
        assert set(scene.nodes) == {n.id for n in doc.nodes}
        assert set(scene.edges) == {f"{e.src}->{e.dst}" for e in doc.edges}
        assert set(doc.outputs) <= {n.id for n in doc.nodes}
        session = ws.session
        if session is not None:
            assert 0 <= session.iteration <= session.history.length
            theta = session.state.theta
            assert theta.dtype == np.float64
            assert np.all(np.isfinite(theta)) or session.diverged
            stepper = ws.stepper
            assert 0 <= stepper.index <= stepper.total
        self.checks += 1

    def undo_all_and_back(self) -> None:
        """Every edit undone gives back the file as opened; redone, the work."""
        win = self.window
        if win.running:
            win.runner.stop()
        stack = win.undo.stack
        before = to_json(win.workspace.document)
        top = stack.index()
        stack.setIndex(0)
        QApplication.processEvents()
        undone = to_json(win.workspace.document)
        assert undone == self.opened, differences(self.opened, undone, self.counts)
        self.check()
        stack.setIndex(top)
        QApplication.processEvents()
        redone = to_json(win.workspace.document)
        assert redone == before, differences(before, redone, self.counts)
        self.check()

    # --- actions -------------------------------------------------------------------

    def open(self, path) -> None:
        assert self.window.files.open_path(path, quiet=True), self.window.files.last_error

    def node_ids(self) -> list[str]:
        return [n.id for n in self.window.workspace.document.nodes]

    def add_node(self) -> None:
        kind = self.rng.choice(["input", "neuron", "param", "const", "op"])
        op = self.rng.choice(list(GATES)) if kind == "op" else None
        self.window.editor.add_node(kind, op)

    def connect(self) -> None:
        ids = self.node_ids()
        if len(ids) >= 2:
            a, b = self.rng.sample(ids, 2)
            self.window.editor.connect_nodes(a, b)

    def select(self) -> None:
        scene = self.window.scene
        scene.clearSelection()
        items = list(scene.nodes.values()) + list(scene.edges.values())
        for item in self.rng.sample(items, min(len(items), self.rng.choice([1, 1, 2, 3]))):
            item.setSelected(True)

    def delete_some(self) -> None:
        self.select()
        self.window.actions["delete"].trigger()

    def delete_all(self) -> None:
        self.window.actions["select_all"].trigger()
        self.window.actions["delete"].trigger()

    def value(self) -> str:
        return self.rng.choice(GOOD if self.rng.random() < 0.5 else BAD)

    def type_into(self, widget, text: str) -> None:
        edit = widget.lineEdit() if hasattr(widget, "lineEdit") else widget
        widget.setFocus()
        edit.selectAll()
        if text.isascii():
            QTest.keyClicks(edit, text)
        else:
            edit.insert(text)        # pasted: QTest types ASCII keys only
        QTest.keyClick(edit, Qt.Key_Return)
        if self.rng.random() < 0.3:
            self.window.view.setFocus()          # leaving the field instead of Enter alone

    def type_setting(self) -> None:
        panel = self.window.training
        fields = [panel.lr_entry, panel.eps, panel.lam, panel.epsilon, panel.batch_size,
                  panel.seed, panel.max_steps, panel.samples, panel.noise, panel.test_fraction,
                  *panel.constants.values(), self.window.actions.speed]
        widget = self.rng.choice(fields)
        text = self.value()
        if widget is self.window.actions.speed:
            text = self.rng.choice(["1", "2", "5", "abc", "-1"])
        self.type_into(widget, text)

    def type_value(self) -> None:
        self.select()
        self.window.refresh()
        self.type_into(self.window.inspector.value, self.value())

    def edit_in_place(self) -> None:
        win = self.window
        scene = win.scene
        if self.rng.random() < 0.5 and scene.edges:
            win.view.edit_edge(self.rng.choice(list(scene.edges.values())))
        elif scene.nodes:
            win.view.edit_node(self.rng.choice(list(scene.nodes.values())))
        editor = win.view.editor
        if editor is not None:
            editor.setText(self.value())
            QTest.keyClick(editor, Qt.Key_Return if self.rng.random() < 0.8 else Qt.Key_Escape)
            if win.view.editor is not None and self.rng.random() < 0.5:
                QTest.keyClick(win.view.editor, Qt.Key_Escape)

    def choose(self) -> None:
        panel = self.window.training
        combo = self.rng.choice([panel.loss, panel.reduction, panel.regularization,
                                 panel.optimizer, panel.batch, panel.activation,
                                 self.window.inspector.activation])
        if combo.count() and combo.isEnabled():
            index = self.rng.randrange(combo.count())
            combo.setCurrentIndex(index)
            combo.activated.emit(index)
        if self.rng.random() < 0.2:
            panel.shuffle.toggle()

    def step(self) -> None:
        how = self.rng.choice(["forward"] * 6 + ["back"] * 3 + ["phase", "iteration",
                                                               "iteration", "epoch", "reset"])
        self.window.stepping.step(how)

    def rewind(self) -> None:
        slider = self.window.actions.history_slider
        if slider.maximum() > 0:
            slider.setValue(self.rng.randint(0, slider.maximum()))

    def undo(self) -> None:
        self.window.actions["undo"].trigger()

    def redo(self) -> None:
        self.window.actions["redo"].trigger()

    def run_pause(self) -> None:
        win = self.window
        win.actions.speed.setValue(self.rng.choice([1, 3, 0]))
        win.runner.toggle()
        QTest.qWait(self.rng.choice([20, 60]))
        if win.running:
            win.runner.toggle()

    def move(self) -> None:
        ids = self.node_ids()
        if ids:
            from bpsim.document.edits import MoveNodes
            nid = self.rng.choice(ids)
            old = self.window.workspace.document.node(nid).pos
            new = (self.rng.uniform(-400, 400), self.rng.uniform(-300, 300))
            self.window.push(MoveNodes({nid: (old, new)}))

    def toggle_output(self) -> None:
        doc = self.window.workspace.document
        computing = [n.id for n in doc.nodes if n.kind in ("neuron", "op")]
        if computing:
            nid = self.rng.choice(computing)
            self.window.editor.set_output(nid, nid not in doc.outputs)

    def generate(self) -> None:
        panel = self.window.training
        panel.generator.setCurrentIndex(self.rng.randrange(panel.generator.count()))
        panel.use_generator()

    def build(self) -> None:
        self.window.editor.build_layered(self.rng.choice(LAYERS),
                              self.rng.choice(["sigmoid", "tanh", "relu"]),
                              self.rng.choice(["sigmoid", "identity"]),
                              replace=self.rng.random() < 0.3)

    def sample(self) -> None:
        combo = self.window.actions.sample_combo
        if combo.count() > 1:
            combo.setCurrentIndex(self.rng.randrange(combo.count()))

    def save_and_reopen(self) -> None:
        self.undo_all_and_back()
        path = self.folder / f"walk-{self.seed}.bpsim.json"
        if self.window.files.save_to(path):
            self.open(path)

    def open_other(self) -> None:
        self.undo_all_and_back()
        self.open(self.rng.choice(self.files))

    def new(self) -> None:
        self.undo_all_and_back()
        self.window.files.new_network()


def differences(expected: str, got: str, counts: dict) -> str:
    lines = difflib.unified_diff(expected.splitlines(), got.splitlines(), "expected", "got",
                                 lineterm="", n=1)
    return "\n".join(list(lines)[:40]) + f"\nafter {counts}"
