"""The shipped JSON Schema: up to date, true of the examples, and in agreement
with the reader on what it rejects."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from bpsim.document import loads
from bpsim.document.format import json_schema
from bpsim.document.limits import MAX_EDGES
from bpsim.errors import BpsimError

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "resources" / "bpsim.schema.json"
EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*.bpsim.json"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(validator: Draft202012Validator, doc: object) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}"
            for e in validator.iter_errors(doc)]


def reader_error(doc: object) -> BpsimError | None:
    try:
        loads(json.dumps(doc), "t.bpsim.json")
    except BpsimError as exc:
        return exc
    return None


# --- the file on disk ----------------------------------------------------------

def test_schema_file_is_up_to_date():
    on_disk = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert on_disk == json_schema(), "stale schema: run scripts/make_schema.py"


def test_schema_file_is_byte_exact():
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == text


def test_make_schema_check_passes():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_schema.py"), "--check"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_make_schema_check_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "bpsim.schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    script = str(ROOT / "scripts" / "make_schema.py")
    done = subprocess.run([sys.executable, script, "--check", "--output", str(stale)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert str(stale) in done.stderr
    missing = subprocess.run([sys.executable, script, "--check", "--output",
                              str(tmp_path / "none.json")], capture_output=True, text=True)
    assert missing.returncode == 1


def test_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(json_schema())
    assert json_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


# --- documents both accept -----------------------------------------------------

def test_there_are_examples():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_validates(validator, path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert schema_errors(validator, doc) == []
    assert reader_error(doc) is None


def _xor() -> dict:
    return json.loads((ROOT / "resources/examples/xor-2-2-1.bpsim.json").read_text("utf-8"))


def _circuit() -> dict:
    return json.loads((ROOT / "resources/examples/circuit-x-plus-y-times-z.bpsim.json")
                      .read_text("utf-8"))


MINIMAL = {"format": "bpsim", "version": 1, "nodes": [{"id": "x", "kind": "input"}],
           "outputs": ["x"]}

CONTRACT_EXAMPLE = {
    "format": "bpsim", "version": 1,
    "title": "XOR with one hidden layer",
    "notes": "optional Markdown, shown beside the network",
    "nodes": [
        {"id": "x1", "kind": "input", "pos": [0, 0]},
        {"id": "x2", "kind": "input"},
        {"id": "h1", "kind": "neuron", "activation": "sigmoid", "bias": 0.1},
        {"id": "o", "kind": "neuron", "activation": "sigmoid", "bias": -0.2},
    ],
    "edges": [
        {"from": "x1", "to": "h1", "weight": 0.5},
        {"from": "x2", "to": "h1", "weight": -0.4},
        {"from": "h1", "to": "o", "weight": 1.2},
    ],
    "outputs": ["o"],
    "loss": {"kind": "mse", "reduction": "mean"},
    "regularization": {"kind": "none", "lambda": 0.0},
    "training": {"learning_rate": 0.5, "optimizer": "gd", "batch": "full",
                 "shuffle": False, "seed": 0, "epsilon": None, "max_steps": None},
    "data": {"inputs": ["x1", "x2"], "targets": ["o"],
             "rows": [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]},
    "view": {},
}


def _with(base: dict, change) -> dict:
    doc = copy.deepcopy(base)
    change(doc)
    return doc


VALID = {
    "minimal": MINIMAL,
    "contract example": CONTRACT_EXAMPLE,
    "no loss, data without targets": _with(_circuit(), lambda d: (
        d.pop("loss"), d.update(data={"inputs": ["x"], "targets": [], "rows": [[1], [2]]}))),
    "loss none, rows without a targets key": _with(_circuit(), lambda d: d.update(
        data={"inputs": ["x"], "rows": [[1], [2]]})),
    "loss none, generated data without a targets key": _with(_xor(), lambda d: (
        d.update(loss={"kind": "none"}, data={"generator": "xor", "inputs": ["x1", "x2"]}))),
    "generated xor, every option": _with(_xor(), lambda d: d.update(data={
        "generator": "xor", "samples": 20, "noise": 0, "seed": 3, "labels": "01",
        "test_fraction": 0.25, "inputs": ["x1", "x2"], "targets": ["o"]})),
    "generated sine": _with(_xor(), lambda d: d.update(data={
        "generator": "sine", "inputs": ["x1"], "targets": ["o"]})),
    "offset gate with its value": _with(_circuit(), lambda d: (
        d["nodes"][4].update(op="offset", value=1), d["edges"].pop())),
    "adam with its constants": _with(_xor(), lambda d: d["training"].update(
        optimizer="adam", beta1=0.8, beta2=0.99, eps=1e-6, batch=2, shuffle=True,
        epsilon=1e-9, max_steps=5)),
    "integral floats for integers": _with(_xor(), lambda d: (
        d.update(version=1.0), d["training"].update(batch=2.0, seed=4.0))),
}


@pytest.mark.parametrize("doc", VALID.values(), ids=VALID.keys())
def test_valid_documents_pass_both(validator, doc):
    assert schema_errors(validator, doc) == []
    assert reader_error(doc) is None


# --- documents both reject -----------------------------------------------------

INVALID = {
    # (document, the JSON path the reader names)
    "unknown top-level field": (_with(_xor(), lambda d: d.update(colour="red")), "colour"),
    "unknown training field": (_with(_xor(), lambda d: d["training"].update(lr=0.1)),
                               "training.lr"),
    "unknown edge field": (_with(_xor(), lambda d: d["edges"][0].update(w=1)), "edges[0].w"),
    "bad activation": (_with(_xor(), lambda d: d["nodes"][2].update(activation="gelu")),
                       "nodes[2].activation"),
    "bad loss kind": (_with(_xor(), lambda d: d["loss"].update(kind="l2")), "loss.kind"),
    "bad optimizer": (_with(_xor(), lambda d: d["training"].update(optimizer="sgd")),
                      "training.optimizer"),
    "bad node kind": (_with(_xor(), lambda d: d["nodes"][0].update(kind="bias")),
                      "nodes[0].kind"),
    "wrong format": (_with(_xor(), lambda d: d.update(format="bpsim2")), "format"),
    "version 2": (_with(_xor(), lambda d: d.update(version=2)), "version"),
    "negative learning_rate": (_with(_xor(), lambda d: d["training"].update(learning_rate=-0.5)),
                               "training.learning_rate"),
    "zero learning_rate": (_with(_xor(), lambda d: d["training"].update(learning_rate=0)),
                           "training.learning_rate"),
    "momentum 1": (_with(_xor(), lambda d: d["training"].update(momentum=1)),
                   "training.momentum"),
    "negative lambda": (_with(_xor(), lambda d: d["regularization"].update({"lambda": -1})),
                        "regularization.lambda"),
    "batch 0": (_with(_xor(), lambda d: d["training"].update(batch=0)), "training.batch"),
    "batch 1.5": (_with(_xor(), lambda d: d["training"].update(batch=1.5)), "training.batch"),
    "seed true": (_with(_xor(), lambda d: d["training"].update(seed=True)), "training.seed"),
    "test_fraction 1": (_with(_xor(), lambda d: d["data"].update(test_fraction=1)),
                        "data.test_fraction"),
    "bias on an input": (_with(_xor(), lambda d: d["nodes"][0].update(bias=0.5)),
                         "nodes[0].bias"),
    "activation on an op": (_with(_circuit(), lambda d: d["nodes"][3].update(activation="relu")),
                            "nodes[3].activation"),
    "value on a neuron": (_with(_xor(), lambda d: d["nodes"][2].update(value=1)),
                          "nodes[2].value"),
    "op on a param": (_with(_circuit(), lambda d: d["nodes"][0].update(kind="param", op="add")),
                      "nodes[0].op"),
    "const without value": (_with(_circuit(), lambda d: (
        d["nodes"][0].update(kind="const"), d["nodes"][0].pop("value"))), "nodes[0]"),
    "op without op": (_with(_circuit(), lambda d: d["nodes"][3].pop("op")), "nodes[3]"),
    "scale without value": (_with(_circuit(), lambda d: (
        d["nodes"][4].update(op="scale"), d["edges"].pop())), "nodes[4]"),
    "add with a value": (_with(_circuit(), lambda d: d["nodes"][3].update(value=2)),
                         "nodes[3].value"),
    "bad id": (_with(_xor(), lambda d: d["nodes"][0].update(id="x 1")), "nodes[0].id"),
    "pos of three": (_with(_xor(), lambda d: d["nodes"][0].update(pos=[0, 0, 0])),
                     "nodes[0].pos"),
    "node without kind": (_with(_xor(), lambda d: d["nodes"][0].pop("kind")), "nodes[0]"),
    "missing outputs": (_with(_xor(), lambda d: d.pop("outputs")), "$"),
    "empty outputs": (_with(_xor(), lambda d: d.update(outputs=[])), "outputs"),
    "output twice": (_with(_circuit(), lambda d: d.update(outputs=["f", "f"])), "outputs[1]"),
    "not an object": ([], "$"),
    "view a list": (_with(_xor(), lambda d: d.update(view=[])), "view"),
    "two data sources": (_with(_xor(), lambda d: d["data"].update(csv="x.csv")), "data"),
    "no data source": (_with(_xor(), lambda d: d["data"].pop("rows")), "data"),
    "no rows": (_with(_xor(), lambda d: d["data"].update(rows=[])), "data.rows"),
    "loss mse, data without targets key": (_with(_xor(), lambda d: d["data"].pop("targets")),
                                           "data.targets"),
    "input listed twice": (_with(_xor(), lambda d: d["data"].update(inputs=["x1", "x1"])),
                           "data.inputs[1]"),
    "samples with rows": (_with(_xor(), lambda d: d["data"].update(samples=10)),
                          "data.samples"),
    "labels with csv": (_with(_xor(), lambda d: d.update(data={
        "csv": "p.csv", "labels": "pm1", "inputs": ["x1", "x2"], "targets": ["o"]})),
        "data.labels"),
    "xor generator with one input": (_with(_xor(), lambda d: d.update(data={
        "generator": "xor", "inputs": ["x1"], "targets": ["o"]})), "data"),
    "line generator with two inputs": (_with(_xor(), lambda d: d.update(data={
        "generator": "line", "inputs": ["x1", "x2"], "targets": ["o"]})), "data"),
    "sine generator with pm1 labels": (_with(_xor(), lambda d: d.update(data={
        "generator": "sine", "inputs": ["x1"], "targets": ["o"], "labels": "pm1"})),
        "data.labels"),
    "bad generator": (_with(_xor(), lambda d: d.update(data={
        "generator": "moons", "inputs": ["x1", "x2"], "targets": ["o"]})), "data.generator"),
    "loss none with two outputs": (_with(_circuit(), lambda d: d.update(outputs=["f", "q"])),
                                   "outputs"),
    "loss none with two outputs, data without targets": (_with(_circuit(), lambda d: d.update(
        outputs=["f", "q"], data={"inputs": ["x"], "rows": [[1]]})), "outputs"),
    # the limits (bpsim/document/limits.py)
    "title too long": (_with(_xor(), lambda d: d.update(title="t" * 201)), "title"),
    "notes too long": (_with(_xor(), lambda d: d.update(notes="n" * 20_001)), "notes"),
    "too many nodes": (_with(_xor(), lambda d: d["nodes"].extend(
        {"id": f"k{i}", "kind": "const", "value": 1} for i in range(250))), "nodes"),
    "too many edges": (_with(_xor(), lambda d: d["edges"].extend(
        [d["edges"][0]] * MAX_EDGES)), "edges"),
    "too many rows": (_with(_xor(), lambda d: d["data"].update(
        rows=[[0, 0, 0]] * 100_001)), "data.rows"),
    "too many samples": (_with(_xor(), lambda d: d.update(data={
        "generator": "xor", "samples": 10 ** 7, "inputs": ["x1", "x2"], "targets": ["o"]})),
        "data.samples"),
    "loss none with targets": (_with(_circuit(), lambda d: d.update(data={
        "inputs": ["x"], "targets": ["f"], "rows": [[1, 2]]})), "data.targets"),
    "loss mse without data": (_with(_xor(), lambda d: d.pop("data")), "data"),
    "loss mse without targets": (_with(_xor(), lambda d: d["data"].update(
        targets=[], rows=[[0, 0], [1, 1]])), "data.targets"),
}


@pytest.mark.parametrize("doc, path", INVALID.values(), ids=INVALID.keys())
def test_invalid_documents_fail_both(validator, doc, path):
    assert schema_errors(validator, doc), "the schema accepts it"
    err = reader_error(doc)
    assert err is not None, "the reader accepts it"
    assert err.path == path
    assert err.file == "t.bpsim.json"
    line = err.one_line()
    assert line.startswith("error: t.bpsim.json: ") and "\n" not in line


# --- what only the reader can tell ---------------------------------------------

ONLY_THE_READER = {
    # Ids, the graph and data values are beyond a JSON Schema: the schema lets
    # these through, the reader does not.
    "unknown edge end": _with(_xor(), lambda d: d["edges"][0].update(to="h9")),
    "weight on an edge into an op": _with(_circuit(), lambda d: d["edges"][0].update(weight=1)),
    "cycle": _with(_xor(), lambda d: d["edges"].append({"from": "o", "to": "h1"})),
    "unary gate with two inputs": _with(_circuit(), lambda d: d["nodes"][4].update(
        op="scale", value=2)),
    "targets not the outputs": _with(_xor(), lambda d: d["data"].update(targets=["h1"])),
    "row of the wrong width": _with(_xor(), lambda d: d["data"]["rows"].append([1, 2])),
    "hinge target 0": _with(_xor(), lambda d: d["loss"].update(kind="hinge")),
}


@pytest.mark.parametrize("doc", ONLY_THE_READER.values(), ids=ONLY_THE_READER.keys())
def test_whole_document_rules_are_the_readers(validator, doc):
    assert schema_errors(validator, doc) == []
    assert reader_error(doc) is not None
