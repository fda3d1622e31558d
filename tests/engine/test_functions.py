"""Every activation, gate and loss: values as defined, derivatives against
central finite differences."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpsim.engine.functions import ACTIVATIONS, GATES, LEAKY_SLOPE
from bpsim.engine.losses import LOSSES, loss_and_grad, penalty_and_grad

H = 1e-6
# Points away from every kink (0 for relu/step/max, ±1 for hinge) so central
# differences are exact to rounding.
Z = np.array([-3.1, -1.3, -0.4, 0.27, 0.9, 2.2, 4.5])


def act(name, z):
    return ACTIVATIONS[name].value(z, np.empty_like(z))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_derivative_matches_finite_differences(name):
    a = act(name, Z)
    analytic = ACTIVATIONS[name].grad(Z, a, np.empty_like(Z))
    numeric = (act(name, Z + H) - act(name, Z - H)) / (2 * H)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-9)


def test_activation_values_are_the_textbook_ones():
    np.testing.assert_allclose(act("sigmoid", Z), 1 / (1 + np.exp(-Z)), rtol=1e-15)
    np.testing.assert_allclose(act("tanh", Z), np.tanh(Z), rtol=1e-15)
    np.testing.assert_array_equal(act("relu", Z), np.maximum(Z, 0))
    np.testing.assert_array_equal(act("leaky_relu", Z), np.where(Z > 0, Z, LEAKY_SLOPE * Z))
    np.testing.assert_allclose(act("softplus", Z), np.log1p(np.exp(Z)), rtol=1e-14)
    np.testing.assert_array_equal(act("step", Z), (Z > 0).astype(float))
    np.testing.assert_array_equal(act("identity", Z), Z)


def test_kink_conventions_follow_pytorch():
    z = np.array([0.0, -0.0, 1e-300])
    relu_grad = ACTIVATIONS["relu"].grad(z, act("relu", z), np.empty(3))
    np.testing.assert_array_equal(relu_grad, [0.0, 0.0, 1.0])
    leaky = ACTIVATIONS["leaky_relu"].grad(z, act("leaky_relu", z), np.empty(3))
    np.testing.assert_array_equal(leaky, [LEAKY_SLOPE, LEAKY_SLOPE, 1.0])
    step = ACTIVATIONS["step"].grad(z, act("step", z), np.empty(3))
    np.testing.assert_array_equal(step, [0.0, 0.0, 0.0])


def test_softplus_and_sigmoid_do_not_overflow():
    z = np.array([-1000.0, -50.0, 50.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):   # underflow to 0 is exact enough
        sp = act("softplus", z)
    np.testing.assert_allclose(sp, [0.0, np.exp(-50.0), 50.0, 1000.0], rtol=1e-15, atol=0)
    s = act("sigmoid", z)
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[-1] == 1.0


@settings(max_examples=60, deadline=None)
@given(st.floats(-30, 30).filter(lambda v: abs(v) > 1e-3))
def test_activation_derivatives_property(z):
    zs = np.array([z])
    for name, a in ACTIVATIONS.items():
        analytic = a.grad(zs, act(name, zs), np.empty(1))[0]
        numeric = (act(name, zs + 1e-7)[0] - act(name, zs - 1e-7)[0]) / 2e-7
        assert analytic == pytest.approx(numeric, rel=1e-5, abs=1e-7), name


def _gate_inputs(name):
    rng = np.random.default_rng(7)
    k = 3 if GATES[name].arity == "n-ary" else 1
    xs = [rng.uniform(0.3, 2.0, 5) * rng.choice([-1, 1], 5) for _ in range(k)]
    if name in ("log",):
        xs = [np.abs(x) for x in xs]
    return xs


@pytest.mark.parametrize("name", list(GATES))
def test_gate_local_derivatives_match_finite_differences(name):
    gate = GATES[name]
    c = 1.7
    xs = _gate_inputs(name)
    out = gate.forward(xs, c)
    locals_ = gate.local(xs, out, c)
    assert len(locals_) == len(xs)
    for i in range(len(xs)):
        plus = [x.copy() for x in xs]
        minus = [x.copy() for x in xs]
        plus[i] += H
        minus[i] -= H
        numeric = (gate.forward(plus, c) - gate.forward(minus, c)) / (2 * H)
        np.testing.assert_allclose(locals_[i], numeric, rtol=1e-6, atol=1e-9)


def test_gate_values():
    x, y, z = np.array([-2.0]), np.array([5.0]), np.array([-4.0])
    assert GATES["add"].forward([x, y], 0)[0] == 3.0
    assert GATES["mul"].forward([x, y, z], 0)[0] == 40.0
    assert GATES["max"].forward([x, y, z], 0)[0] == 5.0
    assert GATES["inv"].forward([z], 0)[0] == -0.25
    assert GATES["scale"].forward([x], 3.0)[0] == -6.0
    assert GATES["offset"].forward([x], 3.0)[0] == 1.0
    assert GATES["neg"].forward([x], 0)[0] == 2.0
    assert GATES["square"].forward([z], 0)[0] == 16.0


def test_max_gives_the_gradient_to_the_first_maximum():
    a, b, c = np.array([1.0, 3.0]), np.array([2.0, 3.0]), np.array([2.0, 0.0])
    grads = GATES["max"].local([a, b, c], GATES["max"].forward([a, b, c], 0), 0)
    # column 0: b and c tie at 2, b is first; column 1: a and b tie at 3, a is first
    np.testing.assert_array_equal(np.array(grads), [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])


def test_mul_gradient_is_exact_with_a_zero_input():
    xs = [np.array([0.0]), np.array([3.0]), np.array([-2.0])]
    grads = GATES["mul"].local(xs, GATES["mul"].forward(xs, 0), 0)
    assert [g[0] for g in grads] == [-6.0, 0.0, 0.0]


LOSS_CASES = {
    "none": (np.array([[0.3, -1.2, 2.0]]), None),
    "mse": (np.array([[0.3, -1.2, 2.0], [1.0, 0.5, -0.7]]),
            np.array([[0.0, -1.0, 2.5], [1.5, 0.2, 0.1]])),
    "mae": (np.array([[0.3, -1.2, 2.0]]), np.array([[0.0, -1.0, 2.5]])),
    "bce": (np.array([[0.2, 0.7, 0.55]]), np.array([[0.0, 1.0, 0.3]])),
    "softmax_ce": (np.array([[0.3, -1.2, 2.0], [1.0, 0.5, -0.7], [0.1, 0.1, 0.4]]),
                   np.array([[1.0, 0.0, 0.2], [0.0, 1.0, 0.5], [0.0, 0.0, 0.3]])),
    "hinge": (np.array([[0.3, -1.2, 2.0, 0.4]]), np.array([[1.0, -1.0, -1.0, -1.0]])),
    "perceptron": (np.array([[0.3, -1.2, 2.0, -0.4]]), np.array([[1.0, 1.0, -1.0, -1.0]])),
}


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_gradient_matches_finite_differences(name, reduction):
    y, t = LOSS_CASES[name]
    loss = LOSSES[name]
    _, total, dy = loss_and_grad(loss, reduction, y, t)
    numeric = np.zeros_like(y)
    for idx in np.ndindex(y.shape):
        plus, minus = y.copy(), y.copy()
        plus[idx] += H
        minus[idx] -= H
        numeric[idx] = (loss_and_grad(loss, reduction, plus, t)[1]
                        - loss_and_grad(loss, reduction, minus, t)[1]) / (2 * H)
    np.testing.assert_allclose(dy, numeric, rtol=1e-6, atol=1e-9)


def test_loss_values_and_reductions():
    y, t = LOSS_CASES["mse"]
    _, mean, _ = loss_and_grad(LOSSES["mse"], "mean", y, t)
    _, total, _ = loss_and_grad(LOSSES["mse"], "sum", y, t)
    assert mean == pytest.approx(np.mean((y - t) ** 2), rel=1e-15)
    assert total == pytest.approx(np.sum((y - t) ** 2), rel=1e-15)
    # softmax_ce's mean is over samples only
    y, t = LOSS_CASES["softmax_ce"]
    _, ce, _ = loss_and_grad(LOSSES["softmax_ce"], "mean", y, t)
    logp = y - np.log(np.exp(y).sum(axis=0))
    assert ce == pytest.approx(-(t * logp).sum() / y.shape[1], rel=1e-14)


def test_bce_clamps_like_pytorch_and_rejects_outside_unit_interval():
    y, t = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
    _, total, dy = loss_and_grad(LOSSES["bce"], "sum", y, t)
    assert total == 200.0   # each ln clamped at -100
    np.testing.assert_allclose(dy, [[-1e12, 1e12]])
    _, bad, _ = loss_and_grad(LOSSES["bce"], "mean", np.array([[1.5]]), np.array([[1.0]]))
    assert not np.isfinite(bad)


def test_hinge_and_perceptron_boundaries():
    y, t = np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]])
    _, _, dy = loss_and_grad(LOSSES["hinge"], "sum", y, t)
    np.testing.assert_array_equal(dy, [[0.0, -1.0]])   # t·y = 1 is not < 1
    _, _, dy = loss_and_grad(LOSSES["perceptron"], "sum", y, t)
    np.testing.assert_array_equal(dy, [[0.0, -1.0]])   # t·y = 0 is <= 0


def test_penalties():
    w = np.array([0.5, -2.0, 0.0])
    p, g = penalty_and_grad("l2", 0.1, w)
    assert p == pytest.approx(0.1 * 4.25) and np.allclose(g, [0.1, -0.4, 0.0])
    p, g = penalty_and_grad("l1", 0.1, w)
    assert p == pytest.approx(0.25) and np.array_equal(g, [0.1, -0.1, 0.0])
    assert penalty_and_grad("none", 0.1, w) == (0.0, None)
