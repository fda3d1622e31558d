"""A nan or inf in one node stays where the graph takes it: the dense
products of a level never hand it to nodes that do not read it (0·inf is
nan), and a dead end sends nothing back."""
import json

import numpy as np
import pytest

from bpsim.document import loads
from bpsim.engine.landscape import landscape, outputs_over
from bpsim.session import Session


def session(nodes, edges, outputs=("y",), **extra):
    net = {"format": "bpsim", "version": 1, "nodes": nodes, "edges": edges,
           "outputs": list(outputs), **extra}
    return Session.from_loaded(loads(json.dumps(net)))


def dead_end_log():
    """x = −1 feeds log (nan, a dead end) and, through h, the output y."""
    return session(
        [{"id": "x", "kind": "input", "value": -1}, {"id": "l", "kind": "op", "op": "log"},
         {"id": "h", "kind": "neuron", "bias": 0}, {"id": "y", "kind": "neuron", "bias": 0}],
        [{"from": "x", "to": "l"}, {"from": "x", "to": "h", "weight": 1},
         {"from": "h", "to": "y", "weight": 2}])


def test_a_nan_in_a_dead_end_does_not_reach_the_next_level():
    s = dead_end_log()
    result = s.trainer.step(s.state, s.settings)
    assert not result.diverged
    assert result.cost == -2.0
    grads = dict(zip(s.param_names, s.trainer.named(result.evaluation.grad)))
    assert grads == {"w:x->h": -2.0, "b:h": 2.0, "w:h->y": -1.0, "b:y": 1.0}
    p = s.trainer.last_pass
    c = s.trainer.compiled
    row = {nid: c.row[c.index[nid]] for nid in ("x", "l", "h", "y")}
    assert np.isnan(p.A[row["l"]]).all()
    assert p.A[row["h"]][0] == -1.0 and p.A[row["y"]][0] == -2.0
    assert p.dA[row["x"]][0] == 2.0           # through h only: the dead end sends nothing
    run = s.trainer.run(s.state, s.settings, 3)
    assert run.stopped == "max_steps" and all(np.isfinite(run.costs))


def test_a_nan_delta_of_a_dead_neuron_does_not_reach_other_sources():
    """d reads the nan of log and feeds nothing: its δ is nan·0; the sources
    of its level that it does not read keep their finite gradients."""
    s = session(
        [{"id": "x", "kind": "input", "value": -1}, {"id": "u", "kind": "input", "value": 0.5},
         {"id": "l", "kind": "op", "op": "log"},
         {"id": "d", "kind": "neuron", "bias": 0, "activation": "tanh"},
         {"id": "y", "kind": "neuron", "bias": 0.25}],
        [{"from": "x", "to": "l"}, {"from": "l", "to": "d", "weight": 1},
         {"from": "u", "to": "y", "weight": 3}])
    result = s.trainer.step(s.state, s.settings)
    assert not result.diverged and result.cost == pytest.approx(1.75)
    grads = dict(zip(s.param_names, s.trainer.named(result.evaluation.grad)))
    assert grads["w:u->y"] == 0.5 and grads["b:y"] == 1.0
    assert grads["w:l->d"] == 0.0 and grads["b:d"] == 0.0      # a dead end: ∂C/∂w = 0
    c = s.trainer.compiled
    assert s.trainer.last_pass.dA[c.row[c.index["u"]]][0] == 3.0


def test_a_real_divergence_still_diverges():
    """The nan reaches the output through connected nodes: the step diverges."""
    s = session(
        [{"id": "x", "kind": "input", "value": -1}, {"id": "l", "kind": "op", "op": "log"},
         {"id": "y", "kind": "neuron", "bias": 0}],
        [{"from": "x", "to": "l"}, {"from": "l", "to": "y", "weight": 1}])
    assert s.trainer.step(s.state, s.settings).diverged
    assert s.trainer.run(s.state, s.settings, 5).stopped == "diverged"


def test_plots_evaluate_past_a_dead_end_nan():
    s = dead_end_log()
    grid = landscape(s.trainer, s.state.theta, s.settings, ("w:x->h", "w:h->y"),
                     (np.array([0.5, 1.0]), np.array([1.0, 2.0])))
    np.testing.assert_array_equal(grid, [[-0.5, -1.0], [-1.0, -2.0]])    # y = −w₁·w₂
    out = outputs_over(s.trainer, s.state.theta, np.zeros((3, 0)), ["y", "l"])   # no data
    np.testing.assert_array_equal(out["y"], [-2.0, -2.0, -2.0])
    assert np.isnan(out["l"]).all()


def test_a_dead_end_with_an_infinite_local_derivative_sends_nothing_back():
    """1/x of a step unit that is 0: inf, and its local derivative −inf.
    Nothing depends on it, so it sends back 0, not −inf·0 = nan: the step
    unit's weights get gradient 0 and training goes on."""
    s = session(
        [{"id": "x", "kind": "input", "value": -1.0},
         {"id": "s", "kind": "neuron", "activation": "step", "bias": 0},
         {"id": "r", "kind": "op", "op": "inv"},
         {"id": "p", "kind": "param", "value": 0.5},
         {"id": "y", "kind": "neuron", "bias": 0}],
        [{"from": "x", "to": "s", "weight": 1}, {"from": "s", "to": "r"},
         {"from": "p", "to": "y", "weight": 2}],
        training={"optimizer": "momentum", "learning_rate": 0.1})
    result = s.trainer.step(s.state, s.settings)
    assert not result.diverged and result.cost == 1.0
    grads = dict(zip(s.param_names, s.trainer.named(result.evaluation.grad)))
    assert grads == {"w:x->s": 0.0, "b:s": 0.0, "p:p": 2.0, "w:p->y": 0.5, "b:y": 1.0}
    c = s.trainer.compiled
    assert np.isinf(s.trainer.last_pass.A[c.row[c.index["r"]]]).all()
    assert s.trainer.run(s.state, s.settings, 4).stopped == "max_steps"
