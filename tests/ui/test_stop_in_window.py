"""Run in the window stops where and why an inline run does (the one
stopping rule), at every speed: a frame at a time, several a frame, and in
the training process."""
import json

import pytest

from bpsim.engine import StopReason
from bpsim.paths import examples_dir

from ..session.test_stop_rule import NET, case, inline_end  # noqa: F401 (a fixture)


@pytest.mark.parametrize("speed", [1, 7, 0])
def test_runs_in_the_window_stop_where_and_why_an_inline_run_does(window, qtbot, tmp_path,
                                                                  case, speed):
    reason, training = case
    expected = inline_end(**training)
    net = json.loads((examples_dir() / NET).read_text())
    net["training"].update(training)
    path = tmp_path / "net.bpsim.json"
    path.write_text(json.dumps(net))
    assert window.files.open_path(path)
    window.actions.speed.setValue(speed)
    window.runner.toggle()
    qtbot.waitUntil(lambda: not window.running, timeout=30000)
    assert window.workspace.session.iteration == expected[1]
    said = {StopReason.EPSILON: "Converged", StopReason.DIVERGED: "Diverged",
            StopReason.MAX_STEPS: "max steps"}[reason]
    assert said in window.statusBar().currentMessage()
