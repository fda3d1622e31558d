"""Activations and gates: each defines its value and its local derivative here,
in one place, together with the symbols the trace prints.

Every function works on float64 arrays and may be given ``out`` buffers so the
training loop allocates nothing.  Derivative conventions follow the contract
(PyTorch's): relu' = 0 at z <= 0, leaky_relu slope 0.01 at z <= 0, step' = 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01


def _sigmoid(z, out):
    # 1/(1+e^-z): exp overflows to inf for z < -709, giving exactly 0.
    with np.errstate(over="ignore"):
        np.negative(z, out=out)
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def _sigmoid_grad(z, a, out):
    np.subtract(1.0, a, out=out)
    return np.multiply(out, a, out=out)


def _tanh(z, out):
    return np.tanh(z, out=out)


def _tanh_grad(z, a, out):
    np.multiply(a, a, out=out)
    return np.subtract(1.0, out, out=out)


def _identity(z, out):
    np.copyto(out, z)
    return out


def _one(z, a, out):
    out.fill(1.0)
    return out


def _zero(z, a, out):
    out.fill(0.0)
    return out


def _relu(z, out):
    return np.maximum(z, 0.0, out=out)


def _relu_grad(z, a, out):
    return np.greater(z, 0.0, out=out, casting="unsafe")


def _leaky_relu(z, out):
    np.multiply(z, LEAKY_SLOPE, out=out)
    # For z <= 0, 0.01·z >= z; above 0 the other way round.
    return np.maximum(z, out, out=out)


def _leaky_relu_grad(z, a, out):
    np.copyto(out, np.where(z > 0.0, 1.0, LEAKY_SLOPE))
    return out


def _softplus(z, out):
    # max(z, 0) + log1p(e^-|z|): exact and never overflows.
    np.abs(z, out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(z, 0.0)
    return out


def _softplus_grad(z, a, out):
    return _sigmoid(z, out)


def _step(z, out):
    return np.greater(z, 0.0, out=out, casting="unsafe")


# A local derivative's rule is written twice, beside the function that
# computes it: in symbols (a template whose {z}, {x}, … the explanation fills
# with the operand's name), and with the numbers in, by a function given the
# operand values and ``write``, which writes a value (or a batch's values) as
# a factor.  The numbers' expression, evaluated, is the derivative the
# function computes (tests/engine/test_rules.py); None where there is
# nothing to substitute (a constant, or a case: the rule says which).
Write = Callable[[object], str]


@dataclass(frozen=True)
class Activation:
    """A neuron's φ with its derivative φ'(z) (given z and a = φ(z))."""

    name: str
    value: Callable
    grad: Callable
    formula: str        # φ(z) written out, for the trace
    rule: str           # φ′(z) in {z}, as the notes write it
    rule_numbers: Callable[[np.ndarray, np.ndarray, Write], str] | None   # (z, a, write)
    symbol: str = ""    # φ's name in a formula, as a lecturer writes it: σ, tanh
    short: str = ""     # its name under a neuron on the canvas: σ, ReLU


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("identity", _identity, _one, "z", "1", None, "id", "id"),
        Activation("sigmoid", _sigmoid, _sigmoid_grad, "1/(1+e^(−z))",
                   "σ({z})·(1 − σ({z}))", lambda z, a, w: f"{w(a)}·{w(1.0 - a)}", "σ", "σ"),
        Activation("tanh", _tanh, _tanh_grad, "tanh(z)",
                   "1 − tanh²({z})", lambda z, a, w: f"1 − {w(a)}²", "tanh", "tanh"),
        Activation("relu", _relu, _relu_grad, "max(0, z)", "1 if {z} > 0, else 0", None,
                   "relu", "ReLU"),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_grad,
                   "z if z > 0 else 0.01·z", "1 if {z} > 0, else 0.01", None, "lrelu", "lReLU"),
        Activation("softplus", _softplus, _softplus_grad, "ln(1+e^z)",
                   "σ({z}) = 1/(1 + e^(−{z}))", lambda z, a, w: f"1/(1 + e^(−{w(z)}))",
                   "softplus", "sp"),
        Activation("step", _step, _zero, "1 if z > 0 else 0", "0", None, "step", "step"),
    )
}



# --- gates ----------------------------------------------------------------

def _n_ary_mul_grads(xs: list[np.ndarray]) -> list[np.ndarray]:
    # Product of the others by prefix and suffix products: no division, so a
    # zero input still gets its exact gradient.
    n = len(xs)
    prefix = [np.ones_like(xs[0])]
    for x in xs[:-1]:
        prefix.append(prefix[-1] * x)
    grads = [None] * n
    suffix = np.ones_like(xs[0])
    for i in range(n - 1, -1, -1):
        grads[i] = prefix[i] * suffix
        suffix = suffix * xs[i]
    return grads


def _max_grads(xs, out, c):
    # The gradient goes to the first maximal input (argmax picks the first).
    stacked = np.stack(xs)
    first = np.argmax(stacked, axis=0)
    return [(first == i).astype(np.float64) for i in range(len(xs))]


@dataclass(frozen=True)
class Gate:
    """An ``op`` node: out = f(inputs) and ∂out/∂input_i for each input.

    ``forward(xs, c)`` takes the list of input arrays (edge order) and the
    node's ``value`` constant; ``local(xs, out, c)`` returns one array per
    input.  ``symbol`` renders the formula from the input names.
    """

    name: str
    arity: str          # "unary" or "n-ary"
    forward: Callable
    local: Callable
    symbol: Callable[[list[str], str], str]
    local_symbol: Callable[[list[str], int, str], str]   # ∂out/∂input_i in the names: the rule
    # the rule with the numbers in: (inputs, i, out, constant, write)
    local_numbers: Callable[[list, int, np.ndarray, float, Write], str] | None = None
    needs_value: bool = False
    label: str = ""     # the gate's sign inside its node on the canvas, and in menus


def _u(f):
    """Adapt a unary array function to the gates' list-of-inputs signature."""
    return lambda xs, c: f(xs[0], c)


