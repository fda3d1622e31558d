"""Saving writes canonical JSON atomically; load → save → load is identical."""
import json
import os
import stat
import subprocess
import tempfile

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


def test_a_save_keeps_the_file_mode(tmp_path):
    path = tmp_path / "shared.bpsim.json"
    doc = load(examples()[0]).document
    save(doc, path)
    os.chmod(path, 0o644)
    save(doc, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    os.chmod(path, 0o640)
    save(doc, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_a_new_file_gets_the_mode_open_would_give(tmp_path):
    old = os.umask(0o022)
    try:
        save(load(examples()[0]).document, tmp_path / "new.bpsim.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.bpsim.json").st_mode) == 0o644


def test_a_save_through_a_symbolic_link_writes_its_target(tmp_path):
    real = tmp_path / "real" / "net.bpsim.json"
    real.parent.mkdir()
    doc = load(examples()[0]).document
    save(doc, real)
    link = tmp_path / "link.bpsim.json"
    link.symlink_to(real)
    doc.title = "through the link"
    save(doc, link)
    assert link.is_symlink()
    assert load(real).document.title == "through the link"
    assert sorted(p.name for p in real.parent.iterdir()) == ["net.bpsim.json"]


def test_a_save_fsyncs_the_file_and_its_folder(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)
    monkeypatch.setattr(os, "fsync", fsync)
    save(load(examples()[0]).document, tmp_path / "n.bpsim.json")
    assert synced == [False, True]


def test_temporaries_of_a_killed_save_are_swept_by_the_next(tmp_path):
    path = tmp_path / "n.bpsim.json"
    dead = _a_dead_pid()
    stale = tmp_path / f".n.bpsim.json.{dead}.abc123.tmp"
    stale.write_text("{")
    others = tmp_path / f".other.bpsim.json.{dead}.abc123.tmp"      # another file's
    others.write_text("{")
    save(load(examples()[0]).document, path)
    assert not stale.exists()
    assert others.exists()


def _a_dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_non_finite_value_is_a_one_line_error_and_nothing_is_written(tmp_path):
    doc = load(examples()[0]).document
    doc.training.learning_rate = float("inf")
    path = tmp_path / "n.bpsim.json"
    with pytest.raises(BpsimError) as err:
        save(doc, path)
    assert err.value.one_line().count(str(path)) == 1
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_names_the_path_once(tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(BpsimError) as err:
        save(load(examples()[0]).document, tmp_path / "n.bpsim.json")
    line = err.value.one_line()
    assert line.count("n.bpsim.json") == 1 and "Permission denied" in line
