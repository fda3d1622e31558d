"""Proof that a kill -9 loses nothing: a save killed at any point leaves the
old or the new file, and work killed during Run is offered at the next start."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bpsim.document import load
from bpsim.paths import examples_dir

XOR = examples_dir() / "xor-2-2-1.bpsim.json"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")

# A process of its own forks a saver for each kill: the saver writes two
# versions of the network in turn, as fast as it can, until SIGKILL stops it
# at a random point; then the file on disk is read.
SAVE_LOOP = textwrap.dedent("""
    import json, os, random, signal, sys, time
    from bpsim.document import load, loads, save, to_json
    target, kills = sys.argv[1], int(sys.argv[2])
    doc = load(sys.argv[3]).document
    versions = []
    for title in ("old", "new"):
        doc.title = title
        versions.append(to_json(doc).encode())
    docs = [loads(v.decode()).document for v in versions]
    save(docs[0], target)
    rng = random.Random(17)
    seen = {"old": 0, "new": 0, "other": 0, "unreadable": 0, "mid_save": 0}
    for k in range(kills):
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            os.write(ready_w, b"x")
            i = 0
            while True:
                save(docs[i % 2], target)
                i += 1
        os.close(ready_w)
        os.read(ready_r, 1)          # the saver runs: kill it somewhere in its loop
        os.close(ready_r)
        time.sleep(rng.uniform(0, 0.004))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        data = open(target, "rb").read()
        if data == versions[0]:
            seen["old"] += 1
        elif data == versions[1]:
            seen["new"] += 1
        else:
            seen["other"] += 1
        try:
            loads(data.decode())
        except Exception:
            seen["unreadable"] += 1
        folder = os.path.dirname(target)
        seen["mid_save"] += any(n.endswith(".tmp") for n in os.listdir(folder))
    save(docs[0], target)            # the next save sweeps what the kills left
    seen["left_after_next_save"] = sorted(n for n in os.listdir(os.path.dirname(target))
                                          if n.endswith(".tmp"))
    print(json.dumps(seen))
""")


def test_a_save_killed_at_any_point_leaves_the_old_or_the_new_file(tmp_path):
    target = tmp_path / "lecture.bpsim.json"
    kills = 250
    done = subprocess.run([sys.executable, "-c", SAVE_LOOP, str(target), str(kills), str(XOR)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["old"] + seen["new"] == kills, seen
    assert seen["other"] == 0 and seen["unreadable"] == 0
    assert seen["old"] > 0 and seen["new"] > 0          # the kills fell all over the loop
    assert seen["mid_save"] > kills // 10               # many inside a save's own steps
    assert seen["left_after_next_save"] == []
    assert load(target).document.title == "old"


# The window, driven as a lecturer would: a setting changed, Run at full
# speed; killed once the autosave has had time to be written.
RUN_THEN_KILLED = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from bpsim.ui.main_window import MainWindow
    from bpsim.ui.recovery import AUTOSAVE_DELAY_MS, ErrorReporter
    app = QApplication([])
    app.setOrganizationName("bpsim")
    app.setApplicationName("bpsim")
    window = MainWindow()
    ErrorReporter(window).install()
    window.files.open_path(sys.argv[1])
    window.show()
    panel = window.training
    panel.lr_entry.setText("0.75")
    panel.lr_entry.editingFinished.emit()
    window.actions.speed.setValue(0)
    def run():
        window.runner.toggle()
        print("running", flush=True)
    QTimer.singleShot(500, run)
    app.exec()
""")


def test_work_killed_during_run_is_offered_at_the_next_start(tmp_path, qtbot):
    home = tmp_path / "home"
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, "-c", RUN_THEN_KILLED, str(XOR)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    folder = home / "data" / "bpsim" / "bpsim" / "autosave"
    try:
        assert child.stdout.readline().strip() == "running", child.stderr.read()
        deadline = time.monotonic() + 20
        while not list(folder.glob("autosave-*.info.json")) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)                   # Run goes on: the kill comes mid-run
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    from bpsim.session.autosave import left_behind
    found = left_behind(folder)
    assert len(found) == 1, list(folder.iterdir()) if folder.exists() else "no folder"
    autosaved = found[0]
    assert autosaved.original == XOR
    doc = autosaved.load().document
    original = load(XOR).document
    assert doc.training.learning_rate == 0.75                   # the setting changed
    assert [n.id for n in doc.nodes] == [n.id for n in original.nodes]
    assert doc.edges[0].weight != original.edges[0].weight      # Run had trained it
    # The next start offers it, and recovering gives the window that work.
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox
    from bpsim.ui.main_window import MainWindow
    from bpsim.ui.recovery import RECOVER, offer_recovery
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    window.files.ask_to_save = lambda: QMessageBox.Discard
    qtbot.addWidget(window)
    offered = []
    assert offer_recovery(window, folder, lambda win, f, others: offered.append(f) or RECOVER)
    assert offered[0].network == autosaved.network
    assert window.workspace.session.settings.learning_rate == 0.75
    assert window.workspace.document.edges[0].weight == doc.edges[0].weight
    assert window.files.path == XOR and window.isWindowModified()
