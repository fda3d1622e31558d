"""``Trainer.run`` takes its steps without making their records when no
``on_step`` watches them.  Whatever the run meets — mini-batches, held-out
rows, every optimizer and loss, epsilon, a divergence, a non-finite number
that sends a step through the exact pass — its numbers are bit for bit those
of the watched run and of ``Trainer.step`` taken one by one."""
import json

import numpy as np
import pytest

from bpsim.document import loads
from bpsim.engine.losses import LOSSES, loss_value_and_grad, reduction_count
from bpsim.session import Session

from .test_non_finite import dead_end_log
from .test_random_dags import random_net


def layered(output="identity", test_fraction=0.0, rows=37, **training) -> Session:
    """A 2-4-2-1 tanh net on smooth data (targets in [0.1, 0.9])."""
    rng = np.random.default_rng(3)
    x = rng.uniform(-1.0, 1.0, size=(rows, 2))
    t = 0.5 + 0.2 * (np.sin(np.pi * x[:, 0]) + x[:, 1])
    layers = [["x1", "x2"], ["h1", "h2", "h3", "h4"], ["g1", "g2"], ["o"]]
    nodes = [{"id": i, "kind": "input"} for i in layers[0]]
    nodes += [{"id": i, "kind": "neuron", "activation": "tanh"} for i in layers[1] + layers[2]]
    nodes += [{"id": "o", "kind": "neuron", "activation": output}]
    edges = [{"from": a, "to": b} for lo, up in zip(layers, layers[1:]) for b in up for a in lo]
    data = {"inputs": layers[0], "targets": ["o"], "rows": np.column_stack([x, t]).tolist()}
    if test_fraction:
        data["test_fraction"] = test_fraction
    net = {"format": "bpsim", "version": 1, "nodes": nodes, "edges": edges, "outputs": ["o"],
           "loss": {"kind": "mse", "reduction": "mean"},
           "training": {"learning_rate": 0.1, "seed": 1, **training}, "data": data}
    return Session.from_loaded(loads(json.dumps(net)))


def fingerprint(run) -> tuple:
    """Everything a run hands back, as bytes where it holds floats."""
    s = run.state
    opt = s.optimizer
    arrays = [None if a is None else a.tobytes() for a in (opt.velocity, opt.m, opt.v)]
    return (np.array(run.costs).tobytes(), np.array(run.test_costs).tobytes(), run.stopped,
            s.theta.tobytes(), *arrays, opt.t, s.position, s.step)


def stepped(trainer, state, settings, steps: int, use_epsilon: bool = True):
    """The run as the watched loop takes it."""
    return trainer.run(state, settings, steps, use_epsilon, on_step=lambda result: None)


def assert_same_runs(session, settings, steps: int = 25) -> None:
    trainer, state = session.trainer, session.state
    for use_epsilon in (True, False):
        quiet = trainer.run(state, settings, steps, use_epsilon)
        watched = stepped(trainer, state, settings, steps, use_epsilon)
        assert fingerprint(quiet) == fingerprint(watched)


SETTINGS = [
    {},
    {"batch": 5},
    {"batch": 5, "shuffle": True, "optimizer": "momentum"},
    {"batch": "sgd", "shuffle": True, "optimizer": "adam", "learning_rate": 0.01},
    {"batch": 8, "regularization": "l2", "lam": 0.01},
    {"regularization": "l1", "lam": 0.01, "optimizer": "adam"},
    {"loss": "mae", "reduction": "sum"},
    {"loss": "bce", "batch": 6},
    {"loss": "hinge"},
    {"loss": "none"},
    {"epsilon": 0.02},
    {"epsilon": 0.02, "batch": 7, "max_steps": 3},
    {"learning_rate": 1e6, "optimizer": "momentum"},     # diverges: the update overflows
    {"learning_rate": 1e308},
]


