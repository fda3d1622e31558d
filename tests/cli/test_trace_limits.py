"""``bpsim trace`` within bounds: the steps it takes, the memory it holds,
the title it prints, and a file that is not a file (issue 17, point 8)."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import tracemalloc

import pytest

from bpsim.cli.main import main
from bpsim.document import loads
from bpsim.document.limits import MAX_STEP_VALUES, MAX_TRACE_ITEMS, MAX_TRACE_VALUES, \
    check_trace
from bpsim.errors import BpsimError


def layered(width: int, layers: int, samples: int | None = None) -> dict:
    """Two inputs, ``layers`` fully connected tanh layers of ``width``, one
    sigmoid output; with ``samples`` of the circle to learn by BCE."""
    nodes = [{"id": "x1", "kind": "input"}, {"id": "x2", "kind": "input"}]
    edges, below = [], ["x1", "x2"]
    for layer in range(layers + 1):
        last = layer == layers
        ids = ["y"] if last else [f"h{layer}_{k}" for k in range(width)]
        nodes += [{"id": i, "kind": "neuron", "activation": "sigmoid" if last else "tanh",
                   "bias": 0.1} for i in ids]
        edges += [{"from": a, "to": b, "weight": 0.2} for b in ids for a in below]
        below = ids
    doc = {"format": "bpsim", "version": 1, "title": "layers", "nodes": nodes, "edges": edges,
           "outputs": ["y"], "loss": {"kind": "bce"},
           "data": {"inputs": ["x1", "x2"], "targets": ["y"], "generator": "circle",
                    "samples": samples or 4}}
    return doc


def write(tmp_path, doc: dict):
    path = tmp_path / "net.bpsim.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- the steps a trace may take -------------------------------------------------------

def test_a_big_batch_allows_few_steps(tmp_path, capsys):
    doc = layered(40, 1)
    size = len(doc["nodes"]) + len(doc["edges"])
    doc["data"]["samples"] = MAX_STEP_VALUES // size      # the most this network may have
    path = write(tmp_path, doc)
    most = MAX_TRACE_VALUES // (doc["data"]["samples"] * size)
    assert most == 2
    code, out, err = run(capsys, "trace", str(path), "--steps", "3")
    assert (code, out) == (2, "")
    assert err == (f"error: {path}: --steps 3: a trace of this network ({size} nodes and "
                   f"edges, {doc['data']['samples']} rows a step) holds at most 2 steps\n")
    code, out, err = run(capsys, "trace", str(path), "--steps", "2")
    assert (code, err) == (0, "")
    assert "Step 2 (rows" in out


def test_many_steps_of_a_small_network_are_refused_at_once(tmp_path, capsys):
    path = write(tmp_path, layered(2, 1))                 # 5 nodes, 6 edges, 4 rows
    most = MAX_TRACE_ITEMS // 11
    code, out, err = run(capsys, "trace", str(path), "--steps", str(most + 1))
    assert (code, out) == (2, "")
    assert err.endswith(f"(11 nodes and edges, 4 rows a step) holds at most {most} steps\n")


def test_check_trace_counts_the_batch_not_the_data():
    """With one row a step (sgd), the row count of the data does not matter."""
    doc = loads(json.dumps(layered(2, 1, samples=100_000))).document
    check_trace(MAX_TRACE_ITEMS // 11, 1, doc)
    with pytest.raises(BpsimError, match="at most 9 steps"):
        check_trace(10, 100_000, doc)


def test_the_trace_holds_one_step_at_a_time(tmp_path, capsys):
    """Each step is written as it is traced: twenty times the steps, not
    more memory (keeping every step to the end took 2.5 times as much)."""
    path = write(tmp_path, layered(12, 2))

    def peak(steps: int) -> int:
        # the output goes to a file, as to a terminal or a pipe: captured in
        # memory, it would be counted as the trace's own
        written = tmp_path / f"trace-{steps}.json"
        with open(written, "w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
            tracemalloc.start()
            try:
                code = main(["trace", str(path), "--steps", str(steps), "--format", "json"])
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
                out.flush()
                assert code == 0 and len(json.loads(written.read_text())["steps"]) == steps

    peak(1)                               # what is imported and kept on first use
    few, many = peak(5), peak(100)
    # what the 95 steps more would hold, kept to the end: their text alone
    kept = (tmp_path / "trace-100.json").stat().st_size - (tmp_path / "trace-5.json").stat().st_size
    # (the session's history keeps each step's parameters, a few hundred bytes)
    assert many - few < 0.1 * kept, (few, many, kept)


# --- the title a trace prints --------------------------------------------------------------

@pytest.mark.parametrize("form", ["text", "markdown"])
def test_the_title_prints_without_control_characters(tmp_path, capsys, form):
    doc = layered(2, 1)
    doc["title"] = "XOR \x1b[2J\x1b]0;owned\x07 one\nline\r\u202eevil\u2028\x9b31m"
    code, out, _ = run(capsys, "trace", str(write(tmp_path, doc)), "--format", form)
    assert code == 0
    first = out.splitlines()[0]
    assert first == ("# " if form == "markdown" else "") + (
        "XOR \\x1b[2J\\x1b]0;owned\\x07 one\\nline\\r\\u202eevil\\u2028\\x9b31m")
    for control in "\x1b\x07\r\u202e\u2028\x9b":
        assert control not in out
    if form == "text":
        assert out.splitlines()[1] == "=" * len(first)


def test_a_plain_title_is_unchanged(tmp_path, capsys):
    doc = layered(2, 1)
    doc["title"] = "Plain: é, ŷ, 日本, 😀, x·w − 1"
    code, out, _ = run(capsys, "trace", str(write(tmp_path, doc)))
    assert out.splitlines()[:2] == [doc["title"], "=" * len(doc["title"])]


# --- not a file -----------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(signal, "alarm"),
                    reason="named pipes and alarms are POSIX")
def test_trace_of_a_named_pipe_ends_at_once(tmp_path, capsys):
    path = tmp_path / "pipe.bpsim.json"
    os.mkfifo(path)

    def late(signum, frame):
        raise TimeoutError("trace waited for a writer")
    old = signal.signal(signal.SIGALRM, late)
    signal.alarm(10)
    try:
        code, out, err = run(capsys, "trace", str(path))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert (code, out, err) == (2, "", f"error: {path}: not a regular file (a named pipe)\n")
