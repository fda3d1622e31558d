"""Autosave and recovery, and unexpected errors said in the window: a crash
or a bug loses nothing, and the app goes on."""
import os
import subprocess

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from bpsim.document import load
from bpsim.session.autosave import AutosaveSlot, left_behind
from bpsim.paths import examples_dir
from bpsim.ui import recovery
from bpsim.ui.recovery import DISCARD, LATER, RECOVER, ErrorReporter, offer_recovery

XOR = examples_dir() / "xor-2-2-1.bpsim.json"


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def crashed_slot(folder, doc, original, monkeypatch) -> AutosaveSlot:
    """An autosave as a process that then died would have left it."""
    pid = dead_pid()
    monkeypatch.setattr(os, "getpid", lambda: pid)
    slot = AutosaveSlot(folder)
    slot.write(doc, original)
    monkeypatch.undo()
    return slot


def test_unsaved_work_is_written_aside_within_seconds_as_a_network_file(window, qtbot):
    window.files.open_path(XOR)
    slot = window.autosave.slot
    assert window.autosave.timer.interval() <= 10_000
    assert not slot.exists                       # nothing unsaved: nothing aside
    window.actions["add_input"].trigger()
    window.stepping.step("iteration")
    window.autosave.timer.setInterval(50)
    window.refresh()
    qtbot.waitUntil(lambda: slot.exists, timeout=3000)
    saved = load(slot.network).document
    assert len(saved.nodes) == len(window.workspace.document.nodes)
    trained = window.workspace.session.parameters()
    assert saved.edge("x1", "h1").weight == trained["w:x1->h1"]     # the training too
    assert saved.training.learning_rate == window.workspace.session.settings.learning_rate
    # only when something changed
    assert not window.autosave.write_now()
    window.stepping.step("iteration")
    assert window.autosave.write_now()


def test_saved_undone_or_closed_leaves_nothing_aside(window, qtbot, tmp_path):
    window.files.open_path(XOR)
    slot = window.autosave.slot
    window.actions["add_input"].trigger()
    assert window.autosave.write_now() and slot.exists
    window.undo.stack.undo()                      # back to the file as opened
    assert not window.autosave.write_now() and not slot.exists
    window.undo.stack.redo()
    assert window.autosave.write_now()
    assert window.files.save_to(tmp_path / "mine.bpsim.json")
    assert not slot.exists and not slot.info.exists()
    window.actions["add_input"].trigger()
    assert window.autosave.write_now()
    window.close()
    assert not slot.exists and os.listdir(slot.folder) == []


def test_only_an_ended_processs_autosave_is_offered(window, tmp_path, monkeypatch):
    doc = load(XOR).document
    mine = AutosaveSlot(tmp_path)
    mine.write(doc, None)                        # this process's: in use
    crashed = crashed_slot(tmp_path, doc, XOR, monkeypatch)
    found = left_behind(tmp_path)
    assert [f.network for f in found] == [crashed.network]
    assert found[0].original == XOR and found[0].title == doc.title


def test_recovery_opens_the_work_unsaved_under_its_own_name(window, tmp_path, monkeypatch):
    doc = load(XOR).document
    doc.title = "mine, before the crash"
    doc.training.learning_rate = 0.125
    original = tmp_path / "lecture.bpsim.json"
    crashed = crashed_slot(tmp_path / "autosave", doc, original, monkeypatch)
    asked = []
    assert offer_recovery(window, tmp_path / "autosave",
                          lambda win, found, others: asked.append(found) or RECOVER)
    assert asked[0].title == "mine, before the crash"
    assert window.workspace.document.title == "mine, before the crash"
    assert window.workspace.session.settings.learning_rate == 0.125
    assert window.files.path == original and window.isWindowModified()
    assert "lecture.bpsim.json" in window.windowTitle()
    assert not crashed.network.exists() and not crashed.info.exists()
    assert window.autosave.slot.exists           # now this window's to keep aside


def test_discard_removes_it_and_later_keeps_it(window, tmp_path, monkeypatch):
    doc = load(XOR).document
    crashed = crashed_slot(tmp_path, doc, None, monkeypatch)
    assert not offer_recovery(window, tmp_path, lambda *a: LATER)
    assert crashed.network.exists()
    assert not offer_recovery(window, tmp_path, lambda *a: DISCARD)
    assert not crashed.network.exists() and left_behind(tmp_path) == []


def test_the_recovery_dialog_names_the_work_and_its_time(window, tmp_path, monkeypatch,
                                                          qtbot):
    doc = load(XOR).document
    crashed_slot(tmp_path, doc, tmp_path / "lecture.bpsim.json", monkeypatch)
    found = left_behind(tmp_path)[0]
    seen = {}

    def answer():
        box = next(w for w in window.findChildren(QMessageBox) if w.isVisible())
        seen["text"] = box.text() + " " + box.informativeText()
        seen["buttons"] = sorted(b.text() for b in box.buttons())
        next(b for b in box.buttons() if b.text() == "Discard").click()
    QTimer.singleShot(100, answer)
    assert recovery.ask_about(window, found, 0) == DISCARD
    assert doc.title in seen["text"] and "lecture.bpsim.json" in seen["text"]
    assert "autosaved" in seen["text"]
    assert seen["buttons"] == ["Decide later", "Discard", "Recover"]


