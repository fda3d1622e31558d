"""A CSV file or a generator is read once while its data section, its
folder and the file stay the same; the checks that depend on the rest of
the network are made every time."""
from __future__ import annotations

import copy
import json
import os

import numpy as np
import pytest

from bpsim.document import dataset, loads
from bpsim.document.dataset import build_dataset
from bpsim.errors import BpsimError

NET = {
    "format": "bpsim", "version": 1,
    "nodes": [{"id": "x1", "kind": "input"}, {"id": "x2", "kind": "input"},
              {"id": "o", "kind": "neuron", "activation": "sigmoid", "bias": -0.2}],
    "edges": [{"from": "x1", "to": "o", "weight": 0.5}, {"from": "x2", "to": "o", "weight": -0.4}],
    "outputs": ["o"],
    "loss": {"kind": "mse"},
    "data": {"inputs": ["x1", "x2"], "targets": ["o"], "csv": "points.csv"},
}


@pytest.fixture
def reads(monkeypatch):
    """The reads made, by wrapping the reader the cache calls on a miss."""
    made = []
    original = dataset.read_arrays
    monkeypatch.setattr(dataset, "read_arrays",
                        lambda doc, base: made.append(doc.data.csv) or original(doc, base))
    dataset._CACHE.clear()
    yield made
    dataset._CACHE.clear()


def write(folder, text):
    (folder / "points.csv").write_text("x1,x2,o\n" + text, encoding="utf-8")


def test_the_same_file_is_read_once(tmp_path, reads):
    write(tmp_path, "0,1,1\n1,1,0\n")
    first = loads(json.dumps(NET), "t", tmp_path)
    doc = first.document
    again = build_dataset(doc, tmp_path)
    assert reads == ["points.csv"]
    np.testing.assert_array_equal(again.X, first.dataset.X)
    assert not again.X.flags.writeable       # shared: nobody may write into it


def test_a_changed_file_is_read_again(tmp_path, reads):
    write(tmp_path, "0,1,1\n1,1,0\n")
    doc = loads(json.dumps(NET), "t", tmp_path).document
    write(tmp_path, "0,1,1\n1,1,0\n2,2,1\n")
    os.utime(tmp_path / "points.csv", ns=(1, 1))      # even with an old time: the size moved
    assert build_dataset(doc, tmp_path).n == 3
    assert len(reads) == 2


def test_another_folder_or_section_is_another_read(tmp_path, reads):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        write(tmp_path / name, "0,1,1\n")
    doc = loads(json.dumps(NET), "t", tmp_path / "a").document
    build_dataset(doc, tmp_path / "b")
    other = copy.deepcopy(doc)
    other.data.test_fraction = 0.5              # not a reason to read again
    build_dataset(other, tmp_path / "a")
    assert len(reads) == 2


def test_the_loss_is_checked_against_rows_read_before(tmp_path, reads):
    """Targets fine for mse, refused by hinge: the cached rows are checked
    against the loss of the document asking."""
    write(tmp_path, "0,1,1\n1,1,0\n")
    doc = loads(json.dumps(NET), "t", tmp_path).document
    doc.loss.kind = "hinge"
    with pytest.raises(BpsimError, match="targets -1 or \\+1"):
        build_dataset(doc, tmp_path)
    assert len(reads) == 1
