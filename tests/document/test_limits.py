"""Targets under loss "none", the limits of a network file, and what is not
a regular file (issue 17, points 6 and 8)."""
from __future__ import annotations

import contextlib
import copy
import json
import os
import signal
import time

import pytest

from bpsim.document import Data, Document, Edge, Node, load, loads, save, to_json
from bpsim.document import limits
from bpsim.document.limits import MAX_CSV_BYTES, MAX_EDGES, MAX_FILE_BYTES, MAX_NODES, \
    MAX_NOTES_CHARS, MAX_ROWS, MAX_STEP_VALUES, MAX_TITLE_CHARS, check_limits, read_file
from bpsim.errors import BpsimError

CIRCUIT = {
    "format": "bpsim", "version": 1,
    "nodes": [{"id": "x", "kind": "input", "value": -2}, {"id": "y", "kind": "input", "value": 5},
              {"id": "q", "kind": "op", "op": "add"}, {"id": "z", "kind": "const", "value": -4},
              {"id": "f", "kind": "op", "op": "mul"}],
    "edges": [{"from": "x", "to": "q"}, {"from": "y", "to": "q"}, {"from": "q", "to": "f"},
              {"from": "z", "to": "f"}],
    "outputs": ["f"],
}
XOR = {
    "format": "bpsim", "version": 1,
    "nodes": [{"id": "x1", "kind": "input"}, {"id": "x2", "kind": "input"},
              {"id": "h", "kind": "neuron", "activation": "tanh", "bias": 0.1},
              {"id": "o", "kind": "neuron", "activation": "sigmoid", "bias": -0.2}],
    "edges": [{"from": "x1", "to": "h", "weight": 0.5}, {"from": "x2", "to": "h", "weight": -0.4},
              {"from": "h", "to": "o", "weight": 1.2}],
    "outputs": ["o"],
    "loss": {"kind": "mse"},
    "data": {"inputs": ["x1", "x2"], "targets": ["o"],
             "rows": [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]},
}


def net(base: dict, **top) -> dict:
    doc = copy.deepcopy(base)
    doc.update(top)
    return doc


def error(doc: dict | str, base_dir=None) -> BpsimError:
    text = doc if isinstance(doc, str) else json.dumps(doc)
    with pytest.raises(BpsimError) as info:
        loads(text, "t.bpsim.json", base_dir)
    return info.value


def layered(inputs: int, width: int, layers: int) -> dict:
    """A fully connected network: ``inputs``, then ``layers`` of ``width``
    tanh neurons, then one output; loss none."""
    nodes = [{"id": f"x{i}", "kind": "input"} for i in range(inputs)]
    edges, below = [], [n["id"] for n in nodes]
    for layer in range(layers + 1):
        ids = [f"h{layer}_{k}" for k in range(width if layer < layers else 1)]
        nodes += [{"id": i, "kind": "neuron", "activation": "tanh", "bias": 0} for i in ids]
        edges += [{"from": a, "to": b, "weight": 0.1} for b in ids for a in below]
        below = ids
    return {"format": "bpsim", "version": 1, "nodes": nodes, "edges": edges,
            "outputs": below}


# --- point 6: targets may be left out under loss "none" ---------------------------

@pytest.mark.parametrize("data", [
    {"inputs": ["x"], "rows": [[1], [2], [3]]},
    {"inputs": ["x"], "targets": [], "rows": [[1], [2], [3]]},
    {"inputs": ["x"], "csv": "points.csv"},
    {"inputs": ["x"], "generator": "line", "samples": 3},
], ids=["rows", "rows-empty-targets", "csv", "generated"])
def test_loss_none_takes_data_without_targets(tmp_path, data):
    (tmp_path / "points.csv").write_text("x,t\n1,0\n2,0\n3,0\n", encoding="utf-8")
    loaded = loads(json.dumps(net(CIRCUIT, data=data)), "t.bpsim.json", tmp_path)
    assert loaded.document.data.targets == []
    assert loaded.dataset.n == 3 and loaded.dataset.T.shape == (3, 0)
    # saved, it reads back the same
    path = tmp_path / "saved.bpsim.json"
    save(loaded.document, path)
    assert load(path).document == loaded.document


def test_a_loss_other_than_none_still_needs_targets():
    doc = net(XOR)
    del doc["data"]["targets"]
    doc["data"]["rows"] = [[0, 0], [1, 1]]
    err = error(doc)
    assert (err.path, err.problem) == ("data.targets",
                                       'loss "mse" needs targets: the outputs in order (o)')


def test_loss_none_with_two_outputs_is_told_so_not_a_missing_field():
    doc = net(CIRCUIT, outputs=["f", "q"], data={"inputs": ["x"], "rows": [[1]]})
    err = error(doc)
    assert (err.path, err.problem) == ("outputs",
                                       'loss "none" needs exactly one output, got 2')


# --- the limits, each at its edge ---------------------------------------------------

