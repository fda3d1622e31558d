"""Bad input through the real command line (contract §1 "Bad input", §2).

Every case must end the same way: exit code 2, exactly one line on stderr,
``error: FILE: JSON-PATH: problem`` (no JSON path where none applies), no
traceback, nothing on stdout, no ``--out`` file, and the input file untouched.
Most cases run in-process through ``bpsim.cli.main.main`` for speed; a few go
through ``python -m bpsim`` to prove that no traceback reaches a user.
"""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bpsim.cli.main import main

# --- two valid networks the cases break ------------------------------------------

XOR = {
    "format": "bpsim", "version": 1, "title": "xor",
    "nodes": [
        {"id": "x1", "kind": "input"},                                  # nodes[0]
        {"id": "x2", "kind": "input"},                                  # nodes[1]
        {"id": "h", "kind": "neuron", "activation": "sigmoid", "bias": 0.1},    # nodes[2]
        {"id": "o", "kind": "neuron", "activation": "sigmoid", "bias": -0.2},   # nodes[3]
    ],
    "edges": [
        {"from": "x1", "to": "h", "weight": 0.5},                       # edges[0]
        {"from": "x2", "to": "h", "weight": -0.4},                      # edges[1]
        {"from": "h", "to": "o", "weight": 1.2},                        # edges[2]
    ],
    "outputs": ["o"],
    "loss": {"kind": "mse", "reduction": "mean"},
    "training": {"learning_rate": 0.5, "max_steps": 3},
    "data": {"inputs": ["x1", "x2"], "targets": ["o"],
             "rows": [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]},
}

CIRCUIT = {
    "format": "bpsim", "version": 1,
    "nodes": [
        {"id": "x", "kind": "input", "value": -2},                      # nodes[0]
        {"id": "y", "kind": "input", "value": 5},                       # nodes[1]
        {"id": "q", "kind": "op", "op": "add"},                         # nodes[2]
        {"id": "f", "kind": "op", "op": "mul"},                         # nodes[3]
        {"id": "z", "kind": "const", "value": -4},                      # nodes[4]
        {"id": "w", "kind": "param", "value": 0.5},                     # nodes[5]
    ],
    "edges": [
        {"from": "x", "to": "q"},                                       # edges[0]
        {"from": "y", "to": "q"},                                       # edges[1]
        {"from": "q", "to": "f"},                                       # edges[2]
        {"from": "z", "to": "f"},                                       # edges[3]
        {"from": "w", "to": "f"},                                       # edges[4]
    ],
    "outputs": ["f"],
    "loss": {"kind": "none"},
}

CSV_DATA = {"inputs": ["x1", "x2"], "targets": ["o"], "csv": "points.csv"}
GOOD_CSV = b"x1,x2,o\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"


# --- building broken files ----------------------------------------------------------

def _parent(d, keys):
    for k in keys[:-1]:
        d = d[k]
    return d, keys[-1]


def put(*keys, value):
    def change(d):
        parent, last = _parent(d, keys)
        parent[last] = value
    return change


def drop(*keys):
    def change(d):
        parent, last = _parent(d, keys)
        del parent[last]
    return change


def append(*keys, value):
    def change(d):
        parent, last = _parent(d, keys + (None,))
        parent.append(value)
    return change


def net(*changes, base=XOR) -> bytes:
    d = copy.deepcopy(base)
    for change in changes:
        change(d)
    return json.dumps(d, indent=1, ensure_ascii=False).encode("utf-8")


def raw(old: str, new: str, base=XOR) -> bytes:
    """The base file's text with one literal piece replaced (for what
    json.dumps cannot write: NaN, huge numbers, bad syntax)."""
    text = json.dumps(base, indent=1)
    assert text.count(old) == 1, old
    return text.replace(old, new).encode("utf-8")


def circuit(*changes) -> bytes:
    return net(*changes, base=CIRCUIT)


def case(id, content, json_path, word, files=None):
    return pytest.param(content, json_path, word, files or {}, id=id)