def _join(sep):
    return lambda names, c: sep.join(names)


def _others(xs, i, out, c, w):
    """A product's other factors, when there are two or more of them (one is
    the rule's answer as it stands)."""
    others = [w(x) for j, x in enumerate(xs) if j != i]
    return "·".join(others) if len(others) > 1 else None


def _power(w: Write, x) -> str:
    """``x`` as an exponent's argument, always in parentheses: e^(1.5)."""
    s = w(x)
    return s if s.startswith("(") else f"({s})"


GATES: dict[str, Gate] = {
    g.name: g
    for g in (
        Gate("add", "n-ary",
             lambda xs, c: np.sum(xs, axis=0) if len(xs) > 1 else xs[0].copy(),
             lambda xs, out, c: [np.ones_like(out) for _ in xs],
             _join(" + "), lambda names, i, c: "1", label="+"),
        Gate("mul", "n-ary",
             lambda xs, c: np.prod(xs, axis=0) if len(xs) > 1 else xs[0].copy(),
             lambda xs, out, c: _n_ary_mul_grads(xs),
             _join("·"),
             lambda names, i, c: "·".join(n for j, n in enumerate(names) if j != i) or "1",
             _others, label="×"),
        Gate("max", "n-ary",
             lambda xs, c: np.max(xs, axis=0) if len(xs) > 1 else xs[0].copy(),
             _max_grads,
             lambda names, c: f"max({', '.join(names)})",
             lambda names, i, c: f"1 if {names[i]} is the first maximum, else 0", label="max"),
        Gate("neg", "unary", _u(lambda x, c: -x), lambda xs, out, c: [np.full_like(out, -1.0)],
             lambda n, c: f"−{n[0]}", lambda n, i, c: "−1", label="−x"),
        Gate("inv", "unary", _u(lambda x, c: 1.0 / x), lambda xs, out, c: [-(out * out)],
             lambda n, c: f"1/{n[0]}", lambda n, i, c: f"−1/{n[0]}²",
             lambda xs, i, out, c, w: f"−1/{w(xs[0])}²", label="1/x"),
        Gate("exp", "unary", _u(lambda x, c: np.exp(x)), lambda xs, out, c: [out.copy()],
             lambda n, c: f"e^{n[0]}", lambda n, i, c: f"e^{n[0]}",
             lambda xs, i, out, c, w: f"e^{_power(w, xs[0])}", label="exp"),
        Gate("log", "unary", _u(lambda x, c: np.log(x)), lambda xs, out, c: [1.0 / xs[0]],
             lambda n, c: f"ln({n[0]})", lambda n, i, c: f"1/{n[0]}",
             lambda xs, i, out, c, w: f"1/{w(xs[0])}", label="ln"),
        Gate("square", "unary", _u(lambda x, c: x * x), lambda xs, out, c: [2.0 * xs[0]],
             lambda n, c: f"{n[0]}²", lambda n, i, c: f"2·{n[0]}",
             lambda xs, i, out, c, w: f"2·{w(xs[0])}", label="x²"),
        Gate("sigmoid", "unary", _u(lambda x, c: _sigmoid(x, np.empty_like(x))),
             lambda xs, out, c: [out * (1.0 - out)],
             lambda n, c: f"σ({n[0]})", lambda n, i, c: f"σ({n[0]})·(1 − σ({n[0]}))",
             lambda xs, i, out, c, w: f"{w(out)}·{w(1.0 - out)}", label="σ"),
        Gate("tanh", "unary", _u(lambda x, c: np.tanh(x)), lambda xs, out, c: [1.0 - out * out],
             lambda n, c: f"tanh({n[0]})", lambda n, i, c: f"1 − tanh²({n[0]})",
             lambda xs, i, out, c, w: f"1 − {w(out)}²", label="tanh"),
        Gate("relu", "unary", _u(lambda x, c: np.maximum(x, 0.0)),
             lambda xs, out, c: [(xs[0] > 0.0).astype(np.float64)],
             lambda n, c: f"max(0, {n[0]})", lambda n, i, c: f"1 if {n[0]} > 0, else 0",
             label="relu"),
        Gate("scale", "unary", _u(lambda x, c: c * x), lambda xs, out, c: [np.full_like(out, c)],
             lambda n, c: f"{c}·{n[0]}", lambda n, i, c: f"{c}", needs_value=True, label="·c"),
        Gate("offset", "unary", _u(lambda x, c: x + c), lambda xs, out, c: [np.ones_like(out)],
             lambda n, c: f"{n[0]} + {c}", lambda n, i, c: "1", needs_value=True, label="+c"),
    )
}