def test_title_and_notes():
    loads(json.dumps(net(XOR, title="t" * MAX_TITLE_CHARS, notes="n" * MAX_NOTES_CHARS)))
    err = error(net(XOR, title="t" * (MAX_TITLE_CHARS + 1)))
    assert (err.path, err.problem) == ("title", "too long: 201 characters (at most 200)")
    err = error(net(XOR, notes="n" * (MAX_NOTES_CHARS + 1)))
    assert (err.path, err.problem) == ("notes", "too long: 20001 characters (at most 20000)")


def test_nodes():
    consts = [{"id": f"k{i}", "kind": "const", "value": 1} for i in range(MAX_NODES - 4)]
    loads(json.dumps(net(XOR, nodes=XOR["nodes"] + consts)))
    err = error(net(XOR, nodes=XOR["nodes"] + consts + [{"id": "one", "kind": "input"}]))
    assert (err.path, err.problem) == ("nodes", "too many nodes: 251 (at most 250)")


def test_edges():
    doc = layered(100, 99, 1)      # 100·99 + 99 edges
    doc["edges"].append({"from": "x0", "to": "h1_0", "weight": 0})
    assert len(doc["edges"]) == MAX_EDGES
    loads(json.dumps(doc))
    err = error(net(doc, edges=doc["edges"] + [doc["edges"][0]]))
    assert (err.path, err.problem) == ("edges", f"too many edges: {MAX_EDGES + 1} "
                                                f"(at most {MAX_EDGES})")


def test_rows_and_samples():
    rows = [[0, 0, 0]] * MAX_ROWS
    assert loads(json.dumps(net(XOR, data=dict(XOR["data"], rows=rows)))).dataset.n == MAX_ROWS
    err = error(net(XOR, data=dict(XOR["data"], rows=rows + [[0, 0, 0]])))
    assert (err.path, err.problem) == ("data.rows", "too many rows: 100001 (at most 100000)")
    generated = {"inputs": ["x1", "x2"], "targets": ["o"], "generator": "xor"}
    loaded = loads(json.dumps(net(XOR, data=dict(generated, samples=MAX_ROWS))))
    assert loaded.dataset.n == MAX_ROWS


@pytest.mark.parametrize("samples, written", [(10 ** 7, "10000000"),
                                              (10 ** 14, "100000000000000"), (1e300, "1e+300")])
def test_many_samples_are_refused_at_once(samples, written):
    """Before anything is generated (10**7 samples once took 14 GB)."""
    start = time.perf_counter()
    err = error(net(XOR, data={"inputs": ["x1", "x2"], "targets": ["o"], "generator": "xor",
                               "samples": samples}))
    assert time.perf_counter() - start < 1.0
    assert err.path == "data.samples"
    assert err.problem == f"too many samples: {written} (at most 100000)"


def test_rows_times_the_network_size():
    doc = layered(2, 40, 1)
    size = len(doc["nodes"]) + len(doc["edges"])
    most = MAX_STEP_VALUES // size
    generated = {"inputs": ["x0", "x1"], "generator": "xor"}
    assert loads(json.dumps(net(doc, data=dict(generated, samples=most)))).dataset.n == most
    err = error(net(doc, data=dict(generated, samples=most + 1)))
    assert err.path == "data.samples"
    assert err.problem == (f"too much data for the network: {most + 1} samples × {size} nodes "
                           f"and edges is {(most + 1) * size} values a step (at most 5000000)")


def test_check_limits_holds_a_document_built_in_code():
    """As an edit's check uses it: no JSON involved."""
    doc = Document(nodes=[Node(f"x{i}", "input") for i in range(MAX_NODES)], outputs=["x0"])
    check_limits(doc)
    doc.nodes.append(Node("one", "input"))
    with pytest.raises(BpsimError) as info:
        check_limits(doc)
    assert info.value.path == "nodes"
    doc = Document(nodes=[Node("x", "input")], outputs=["x"], notes="n" * (MAX_NOTES_CHARS + 1))
    with pytest.raises(BpsimError, match="too long") as info:
        check_limits(doc)
    assert info.value.path == "notes"
    doc = Document(nodes=[Node("x", "input")], outputs=["x"],
                   edges=[Edge("x", "x")] * (MAX_EDGES + 1))
    with pytest.raises(BpsimError, match="too many edges"):
        check_limits(doc)
    doc = Document(nodes=[Node("x", "input")], outputs=["x"],
                   data=Data(["x"], [], rows=[[0.0]] * (MAX_ROWS + 1)))
    with pytest.raises(BpsimError, match="too many rows") as info:
        check_limits(doc)
    assert info.value.path == "data.rows"


def test_the_network_file_size(tmp_path):
    path = tmp_path / "big.bpsim.json"
    text = json.dumps(XOR)
    path.write_text(text + " " * (MAX_FILE_BYTES - len(text)), encoding="utf-8")
    load(path)
    with open(path, "a", encoding="utf-8") as f:
        f.write(" ")
    with pytest.raises(BpsimError) as info:
        load(path)
    assert info.value.one_line() == (f"error: {path}: too large: 16000001 bytes "
                                     "(at most 16000000)")