@pytest.mark.parametrize("changes", SETTINGS)
@pytest.mark.parametrize("output, test_fraction", [("identity", 0.0), ("sigmoid", 0.25)])
def test_an_unwatched_run_is_the_watched_run(changes, output, test_fraction):
    s = layered(output, test_fraction)
    assert_same_runs(s, s.settings.with_(**changes))


def test_an_unwatched_run_is_steps_taken_one_by_one():
    s = layered("sigmoid", 0.2)
    settings = s.settings.with_(batch=4, shuffle=True, optimizer="adam", learning_rate=0.02)
    run = s.trainer.run(s.state, settings, 30)
    state, costs, tests = s.state, [], []
    for _ in range(30):
        result = s.trainer.step(state, settings)
        costs.append(result.cost)
        tests.append(result.test_cost)
        state = result.after
    assert np.array(run.costs).tobytes() == np.array(costs).tobytes()
    assert np.array(run.test_costs).tobytes() == np.array(tests).tobytes()
    assert run.state.theta.tobytes() == state.theta.tobytes()
    assert run.state.position == state.position and run.state.step == state.step == 30


def test_a_divergence_ends_the_run_at_the_last_finite_state():
    s = layered()
    settings = s.settings.with_(learning_rate=1e6, optimizer="momentum")
    run = s.trainer.run(s.state, settings, 50)
    assert run.stopped == "diverged"
    assert np.isfinite(run.state.theta).all() and run.state.step == len(run.costs) - 1
    assert fingerprint(run) == fingerprint(stepped(s.trainer, s.state, settings, 50))


def test_a_run_without_a_step_hands_back_its_state():
    s = layered()
    assert s.trainer.run(s.state, s.settings, 0).state is s.state
    settings = s.settings.with_(learning_rate=float("inf"))     # the first update is not finite
    run = s.trainer.run(s.state, settings, 5)
    assert run.stopped == "diverged" and run.state is s.state


def test_steps_through_the_exact_pass_are_the_watched_ones():
    """A nan in a dead end reaches the output through the dense product at
    every step: each is passed again exactly, and training goes on."""
    s = dead_end_log()
    run = s.trainer.run(s.state, s.settings, 6)
    assert run.stopped == "max_steps" and run.costs[0] == -2.0
    for optimizer in ("gd", "momentum", "adam"):
        settings = s.settings.with_(optimizer=optimizer)
        run = s.trainer.run(s.state, settings, 6)
        assert fingerprint(run) == fingerprint(stepped(s.trainer, s.state, settings, 6))


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_run_alike_watched_or_not(seed):
    s = Session.from_loaded(loads(json.dumps(random_net(seed))))
    for changes in ({}, {"batch": 2, "optimizer": "adam"}, {"learning_rate": 100.0},
                    {"loss": "bce", "batch": "sgd", "shuffle": True}):
        assert_same_runs(s, s.settings.with_(**changes), steps=12)


@pytest.mark.parametrize("kind", sorted(set(LOSSES) - {"mse"}))
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_the_loss_of_a_step_is_its_table_entry(kind, reduction):
    """loss_value_and_grad, with its own way for bce, gives the numbers of
    the loss's per-element formulas (the trace's).  (mse's own way sums
    by a dot product: its numbers are its own.)"""
    rng = np.random.default_rng(7)
    y = np.concatenate([rng.uniform(0.0, 1.0, (2, 9)), [[0.0] * 9], [[1.0] * 9]])
    y[0, :3] = [-0.5, 1.5, np.nan]      # outside [0, 1]: bce is not finite there
    t = rng.uniform(0.0, 1.0, y.shape)
    loss = LOSSES[kind]
    with np.errstate(all="ignore"):
        value, dy = loss_value_and_grad(loss, reduction, y, t)
        count = reduction_count(loss, *y.shape, reduction)
        table_value = float(np.sum(loss.elements(y, t))) / count
        table_dy = loss.grad(y, t) / count
    assert np.float64(value).tobytes() == np.float64(table_value).tobytes()
    assert dy.tobytes() == table_dy.tobytes()
