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


def _history(costs, steps_per_epoch=1) -> History:
    h = History()
    h.costs = list(costs)
    h.epochs = [i // steps_per_epoch for i in range(len(costs))]
    return h


def test_a_cost_climbing_as_a_diverging_run_does_is_told_apart():
    from bpsim.session.history import RISE_FACTOR, RISE_RUN
    climb = [1.0, 0.5] + [0.5 * 1.3 ** k for k in range(1, 8)]     # 7 rises, to 6.3x
    rise = _history(climb).rise(len(climb))
    assert rise is not None and rise.run == 7 and not rise.per_epoch
    assert rise.factor == pytest.approx(1.3 ** 7)
    # up to an earlier iteration (a rewind): only the rises up to there
    assert _history(climb).rise(RISE_RUN + 1) is None
    assert _history(climb).rise(RISE_RUN + 2).run == RISE_RUN
    # rising in a row, but by little (a run settling with momentum): nothing to say
    slow = [1.0] + [1.0 + 0.01 * k for k in range(1, 10)]
    assert _history(slow).rise(len(slow)) is None and slow[-1] < RISE_FACTOR * slow[0]
    # one fall breaks the climb
    broken = climb[:6] + [climb[5] * 0.99] + [climb[5] * 1.5 ** k for k in range(1, 4)]
    assert _history(broken).rise(len(broken)) is None
    # overflowed: said elsewhere (diverged); a non-finite cost ends the climb
    assert _history(climb + [float("inf")]).rise(len(climb) + 1) is None


def test_mini_batch_costs_are_compared_as_whole_epochs_means():
    """A mini-batch's cost goes up and down by itself: five rising batches in
    a row are not a diverging run, five rising epoch means are."""
    noisy = [1.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] * 3      # rises inside each epoch
    assert _history(noisy, steps_per_epoch=8).rise(len(noisy)) is None
    means = [1.0, 0.5, 0.6, 0.8, 1.0, 1.2, 1.5]
    costs = [m + d for m in means for d in (-0.1, 0.1, 0.0)] + [9.0]   # an epoch under way
    rise = _history(costs, steps_per_epoch=3).rise(len(costs))
    assert rise is not None and rise.per_epoch and rise.run == 5
    assert rise.factor == pytest.approx(1.5 / 0.5)