# --- a CSV file ------------------------------------------------------------------------

CSV_XOR = net(XOR, data={"inputs": ["x1", "x2"], "targets": ["o"], "csv": "points.csv"})


def test_csv_rows(tmp_path):
    lines = "x1,x2,o\n" + "0,1,1\n" * MAX_ROWS
    (tmp_path / "points.csv").write_text(lines, encoding="utf-8")
    assert loads(json.dumps(CSV_XOR), "t", tmp_path).dataset.n == MAX_ROWS
    (tmp_path / "points.csv").write_text(lines + "\n\n1,1,0\n", encoding="utf-8")
    err = error(CSV_XOR, tmp_path)
    assert (err.path, err.problem) == ("data.csv",
                                       '"points.csv": too many rows (at most 100000)')


def test_csv_rows_times_the_network_size(tmp_path):
    doc = net(layered(2, 40, 1), data={"inputs": ["x0", "x1"], "csv": "points.csv"})
    size = len(doc["nodes"]) + len(doc["edges"])
    rows = MAX_STEP_VALUES // size + 1
    (tmp_path / "points.csv").write_text("x0,x1\n" + "0,1\n" * rows, encoding="utf-8")
    err = error(doc, tmp_path)
    assert err.path == "data.csv" and err.problem.startswith(
        f"too much data for the network: {rows} rows × {size} nodes and edges")


def test_csv_file_size(tmp_path):
    head = "x1,x2,o\n0,1,1\n"
    room = MAX_CSV_BYTES - len(head)
    blanks = (" " * 999 + "\n") * (room // 1000) + " " * (room % 1000)   # skipped lines
    (tmp_path / "points.csv").write_text(head + blanks)
    assert loads(json.dumps(CSV_XOR), "t", tmp_path).dataset.n == 1
    (tmp_path / "points.csv").write_text(head + blanks + " ")
    err = error(CSV_XOR, tmp_path)
    assert (err.path, err.problem) == (
        "data.csv", '"points.csv" is too large: 16000001 bytes (at most 16000000)')


# --- only regular files are read ----------------------------------------------------

@contextlib.contextmanager
def no_hang(seconds: float = 10):
    """A read that would block is an error here, not a test run that never ends."""
    def late(signum, frame):
        raise TimeoutError("blocked reading")
    old = signal.signal(signal.SIGALRM, late)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(signal, "setitimer"),
                                reason="named pipes and alarms are POSIX")


@needs_fifo
def test_a_named_pipe_as_the_network_is_refused_at_once(tmp_path):
    path = tmp_path / "pipe.bpsim.json"
    os.mkfifo(path)
    with no_hang(), pytest.raises(BpsimError) as info:
        load(path)
    assert info.value.one_line() == f"error: {path}: not a regular file (a named pipe)"


@needs_fifo
def test_a_named_pipe_as_the_csv_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "points.csv")
    with no_hang():
        err = error(CSV_XOR, tmp_path)
    assert (err.path, err.problem) == ("data.csv",
                                       '"points.csv" is not a regular file (a named pipe)')


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_device_as_the_network_is_refused_at_once():
    with pytest.raises(BpsimError) as info:
        load("/dev/zero")
    assert info.value.one_line() == "error: /dev/zero: not a regular file (a character device)"


@needs_fifo
def test_a_pipe_swapped_in_after_the_look_is_refused_without_blocking(tmp_path, monkeypatch):
    """Between the look at the name and the open, the file may become a pipe:
    the opened descriptor is looked at again, and opening did not wait."""
    regular = tmp_path / "regular"
    regular.write_text("{}")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    real_stat = os.stat
    monkeypatch.setattr(limits.os, "stat",
                        lambda p, *a, **k: real_stat(regular if p == pipe else p, *a, **k))
    with no_hang(), pytest.raises(BpsimError, match=r"not a regular file \(a named pipe\)"):
        read_file(pipe, 100)


def test_a_folder_is_still_a_folder(tmp_path):
    with pytest.raises(BpsimError, match="is a directory"):
        load(tmp_path)


# --- what the fuzzer found -------------------------------------------------------------

@pytest.mark.parametrize("where", ["title", "view"])
def test_a_lone_surrogate_is_refused(where):
    """"\\ud800" alone is half a character: saving or printing it failed
    with a traceback."""
    doc = net(XOR, title="a \ud800 b") if where == "title" else net(XOR, view={"\udfff": 1})
    err = error(doc)
    assert err.path == ("title" if where == "title" else "view")
    assert "lone surrogate" in err.problem
    assert "\\ud800" in err.one_line() or "\\udfff" in err.one_line()
    # a pair escaped as JSON writes it is one character, and welcome
    loads(json.dumps(net(XOR, title="a \U0001F600 b"), ensure_ascii=True))


def test_a_neuron_without_an_activation_reads_back_the_same():
    doc = net(XOR)
    del doc["nodes"][2]["activation"]
    first = loads(json.dumps(doc)).document
    assert first.nodes[2].activation == "identity"
    assert loads(to_json(first)).document == first
