"""Every local derivative's rule, written with the numbers in, evaluates to
the derivative the engine computed (issue 19: the rule comes from the same
table as the function, so the two cannot drift)."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from bpsim.engine import ACTIVATIONS, GATES
from bpsim.engine.losses import LOSSES, PENALTIES


def write(v) -> str:
    """A value as the explanation writes a factor, at full precision."""
    x = float(np.atleast_1d(v)[0])
    s = repr(x)
    return f"({s})" if x < 0 else s


def evaluate(expr: str) -> float:
    """The numbers of a rule, as Python: its signs are the notes'."""
    py = expr.replace("−", "-").replace("·", "*").replace("²", "**2").replace("^", "**")
    py = py.replace("σ(", "sigmoid(").replace("√", "sqrt")
    py = re.sub(r"sqrt(\(?[-+\d.e]+\)?)", r"sqrt(\1)", py)
    py = py.replace("e**(", "exp(")
    return float(eval(py, {"exp": math.exp, "sqrt": math.sqrt, "sign": np.sign,
                           "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x))}))


SAMPLES = (-1.7, -0.3, 0.45, 1.2, 2.5)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_an_activations_rule_with_its_numbers_is_its_derivative(name):
    act = ACTIVATIONS[name]
    assert act.rule and act.rule.format(z="z")
    for z0 in SAMPLES:
        z = np.array([z0])
        a = act.value(z, np.empty(1))
        grad = act.grad(z, a, np.empty(1))[0]
        if act.rule_numbers is None:      # a constant or a case: the rule says which
            continue
        assert evaluate(act.rule_numbers(z, a, write)) == pytest.approx(grad, rel=1e-9, abs=1e-12)


def _gate_inputs(gate, x0: float) -> list[np.ndarray]:
    if gate.arity == "unary":
        return [np.array([abs(x0) + 0.1 if gate.name in ("log",) else x0])]
    return [np.array([x0]), np.array([0.7]), np.array([-1.3])]


@pytest.mark.parametrize("name", sorted(GATES))
def test_a_gates_rule_with_its_numbers_is_its_local_derivative(name):
    gate = GATES[name]
    c = 1.5 if gate.needs_value else None
    for x0 in SAMPLES:
        xs = _gate_inputs(gate, x0)
        out = gate.forward(xs, c)
        local = gate.local(xs, out, c)
        names = [f"x{k}" for k in range(len(xs))]
        for i in range(len(xs)):
            assert gate.local_symbol(names, i, "c")
            if gate.local_numbers is None:
                continue
            numbers = gate.local_numbers(xs, i, out, c, write)
            if numbers is None:            # the rule is the answer as it stands (a product's one other factor)
                continue
            assert evaluate(numbers) == pytest.approx(local[i][0], rel=1e-9, abs=1e-12)


def test_gates_whose_rule_is_a_number_or_a_case_say_so_in_the_rule():
    names = ["x", "y"]
    assert GATES["add"].local_symbol(names, 0, "") == "1"
    assert GATES["neg"].local_symbol(["x"], 0, "") == "−1"
    assert GATES["offset"].local_symbol(["x"], 0, "2") == "1"
    assert GATES["scale"].local_symbol(["x"], 0, "2") == "2"
    assert GATES["max"].local_symbol(names, 1, "") == "1 if y is the first maximum, else 0"
    assert GATES["relu"].local_symbol(["x"], 0, "") == "1 if x > 0, else 0"
    assert GATES["mul"].local_symbol(["x", "y", "z"], 1, "") == "x·z"
    assert GATES["inv"].local_symbol(["p"], 0, "") == "−1/p²"


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_a_losss_rule_with_its_numbers_is_its_derivative(name):
    loss = LOSSES[name]
    assert loss.rule
    if name in ("hinge", "perceptron"):
        t = np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]])
    elif name == "softmax_ce":
        t = np.array([[1.0, 0.0, 0.3], [0.0, 1.0, 0.7]])
    else:
        t = np.array([[1.0, 0.0, 0.25], [0.0, 1.0, 0.75]])
    y = np.array([[0.73, 0.2, 0.41], [0.35, 0.9, 0.66]])
    grad = loss.grad(y, t)
    if loss.rule_numbers is None:
        return
    for k in range(2):
        for sample in range(3):
            numbers = loss.rule_numbers(y[:, sample:sample + 1], t[:, sample:sample + 1], k,
                                        write)
            assert evaluate(numbers) == pytest.approx(grad[k, sample], rel=1e-9)


@pytest.mark.parametrize("name", sorted(PENALTIES))
def test_a_penaltys_rule_with_its_numbers_is_its_gradient(name):
    penalty = PENALTIES[name]
    w = np.array([0.5, -1.25, 2.0])
    grad = penalty.grad(0.1, w)
    for k in range(3):
        assert evaluate(penalty.rule_numbers(0.1, w[k], write)) == pytest.approx(grad[k],
                                                                                 rel=1e-9)
