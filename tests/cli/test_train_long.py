"""``bpsim train`` with any number of steps: memory holds a chunk of them, and
the JSON still has every step's cost, exactly."""
import io
import json
import sys
import tracemalloc

import pytest

from bpsim.cli import commands
from bpsim.cli.main import main
from bpsim.document import load
from bpsim.paths import examples_dir
from bpsim.session import Session

SINGLE = examples_dir() / "single-weight-regression.bpsim.json"
XOR = examples_dir() / "xor-2-2-1.bpsim.json"
CIRCLE = examples_dir() / "circle-with-test-split.bpsim.json"


class Sink(io.TextIOBase):
    """A stdout that counts what is written and keeps only its end."""

    def __init__(self):
        self.chars, self.tail = 0, ""

    def write(self, text: str) -> int:
        self.chars += len(text)
        self.tail = (self.tail + text)[-300:]
        return len(text)


def written_net(tmp_path, source, **training) -> str:
    net = json.loads(source.read_text())
    net["training"].update(training)
    path = tmp_path / "net.bpsim.json"
    path.write_text(json.dumps(net))
    return str(path)


def through_the_session(path: str, steps: int):
    """The session's own route: Session.train, every step recorded."""
    s = Session.from_loaded(load(path))
    run = s.train(steps)
    return run, s


@pytest.mark.parametrize("source, steps, training, stopped", [
    (CIRCLE, 60, {}, "max_steps"),                          # test costs too
    (SINGLE, 2000, {"learning_rate": 1.0}, "diverged"),     # its last cost is null
    (XOR, 500, {"epsilon": 2e-3}, "epsilon"),               # in its 6th chunk
])
def test_json_has_every_cost_exactly_across_chunks(capsys, tmp_path, monkeypatch, source,
                                                   steps, training, stopped):
    monkeypatch.setattr(commands, "CHUNK_STEPS", 7)      # many chunks, and a short last one
    path = written_net(tmp_path, source, **training)
    code = main(["train", path, "--steps", str(steps), "--format", "json"])
    text = capsys.readouterr().out
    doc = json.loads(text)
    run, s = through_the_session(path, steps)
    assert code == (3 if stopped == "diverged" else 0) and doc["stopped"] == stopped
    assert doc["steps"] == run.state.step and doc["params"] == s.parameters()
    expected = commands.finite_or_none(run.costs)
    assert doc["costs"] == expected and len(expected) > 7
    assert f'"costs": {json.dumps(expected)}' in text          # each written as repr writes it
    if source == CIRCLE:
        assert doc["test_costs"] == run.test_costs and len(run.test_costs) == steps
    else:
        assert "test_costs" not in doc
    assert text.endswith("}\n") and text.count("\n") == 1


def test_text_reports_the_first_and_last_costs_across_chunks(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(commands, "CHUNK_STEPS", 7)
    out = tmp_path / "trained.bpsim.json"
    assert main(["train", str(CIRCLE), "--steps", "40", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    run, s = through_the_session(str(CIRCLE), 40)
    assert lines[0] == f"40 steps, cost {run.costs[0]:.6g} -> {run.costs[-1]:.6g}, " \
                       "stopped: max_steps"
    assert lines[1] == f"test cost {run.test_costs[0]:.6g} -> {run.test_costs[-1]:.6g}"
    assert lines[-1] == f"wrote {out}"
    trained = Session.from_loaded(load(out))
    assert trained.parameters() == s.parameters()


def peak_bytes(argv: list[str], monkeypatch) -> int:
    sink = Sink()
    monkeypatch.setattr(sys, "stdout", sink)
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    assert main(argv) == 0
    assert sink.tail.rstrip().endswith(('"max_steps"}', "stopped: max_steps")) or \
        "p:w" in sink.tail
    return tracemalloc.get_traced_memory()[1] - before


@pytest.mark.parametrize("source, fmt", [(SINGLE, "json"), (SINGLE, "text"), (XOR, "json")])
def test_memory_does_not_grow_with_the_steps(monkeypatch, source, fmt):
    """The peak of what is allocated over 3 000 and over 13 000 steps (a
    chunk's worth, or two, at any time): the same but for a byte a step (a
    list of costs alone takes 32)."""
    monkeypatch.setattr(commands, "CHUNK_STEPS", 1000, raising=False)
    short, long, budget = 3_000, 13_000, 1.0         # bytes a step
    tracemalloc.start()
    try:
        peaks = [peak_bytes(["train", str(source), "--steps", str(steps), "--format", fmt],
                            monkeypatch) for steps in (short, long)]
    finally:
        tracemalloc.stop()
    per_step = (peaks[1] - peaks[0]) / (long - short)
    assert per_step < budget, f"{per_step:.1f} bytes a step ({peaks})"
