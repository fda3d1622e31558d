"""Saving writes canonical JSON atomically; load → save → load is identical."""
import json
import os

import pytest

from bpsim.document import load, loads, save, to_json
from bpsim.errors import BpsimError
from bpsim.paths import examples

from ..engine.test_random_dags import random_net


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_examples_are_canonical_and_round_trip(path, tmp_path):
    text = path.read_text(encoding="utf-8")
    doc = load(path).document
    assert to_json(doc) == text                    # shipped in canonical form
    out = tmp_path / path.name
    save(doc, out)
    again = load(out).document
    assert again == doc
    assert out.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("seed", range(10))
def test_drawn_values_are_written_and_replay(seed, tmp_path):
    net = random_net(seed)
    for e in net["edges"]:
        e.pop("weight", None)                      # left to the seed
    for n in net["nodes"]:
        n.pop("bias", None)
    first = loads(json.dumps(net)).document
    out = tmp_path / "net.bpsim.json"
    save(first, out)
    saved = json.loads(out.read_text())
    neuron_edges = [e for e in saved["edges"]
                    if next(n for n in saved["nodes"] if n["id"] == e["to"])["kind"] == "neuron"]
    assert all("weight" in e for e in neuron_edges)
    assert load(out).document == first
    assert to_json(load(out).document) == out.read_text()


def test_every_section_survives(tmp_path):
    net = {"format": "bpsim", "version": 1, "title": "All of it", "notes": "*Markdown*",
           "nodes": [{"id": "x1", "kind": "input", "value": 0.25, "pos": [1.5, -2]},
                     {"id": "x2", "kind": "input", "label": "second"},
                     {"id": "k", "kind": "const", "value": 3},
                     {"id": "p", "kind": "param", "value": -0.5},
                     {"id": "h", "kind": "neuron", "activation": "tanh", "bias": 0.1},
                     {"id": "s", "kind": "op", "op": "scale", "value": 2},
                     {"id": "y", "kind": "op", "op": "add"}],
           "edges": [{"from": "x1", "to": "h", "weight": 0.3}, {"from": "x2", "to": "h",
                                                                 "weight": -0.2},
                     {"from": "h", "to": "s"}, {"from": "s", "to": "y"}, {"from": "p", "to": "y"},
                     {"from": "k", "to": "y"}],
           "outputs": ["y"], "loss": {"kind": "mae", "reduction": "sum"},
           "regularization": {"kind": "l1", "lambda": 0.01},
           "training": {"learning_rate": 0.05, "optimizer": "adam", "batch": 2, "shuffle": True,
                        "seed": 7, "epsilon": 1e-6, "max_steps": 50, "beta1": 0.8},
           "data": {"generator": "circle", "samples": 30, "noise": 0.2, "seed": 3,
                    "inputs": ["x1", "x2"], "targets": ["y"], "test_fraction": 0.2},
           "view": {"zoom": 1.5, "docks": ["a", "b"]}}
    doc = loads(json.dumps(net)).document
    out = tmp_path / "all.bpsim.json"
    save(doc, out)
    back = load(out).document
    assert back == doc
    assert back.view == {"zoom": 1.5, "docks": ["a", "b"]}
    assert back.training.beta1 == 0.8 and back.training.beta2 == 0.999
    assert back.data.test_fraction == 0.2 and back.data.generator == "circle"


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "keep.bpsim.json"
    doc = load(examples()[0]).document
    save(doc, path)
    before = path.read_bytes()
    doc.title = "changed"

    def broken(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(BpsimError) as err:
        save(doc, path)
    assert "No space left" in str(err.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.bpsim.json"]