CASES = [
    # -- the file as text ------------------------------------------------------------
    case("json-syntax", b'{"format": "bpsim",\n "version": 1,,\n "nodes": []}',
         "line 2 column 15", "invalid JSON"),
    case("json-unclosed", b'{"format": "bpsim", "version": 1, "nodes": [',
         "line 1 column 45", "invalid JSON"),
    case("empty-file", b"", "line 1 column 1", "invalid JSON"),
    case("not-utf8", net(put("title", value="café")).replace("é".encode(), b"\xe9"),
         None, "not UTF-8"),
    case("nan", raw('"bias": 0.1', '"bias": NaN'), "nodes[2].bias", "NaN"),
    case("infinity", raw('"weight": 0.5', '"weight": Infinity'), "edges[0].weight", "Infinity"),
    case("minus-infinity-in-row", raw("[\n    1,\n    0,\n    1\n   ]",
                                      "[\n    -Infinity,\n    0,\n    1\n   ]"),
         "data.rows[2][0]", "Infinity"),
    case("overflowing-float", raw('"bias": 0.1', '"bias": 1e999'), "nodes[2].bias", "finite"),
    case("overflowing-float-in-view", net(put("view", value={"zoom": "ZOOM"}))
         .replace(b'"ZOOM"', b"-1e999"), "view.zoom", "finite"),
    case("huge-integer", raw('"bias": 0.1', '"bias": 1' + "0" * 400), "nodes[2].bias", "finite"),
    case("nested-too-deeply", b"[" * 100_000 + b"]" * 100_000, "$", "deep"),

    # -- the top level ---------------------------------------------------------------
    case("top-level-list", b"[1, 2]", "$", "expected an object"),
    case("top-level-string", b'"bpsim"', "$", "expected an object"),
    case("wrong-format", net(put("format", value="bpsim-trace")), "format", '"bpsim-trace"'),
    case("a-trace-file", b'{"format": "bpsim-trace", "version": 1, "steps": []}',
         "format", '"bpsim-trace"'),
    case("format-missing", net(drop("format")), "$", 'missing required field "format"'),
    case("unsupported-version", net(put("version", value=2)), "version", "unsupported version 2"),
    case("later-version-with-new-fields", net(put("version", value=2), put("layers", value=[])),
         "version", "unsupported version 2"),
    case("version-not-integer", net(put("version", value="1")), "version", "expected an integer"),
    case("missing-nodes", net(drop("nodes")), "$", 'missing required field "nodes"'),
    case("missing-outputs", net(drop("outputs")), "$", 'missing required field "outputs"'),
    case("unknown-field", net(put("colour", value="red")), "colour", 'unknown field "colour"'),
    case("unknown-training-field", net(put("training", "lr", value=0.1)),
         "training.lr", 'unknown field "lr"'),
    case("nodes-not-a-list", net(put("nodes", value={"x1": "input"})), "nodes",
         "expected a list"),

    # -- nodes -----------------------------------------------------------------------
    case("node-not-an-object", net(put("nodes", 1, value="x2")), "nodes[1]",
         "expected an object"),
    case("node-missing-kind", net(drop("nodes", 2, "kind")), "nodes[2]",
         'missing required field "kind"'),
    case("unknown-node-kind", net(put("nodes", 2, "kind", value="layer")), "nodes[2].kind",
         'unknown node kind "layer"'),
    case("duplicate-node-id", net(put("nodes", 3, "id", value="h")), "nodes[3].id",
         'duplicate node id "h"'),
    case("invalid-id-characters", net(put("nodes", 0, "id", value="x 1")), "nodes[0].id",
         'invalid id "x 1"'),
    case("id-not-a-string", net(put("nodes", 0, "id", value=1)), "nodes[0].id",
         "expected a node id"),
    case("unknown-activation", net(put("nodes", 2, "activation", value="sigmod")),
         "nodes[2].activation", 'unknown activation "sigmod"'),
    case("unknown-op", circuit(put("nodes", 2, "op", value="sub")), "nodes[2].op",
         'unknown op "sub"'),
    case("const-without-value", circuit(drop("nodes", 4, "value")), "nodes[4]",
         'needs "value"'),
    case("op-without-op", circuit(drop("nodes", 2, "op")), "nodes[2]",
         'an op node needs "op"'),
    case("scale-without-value",
         circuit(append("nodes", value={"id": "k", "kind": "op", "op": "scale"})),
         "nodes[6]", 'op "scale" needs a "value"'),
    case("value-on-add", circuit(put("nodes", 2, "value", value=2)), "nodes[2].value",
         'op "add" takes no value'),
    case("bias-on-input", net(put("nodes", 0, "bias", value=0.1)), "nodes[0].bias",
         'field "bias" does not belong on an input node'),
    case("op-on-neuron", net(put("nodes", 2, "op", value="add")), "nodes[2].op",
         'field "op" does not belong on a neuron node'),
    case("value-on-neuron", net(put("nodes", 3, "value", value=1)), "nodes[3].value",
         "does not belong"),
    case("pos-of-three", net(put("nodes", 0, "pos", value=[1, 2, 3])), "nodes[0].pos",
         "expected 2 items"),
    case("control-character-in-kind", net(put("nodes", 2, "kind", value="neu\rron")),
         "nodes[2].kind", "unknown node kind"),

    # -- edges -----------------------------------------------------------------------
    case("edge-to-unknown-node", net(put("edges", 2, "to", value="h9")), "edges[2].to",
         'unknown node "h9"'),
    case("edge-from-unknown-node", net(put("edges", 0, "from", value="x9")), "edges[0].from",
         'unknown node "x9"'),
    case("edge-invalid-id", net(put("edges", 0, "from", value="x1.out")), "edges[0].from",
         "invalid id"),
    case("edge-missing-to", net(drop("edges", 1, "to")), "edges[1]",
         'missing required field "to"'),
    case("duplicate-edge", net(append("edges", value={"from": "x1", "to": "h"})), "edges[3]",
         'duplicate edge "x1" -> "h"'),
    case("cycle", net(append("edges", value={"from": "o", "to": "h"})), "edges", "cycle"),
    case("self-loop", net(append("edges", value={"from": "h", "to": "h"})), "edges[3]",
         "itself"),
    case("edge-into-input", net(append("edges", value={"from": "h", "to": "x1"})),
         "edges[3].to", 'cannot go into input node "x1"'),
    case("edge-into-const", circuit(append("edges", value={"from": "x", "to": "z"})),
         "edges[5].to", 'cannot go into const node "z"'),
    case("edge-into-param", circuit(append("edges", value={"from": "x", "to": "w"})),
         "edges[5].to", 'cannot go into param node "w"'),
    case("weight-into-op", circuit(put("edges", 0, "weight", value=0.5)), "edges[0].weight",
         "carries no weight"),
    case("non-number-weight", net(put("edges", 0, "weight", value="0.5")), "edges[0].weight",
         "expected a number, got a string"),
    case("boolean-weight", net(put("edges", 0, "weight", value=True)), "edges[0].weight",
         "expected a number, got a boolean"),
    case("unary-gate-two-inputs", circuit(put("nodes", 3, "op", value="exp")), "nodes[3]",
         'op "exp" takes exactly one input, has 3'),
    case("n-ary-gate-no-inputs",
         circuit(append("nodes", value={"id": "m", "kind": "op", "op": "max"})),
         "nodes[6]", 'op "max" needs at least one input'),

    # -- outputs and loss --------------------------------------------------------------
    case("output-unknown", net(put("outputs", value=["zz"])), "outputs[0]", 'unknown node "zz"'),
    case("outputs-empty", net(put("outputs", value=[])), "outputs", "at least 1"),
    case("output-duplicated", net(put("outputs", value=["o", "o"])), "outputs[1]",
         'output "o" listed twice'),
    case("loss-none-two-outputs", circuit(put("outputs", value=["q", "f"])), "outputs",
         'loss "none" needs exactly one output, got 2'),
    case("loss-none-with-targets",
         circuit(put("data", value={"inputs": ["x"], "targets": ["f"], "rows": [[1, 2]]})),
         "data.targets", "takes no targets"),
    case("unknown-loss", net(put("loss", "kind", value="l2")), "loss.kind", 'unknown loss "l2"'),
    case("mse-without-data", net(drop("data")), "data", 'loss "mse" needs data'),
    case("targets-not-outputs", net(put("data", "targets", value=["h"])), "data.targets",
         "targets must name the outputs"),
    case("hinge-targets-not-pm1", net(put("loss", "kind", value="hinge")), "data.rows[0][2]",
         "-1 or +1"),
    case("perceptron-generator-01-labels",
         net(put("loss", "kind", value="perceptron"),
             put("data", value={"inputs": ["x1", "x2"], "targets": ["o"], "generator": "xor"})),
         "data.labels", "pm1"),
    case("bce-target-outside-unit", net(put("loss", "kind", value="bce"),
                                        put("data", "rows", 1, 2, value=1.5)),
         "data.rows[1][2]", "[0, 1]"),

    # -- training and regularization ---------------------------------------------------
    case("learning-rate-zero", net(put("training", "learning_rate", value=0)),
         "training.learning_rate", "must be > 0"),
    case("learning-rate-negative", net(put("training", "learning_rate", value=-0.1)),
         "training.learning_rate", "must be > 0"),
    case("learning-rate-boolean", net(put("training", "learning_rate", value=True)),
         "training.learning_rate", "expected a number"),
    case("momentum-one", net(put("training", "momentum", value=1)), "training.momentum",
         "must be < 1"),
    case("beta2-negative", net(put("training", "beta2", value=-0.5)), "training.beta2",
         "must be >= 0"),
    case("eps-zero", net(put("training", "eps", value=0)), "training.eps", "must be > 0"),
    case("batch-zero", net(put("training", "batch", value=0)), "training.batch",
         '"full", "sgd" or an integer >= 1'),
    case("batch-half", net(put("training", "batch", value="half")), "training.batch",
         '"full", "sgd" or an integer >= 1, got "half"'),
    case("batch-fraction", net(put("training", "batch", value=1.5)), "training.batch",
         '"full", "sgd" or an integer >= 1'),
    case("unknown-optimizer", net(put("training", "optimizer", value="sgd")),
         "training.optimizer", 'unknown optimizer "sgd"'),
    case("seed-negative", net(put("training", "seed", value=-1)), "training.seed",
         "must be >= 0"),
    case("max-steps-zero", net(put("training", "max_steps", value=0)), "training.max_steps",
         "must be >= 1"),
    case("epsilon-zero", net(put("training", "epsilon", value=0)), "training.epsilon",
         "must be > 0"),
    case("shuffle-not-boolean", net(put("training", "shuffle", value="yes")),
         "training.shuffle", "expected true or false"),
    case("lambda-negative", net(put("regularization", value={"kind": "l2", "lambda": -1})),
         "regularization.lambda", "must be >= 0"),

    # -- data --------------------------------------------------------------------------
    case("data-missing-inputs", net(drop("data", "inputs")), "data",
         'missing required field "inputs"'),
    case("data-input-unknown", net(put("data", "inputs", 1, value="x9")), "data.inputs[1]",
         'unknown node "x9"'),
    case("data-input-not-an-input", net(put("data", "inputs", 1, value="h")), "data.inputs[1]",
         "not an input"),
    case("data-input-twice", net(put("data", "inputs", 1, value="x1")), "data.inputs[1]",
         "listed twice"),
    case("row-wrong-length", net(put("data", "rows", 2, value=[1, 0])), "data.rows[2]",
         "expected 3 values"),
    case("no-rows", net(put("data", "rows", value=[])), "data.rows", "no rows"),
    case("row-cell-not-a-number", net(put("data", "rows", 1, 0, value="1")), "data.rows[1][0]",
         "expected a number"),
    case("two-data-sources", net(put("data", "generator", value="xor")), "data",
         "exactly one of rows, csv or generator"),
    case("no-data-source", net(drop("data", "rows")), "data",
         "exactly one of rows, csv or generator"),
    case("generator-key-on-rows", net(put("data", "samples", value=10)), "data.samples",
         "generated data only"),
    case("generator-wrong-inputs",
         net(put("data", value={"inputs": ["x1", "x2"], "targets": ["o"], "generator": "line"})),
         "data", 'generator "line" makes 1 input(s)'),
    case("generator-unknown",
         net(put("data", value={"inputs": ["x1", "x2"], "targets": ["o"], "generator": "moons"})),
         "data.generator", 'unknown generator "moons"'),
    case("generator-labels-on-real-targets",
         net(put("nodes", 1, "kind", value="input"),
             put("data", value={"inputs": ["x1"], "targets": ["o"], "generator": "sine",
                                "labels": "pm1"})),
         "data.labels", "real targets"),
    case("generator-too-many-samples",
         net(put("data", value={"inputs": ["x1", "x2"], "targets": ["o"], "generator": "xor",
                                "samples": 10 ** 14})),
         "data.samples", "too many"),
    case("test-fraction-one", net(put("data", "test_fraction", value=1)), "data.test_fraction",
         "must be < 1"),
    case("test-fraction-negative", net(put("data", "test_fraction", value=-0.25)),
         "data.test_fraction", "must be >= 0"),

    # -- a CSV beside the file --------------------------------------------------------
    case("csv-leaves-the-folder", net(put("data", "csv", value="../outside.csv"),
                                      drop("data", "rows")),
         "data.csv", "outside the network file's folder"),
    case("csv-absolute-path", net(put("data", "csv", value="/etc/passwd"), drop("data", "rows")),
         "data.csv", "outside the network file's folder"),
    case("csv-missing", net(put("data", value=CSV_DATA)), "data.csv",
         'no such file "points.csv"'),
    case("csv-is-a-folder", net(put("data", value=dict(CSV_DATA, csv="sub"))), "data.csv",
         'cannot read "sub": Is a directory', {"sub/keep.csv": GOOD_CSV}),
    case("csv-missing-column", net(put("data", value=CSV_DATA)), "data.csv",
         'no column "x2"', {"points.csv": b"x1,o\n0,0\n1,1\n"}),
    case("csv-non-numeric-cell", net(put("data", value=CSV_DATA)), "data.csv",
         'line 3, column "x2": not a number: "one"',
         {"points.csv": b"x1,x2,o\n0,0,0\n0,one,1\n"}),
    case("csv-non-numeric-cell-after-blank-line", net(put("data", value=CSV_DATA)), "data.csv",
         'line 4, column "x2": not a number: "one"',
         {"points.csv": b"x1,x2,o\n\n0,0,0\n0,one,1\n"}),
    case("csv-infinite-cell", net(put("data", value=CSV_DATA)), "data.csv",
         "not a finite number", {"points.csv": b"x1,x2,o\n0,inf,0\n"}),
    case("csv-ragged-row", net(put("data", value=CSV_DATA)), "data.csv",
         "line 3: expected 3 cells, got 2", {"points.csv": b"x1,x2,o\n0,0,0\n0,1\n"}),
    case("csv-empty", net(put("data", value=CSV_DATA)), "data.csv", "is empty",
         {"points.csv": b"\n\n"}),
    case("csv-header-only", net(put("data", value=CSV_DATA)), "data.csv",
         "a header but no rows", {"points.csv": b"x1,x2,o\n"}),
    case("csv-not-utf8", net(put("data", value=CSV_DATA)), "data.csv",
         '"points.csv" is not UTF-8 text (byte 14)',
         {"points.csv": b"x1,x2,o\n0,0,0\n\xff,1,1\n"}),
    case("csv-huge-cell", net(put("data", value=CSV_DATA)), "data.csv", "points.csv",
         {"points.csv": b'x1,x2,o\n"' + b"1" * 200_000 + b'",0,0\n'}),
    case("csv-name-with-nul", net(put("data", value=dict(CSV_DATA, csv="points\u0000.csv"))),
         "data.csv", "points", {"points.csv": GOOD_CSV}),
    case("csv-bce-target", net(put("loss", "kind", value="bce"), put("data", value=CSV_DATA)),
         "data.csv", '"points.csv" line 3, column "o": loss "bce" needs targets in [0, 1], got 2',
         {"points.csv": b"x1,x2,o\n0,0,0\n0,1,2\n"}),
    case("csv-hinge-target-after-blank-lines",
         net(put("loss", "kind", value="hinge"), put("data", value=CSV_DATA)), "data.csv",
         '"points.csv" line 5, column "o": loss "hinge" needs targets -1 or +1, got 0',
         {"points.csv": b"x1,x2,o\n\n0,0,1\n\n0,1,0\n"}),
]


