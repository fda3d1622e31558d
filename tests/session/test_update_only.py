"""A setting of the update alone (η, the optimizer and its constants):
the walk's next iteration takes the update again from the same pass, and
gives the very trace a fresh pass gives."""
from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpsim.document import load
from bpsim.document.edits import SetSection
from bpsim.engine import training
from bpsim.paths import examples_dir
from bpsim.session.workspace import Workspace


def same(a, b, where="trace") -> None:
    """Field for field, arrays bit for bit (nan equal to nan)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{k}]")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for key in a:
            same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, float) and np.isnan(a):
        assert isinstance(b, float) and np.isnan(b), where
    else:
        assert a == b, where


def passes(monkeypatch) -> list:
    """The training steps (passes over a batch) taken, by wrapping Trainer.step."""
    taken = []
    original = training.Trainer.step
    monkeypatch.setattr(training.Trainer, "step",
                        lambda self, *a, **k: taken.append(1) or original(self, *a, **k))
    return taken


CHANGES = st.fixed_dictionaries({
    "learning_rate": st.sampled_from([0.001, 0.05, 0.5, 3.0, 1e6]),
    "optimizer": st.sampled_from(["gd", "momentum", "adam"]),
    "momentum": st.sampled_from([0.0, 0.5, 0.9]),
    "beta1": st.sampled_from([0.8, 0.9]),
    "eps": st.sampled_from([1e-8, 1e-3]),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["xor-2-2-1.bpsim.json", "sgd-versus-full-batch.bpsim.json",
                        "logistic-regression.bpsim.json"]),
       st.integers(0, 3), CHANGES)
def test_an_update_setting_takes_the_update_again_not_the_pass(monkeypatch, name, steps, change):
    ws = Workspace.from_loaded(load(examples_dir() / name))
    for _ in range(steps):
        ws.stepper.finish_iteration()
    ws.stepper.refresh()                   # the next iteration's walk, from its start
    taken = passes(monkeypatch)
    doc = ws.document
    SetSection("training", dataclasses.replace(doc.training, **change)).apply(doc)
    assert taken == []                     # the pass stood
    fresh = ws.session.preview()
    same(ws.stepper.trace, fresh)
    ws.stepper.finish_iteration()          # and the step taken is the one shown
    same(ws.stepper.trace.steps[-1], fresh.steps[-1])


def test_a_setting_of_the_pass_passes_again(monkeypatch):
    """The batch size chooses other rows: nothing of the last pass stands."""
    ws = Workspace.from_loaded(load(examples_dir() / "sgd-versus-full-batch.bpsim.json"))
    taken = passes(monkeypatch)
    doc = ws.document
    SetSection("training", dataclasses.replace(doc.training, batch=2)).apply(doc)
    assert taken == [1]
    same(ws.stepper.trace, ws.session.preview())
