"""The landscape grid equals the cost evaluated point by point."""
import json

import numpy as np
import pytest

from bpsim.document import load, loads
from bpsim.engine.landscape import landscape
from bpsim.paths import examples_dir
from bpsim.session import Session

from .test_random_dags import random_net


def brute_force(s: Session, names, values):
    tr, theta = s.trainer, s.state.theta
    rows = np.arange(s.dataset.n_train)
    out = np.empty((len(values[1]), len(values[0])))
    pa, pb = (int(tr.compiled.param_theta[s.param_names.index(n)]) for n in names)
    for j, b in enumerate(values[1]):
        for i, a in enumerate(values[0]):
            t = theta.copy()
            t[pa], t[pb] = a, b
            out[j, i] = tr.evaluate(t, rows, s.settings).cost
    return out


def test_xor_landscape_matches_point_by_point():
    s = Session.from_loaded(load(examples_dir() / "xor-2-2-1.bpsim.json"))
    names = ("w:h1->o", "b:h2")
    values = (np.linspace(-2, 2, 7), np.linspace(-1, 1, 5))
    grid = landscape(s.trainer, s.state.theta, s.settings, names, values)
    np.testing.assert_allclose(grid, brute_force(s, names, values), rtol=1e-13)
    # the current point is on the grid: the cost there is the engine's cost
    here = landscape(s.trainer, s.state.theta, s.settings, names,
                     ([s.parameters()[names[0]]], [s.parameters()[names[1]]]))
    assert here[0, 0] == pytest.approx(s.preview().cost, rel=1e-14)


@pytest.mark.parametrize("seed", range(8))
def test_random_dags_with_params_and_penalties(seed):
    net = random_net(seed)
    s = Session.from_loaded(loads(json.dumps(net)))
    if len(s.param_names) < 2:
        pytest.skip("fewer than two parameters")
    names = (s.param_names[0], s.param_names[-1])
    values = (np.linspace(-1, 1, 4), np.linspace(-0.5, 0.5, 3))
    grid = landscape(s.trainer, s.state.theta, s.settings, names, values)
    np.testing.assert_allclose(grid, brute_force(s, names, values), rtol=1e-12, atol=1e-14)


def test_a_curve_over_one_parameter():
    s = Session.from_loaded(load(examples_dir() / "single-weight-regression.bpsim.json"))
    w = np.linspace(-1, 4, 11)
    curve = landscape(s.trainer, s.state.theta, s.settings, ("p:w",), (w,))
    rows = np.array(s.document.data.rows)
    x, y = rows[:, 0], rows[:, 1]
    np.testing.assert_allclose(curve, [np.sum((x * v - y) ** 2) for v in w], rtol=1e-13)