# --- running the command line -------------------------------------------------------

def write_case(tmp_path: Path, content: bytes, files: dict[str, bytes]) -> tuple[Path, Path]:
    """The network file in its own folder (so ``../`` leaves it), its side
    files, and where ``--out`` would write."""
    folder = tmp_path / "net"
    folder.mkdir()
    path = folder / "case.bpsim.json"
    path.write_bytes(content)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (tmp_path / "outside.csv").write_bytes(GOOD_CSV)   # exists, but is off limits
    return path, tmp_path / "trained.bpsim.json"


def run_in_process(capsys, argv: list[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exc:         # argparse leaves this way
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    r = subprocess.run([sys.executable, "-m", "bpsim", *argv], capture_output=True,
                       cwd=cwd, timeout=120)
    # Bytes, decoded by hand: text mode would turn a stray "\r" into a line break
    # and hide it.
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def assert_bad_input(code, stdout, stderr, *, file, json_path, word, out_path,
                     input_path=None, before=None):
    assert code == 2, (code, stderr)
    assert "Traceback" not in stderr
    assert stdout == ""
    assert stderr.endswith("\n")
    lines = stderr.splitlines()            # splitlines: "\r" and the like count too
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith("error: ")
    head = "error: " + "".join(f"{part}: " for part in (file, json_path) if part)
    assert line.startswith(head), (line, head)
    assert word in line[len(head):], (line, word)
    assert not out_path.exists()
    if input_path is not None:
        assert input_path.read_bytes() == before


@pytest.mark.parametrize("content,json_path,word,files", CASES)
def test_train_reports_bad_input(tmp_path, capsys, content, json_path, word, files):
    path, out = write_case(tmp_path, content, files)
    before = path.read_bytes()
    code, stdout, stderr = run_in_process(capsys, ["train", str(path), "--out", str(out)])
    assert_bad_input(code, stdout, stderr, file=str(path), json_path=json_path, word=word,
                     out_path=out, input_path=path, before=before)
    # Side files stay as they were too.
    for name, data in files.items():
        assert (path.parent / name).read_bytes() == data


def test_cases_are_distinct():
    assert len({p.id for p in CASES}) == len(CASES)
    assert len(CASES) >= 25


@pytest.mark.parametrize("base,files", [(XOR, {}), (CIRCUIT, {}),
                                        (dict(XOR, data=CSV_DATA), {"points.csv": GOOD_CSV})],
                         ids=["xor", "circuit", "xor-csv"])
def test_the_bases_are_valid(tmp_path, capsys, base, files):
    """Each case breaks one thing in a file that is otherwise accepted."""
    path, out = write_case(tmp_path, net(base=base), files)
    code, stdout, stderr = run_in_process(capsys, ["train", str(path), "--out", str(out)])
    assert (code, stderr) == (0, "")
    assert out.exists()


# --- files that cannot be read -------------------------------------------------------

def test_missing_file(tmp_path, capsys):
    path, out = tmp_path / "nothere.bpsim.json", tmp_path / "trained.bpsim.json"
    code, stdout, stderr = run_in_process(capsys, ["train", str(path), "--out", str(out)])
    assert_bad_input(code, stdout, stderr, file=str(path), json_path=None, word="no such file",
                     out_path=out)
    assert not path.exists()


def test_folder_instead_of_file(tmp_path, capsys):
    out = tmp_path / "trained.bpsim.json"
    code, stdout, stderr = run_in_process(capsys, ["train", str(tmp_path), "--out", str(out)])
    assert_bad_input(code, stdout, stderr, file=str(tmp_path), json_path=None,
                     word="is a directory", out_path=out)


def test_file_name_too_long(tmp_path, capsys):
    path, out = tmp_path / ("n" * 300 + ".bpsim.json"), tmp_path / "trained.bpsim.json"
    code, stdout, stderr = run_in_process(capsys, ["train", str(path), "--out", str(out)])
    assert_bad_input(code, stdout, stderr, file=str(path), json_path=None, word="cannot read",
                     out_path=out)


# --- the command line's own arguments ------------------------------------------------

@pytest.mark.parametrize("args,word", [
    (["--steps", "0"], "--steps"),
    (["--steps", "-3"], "--steps"),
    (["--steps", "half"], "--steps"),
    (["--format", "xml"], "--format"),
], ids=["steps-zero", "steps-negative", "steps-half", "format-unknown"])
def test_bad_arguments(tmp_path, capsys, args, word):
    path, out = write_case(tmp_path, net(), {})
    before = path.read_bytes()
    code, stdout, stderr = run_in_process(capsys, ["train", str(path), "--out", str(out), *args])
    assert_bad_input(code, stdout, stderr, file=None, json_path=None, word=word, out_path=out,
                     input_path=path, before=before)


# --- the same checks behind trace and gradcheck ---------------------------------------

@pytest.mark.parametrize("command", ["trace", "gradcheck"])
@pytest.mark.parametrize("content,json_path,word", [
    (net(put("edges", 2, "to", value="h9")), "edges[2].to", 'unknown node "h9"'),
    (net(put("training", "batch", value="half")), "training.batch", "integer"),
    (raw('"bias": 0.1', '"bias": NaN'), "nodes[2].bias", "NaN"),
], ids=["unknown-node", "batch-half", "nan"])
def test_other_commands(tmp_path, capsys, command, content, json_path, word):
    path, out = write_case(tmp_path, content, {})
    before = path.read_bytes()
    code, stdout, stderr = run_in_process(capsys, [command, str(path)])
    assert_bad_input(code, stdout, stderr, file=str(path), json_path=json_path, word=word,
                     out_path=out, input_path=path, before=before)


# --- a real process: nothing but the one line reaches the user -------------------------

SUBPROCESS_CASES = [p for p in CASES if p.id in (
    "json-syntax", "not-utf8", "nan", "huge-integer", "nested-too-deeply", "a-trace-file",
    "edge-to-unknown-node", "cycle", "control-character-in-kind", "csv-leaves-the-folder",
    "csv-huge-cell", "csv-name-with-nul", "generator-too-many-samples")]


@pytest.mark.parametrize("content,json_path,word,files", SUBPROCESS_CASES)
def test_subprocess(tmp_path, content, json_path, word, files):
    path, out = write_case(tmp_path, content, files)
    before = path.read_bytes()
    code, stdout, stderr = run_subprocess(["train", str(path), "--out", str(out)], tmp_path)
    assert_bad_input(code, stdout, stderr, file=str(path), json_path=json_path, word=word,
                     out_path=out, input_path=path, before=before)


def test_subprocess_missing_file(tmp_path):
    path, out = tmp_path / "nothere.bpsim.json", tmp_path / "trained.bpsim.json"
    code, stdout, stderr = run_subprocess(["train", str(path), "--out", str(out)], tmp_path)
    assert_bad_input(code, stdout, stderr, file=str(path), json_path=None, word="no such file",
                     out_path=out)


def test_subprocess_steps_zero(tmp_path):
    path, out = write_case(tmp_path, net(), {})
    before = path.read_bytes()
    code, stdout, stderr = run_subprocess(
        ["train", str(path), "--steps", "0", "--out", str(out)], tmp_path)
    assert_bad_input(code, stdout, stderr, file=None, json_path=None, word="--steps",
                     out_path=out, input_path=path, before=before)
    assert "at least 1" in stderr
