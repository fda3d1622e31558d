"""Rewind any number of iterations; replay gives identical numbers; settings
changed mid-way are part of the history; memory stays bounded."""
import numpy as np
import pytest

from bpsim.document import load
from bpsim.paths import examples_dir
from bpsim.session import History, Session


def xor() -> Session:
    return Session.from_loaded(load(examples_dir() / "xor-2-2-1.bpsim.json"))


def test_rewind_and_replay_reproduce_identical_numbers():
    s = xor()
    s.train(30)
    costs = list(s.history.costs)
    final = s.parameters()
    s.goto(12)
    assert s.iteration == 12
    s.train(18)
    assert s.history.costs == costs                       # bit for bit
    assert s.parameters() == final


def test_going_back_then_stepping_forgets_the_old_future():
    s = xor()
    s.train(10)
    s.goto(4)
    s.change_settings(learning_rate=0.5)
    assert s.history.length == 4
    s.step()
    assert s.history.length == 5


def test_settings_changes_are_replayed_from_the_history():
    s = xor()
    s.train(5)
    s.change_settings(learning_rate=8.0, loss="mae")
    s.train(5)
    s.change_settings(learning_rate=0.1)
    s.train(5)
    costs, final = list(s.history.costs), s.parameters()
    assert s.history.settings_at(7).loss == "mae" and s.history.settings_at(2).loss == "mse"
    s.goto(3)
    assert s.settings.learning_rate == 2.0      # the file's own value
    for _ in range(12):
        s.step()
    assert s.history.costs == costs and s.parameters() == final


def test_memory_policy_keeps_recent_states_and_sparse_checkpoints():
    s = xor()
    s.history = History(recent=50, every=20)
    s.rebuild()
    s.train(500)
    assert s.history.kept() <= 50 + 500 // 20 + 1
    reference = s.parameters()
    costs = list(s.history.costs)
    s.goto(137)                      # not a kept state: replayed from 120
    s.goto(500)
    assert s.parameters() == reference
    s.goto(137)
    s.train(363)
    assert s.history.costs == costs


def test_preview_does_not_move_and_goto_checks_its_range():
    s = xor()
    before = s.parameters()
    trace = s.preview()
    assert trace.step == 1 and s.iteration == 0 and s.parameters() == before
    with pytest.raises(IndexError):
        s.goto(3)


def test_divergence_keeps_the_session_at_the_last_finite_state():
    s = Session.from_loaded(load(examples_dir() / "single-weight-regression.bpsim.json"))
    s.change_settings(learning_rate=1.0)     # |1 − η·2Σx²| = 59 > 1: it blows up
    run = s.train(1000)
    assert run.stopped == "diverged" and s.diverged
    assert all(np.isfinite(list(s.parameters().values())))


def test_trained_document_holds_current_values_and_settings():
    s = xor()
    s.train(3)
    s.change_settings(learning_rate=0.25)
    doc = s.trained_document()
    assert doc.training.learning_rate == 0.25
    assert doc.edges[0].weight == s.parameters()["w:x1->h1"]
    assert s.document.edges[0].weight != doc.edges[0].weight   # the session's own is untouched


def test_extend_keeps_what_appending_one_by_one_keeps():
    """A training process's batches go in with extend: the same costs, the
    same states kept (the recent ones, then one in every), across the edge
    of the recent window."""
    from bpsim.engine import Settings, TrainState
    states = [TrainState(np.array([float(k)])) for k in range(1, 351)]
    one, batch = History(recent=50, every=10), History(recent=50, every=10)
    for h in (one, batch):
        h.start(TrainState(np.array([0.0])), Settings())
    for k, st in enumerate(states):
        one.append(float(k), None, st, None, k)
    for start in range(0, 350, 37):                  # batches of uneven size
        part = states[start:start + 37]
        batch.extend([float(k) for k in range(start, start + len(part))], [None] * len(part),
                     part, [None] * len(part), list(range(start, start + len(part))))
    assert batch.costs == one.costs and batch.epochs == one.epochs
    assert sorted(k for k, _ in batch.kept_items()) == sorted(k for k, _ in one.kept_items())