@pytest.fixture
def reporter(window, tmp_path):
    hook = ErrorReporter(window, tmp_path / "logs")
    hook.install()
    yield hook
    hook.uninstall()


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_is_said_logged_and_autosaved_and_the_app_goes_on(
        window, qtbot, reporter):
    window.files.open_path(XOR)
    window.actions["add_input"].trigger()

    def broken():
        raise RuntimeError("a bug in a slot")
    QTimer.singleShot(0, broken)
    qtbot.waitUntil(lambda: reporter.box is not None and reporter.box.isVisible())
    assert "RuntimeError: a bug in a slot" in reporter.box.text()
    assert "Traceback" in reporter.box.detailedText()
    assert "a bug in a slot" in reporter.log_path.read_text()
    assert window.autosave.slot.exists                       # written first
    window.stepping.step("forward")                                  # the app goes on
    assert window.isVisible()


@pytest.mark.qt_no_exception_capture
def test_an_error_every_frame_pauses_run_and_is_reported_once(window, qtbot, reporter,
                                                              monkeypatch):
    window.files.open_path(XOR)
    window.actions.speed.setValue(1)
    calls = []

    def broken_frame(*args):
        calls.append(1)
        raise ValueError("every frame")
    monkeypatch.setattr(window.plots, "flush", broken_frame)
    window.runner.toggle()
    qtbot.waitUntil(lambda: reporter.box is not None)
    qtbot.wait(300)
    assert not window.running
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert len(boxes) == 1 and "every frame" in boxes[0].text()


@pytest.mark.qt_no_exception_capture
def test_an_error_while_closing_keeps_the_window_and_its_work(window, qtbot, reporter,
                                                              monkeypatch):
    window.files.open_path(XOR)
    window.actions["add_input"].trigger()

    def broken():
        raise OSError("settings unwritable")
    monkeypatch.setattr(window.files, "maybe_save", broken)
    QTimer.singleShot(0, window.close)                       # Quit, from the event loop
    qtbot.waitUntil(lambda: reporter.box is not None)
    assert window.isVisible() and "settings unwritable" in reporter.box.text()
    assert window.autosave.slot.exists                       # kept for the next start
    QTimer.singleShot(0, window.close)                       # a second try closes
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.autosave.slot.exists


def test_an_unfinished_network_saved_opens_again_to_go_on_drawing(window, tmp_path):
    window.files.new_network()
    window.actions["add_input"].trigger()
    from bpsim.ui import editing
    window.editor.add_node("op", "mul")          # a gate with no inputs yet
    assert window.workspace.problem
    path = tmp_path / "draft.bpsim.json"
    assert window.files.save_to(path)
    window.files.new_network()
    assert window.files.open_path(path)
    assert [n.id for n in window.workspace.document.nodes] == ["x1", "mul1"]
    assert window.workspace.problem and "unfinished" in window.statusBar().currentMessage()
    assert "incomplete" not in window.workspace.document.view
    window.editor.connect_nodes("x1", "mul1")          # finished: a network to step
    assert window.workspace.stepper is not None
    assert window.files.save_to(path)
    assert "incomplete" not in path.read_text()
    assert load(path).document.outputs == ["mul1"]


def test_a_broken_file_is_still_refused_even_if_it_says_unfinished(window, tmp_path):
    window.files.open_path(XOR)
    import json
    net = json.loads(XOR.read_text())
    net["edges"][0]["to"] = "h9"
    net["view"] = {"incomplete": "claims to be unfinished"}
    bad = tmp_path / "bad.bpsim.json"
    bad.write_text(json.dumps(net))
    assert not window.files.open_path(bad, quiet=True)
    assert 'unknown node "h9"' in window.files.last_error and window.files.path == XOR


def test_quit_after_a_failed_save_keeps_the_window_and_the_work(window, tmp_path,
                                                               monkeypatch):
    window.files.open_path(XOR)
    mine = tmp_path / "mine.bpsim.json"
    assert window.files.save_to(mine)
    window.actions["add_input"].trigger()

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    import tempfile
    monkeypatch.setattr(tempfile, "mkstemp", refused)
    window.files.ask_to_save = lambda: QMessageBox.Save
    window.close()
    assert window.isVisible() and window.isWindowModified()
    assert "Permission denied" in window.files.error_box.text()
    assert window.files.error_box.text().count("mine.bpsim.json") == 1
    assert len(window.workspace.document.nodes) == 6
