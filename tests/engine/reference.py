"""A deliberately naive second implementation of contract §1, for tests only:
one sample at a time, one node at a time, Python floats, written from the
contract and not from the engine's tables."""
from __future__ import annotations

import math


def _sig(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


ACT = {
    "identity": (lambda z: z, lambda z: 1.0),
    "sigmoid": (_sig, lambda z: _sig(z) * (1 - _sig(z))),
    "tanh": (math.tanh, lambda z: 1 - math.tanh(z) ** 2),
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
    "leaky_relu": (lambda z: z if z > 0 else 0.01 * z, lambda z: 1.0 if z > 0 else 0.01),
    "softplus": (lambda z: math.log1p(math.exp(-abs(z))) + max(z, 0.0), _sig),
    "step": (lambda z: 1.0 if z > 0 else 0.0, lambda z: 0.0),
}


def gate(op, xs, c):
    """(value, [∂value/∂x_i])"""
    if op == "add":
        return sum(xs), [1.0] * len(xs)
    if op == "mul":
        p = math.prod(xs)
        return p, [math.prod(xs[:i] + xs[i + 1:]) for i in range(len(xs))]
    if op == "max":
        m = max(xs)
        first = xs.index(m)
        return m, [1.0 if i == first else 0.0 for i in range(len(xs))]
    x = xs[0]
    table = {
        "neg": lambda: (-x, [-1.0]), "inv": lambda: (1 / x, [-1 / x ** 2]),
        "exp": lambda: (math.exp(x), [math.exp(x)]), "log": lambda: (math.log(x), [1 / x]),
        "square": lambda: (x * x, [2 * x]),
        "sigmoid": lambda: (_sig(x), [_sig(x) * (1 - _sig(x))]),
        "tanh": lambda: (math.tanh(x), [1 - math.tanh(x) ** 2]),
        "relu": lambda: (max(x, 0.0), [1.0 if x > 0 else 0.0]),
        "scale": lambda: (c * x, [c]), "offset": lambda: (x + c, [1.0]),
    }
    return table[op]()


def topo(nodes, edges):
    ids = [n["id"] for n in nodes]
    preds = {i: [e["from"] for e in edges if e["to"] == i] for i in ids}
    done, order = set(), []

    def visit(i):
        if i in done:
            return
        for p in preds[i]:
            visit(p)
        done.add(i)
        order.append(i)
    for i in ids:
        visit(i)
    return order


def cost_and_grads(net: dict, X, T, loss="mse", reduction="mean", reg=("none", 0.0)):
    """Cost and ∂cost/∂(every parameter) for a file-format dict with all values given."""
    nodes = {n["id"]: n for n in net["nodes"]}
    edges = net["edges"]
    outputs = net["outputs"]
    inputs = net.get("data_inputs", [])
    order = topo(net["nodes"], edges)
    into = {i: [e for e in edges if e["to"] == i] for i in nodes}
    grads = {}
    for e in edges:
        if nodes[e["to"]]["kind"] == "neuron":
            grads[f"w:{e['from']}->{e['to']}"] = 0.0
    for i, n in nodes.items():
        if n["kind"] == "neuron":
            grads[f"b:{i}"] = 0.0
        if n["kind"] == "param":
            grads[f"p:{i}"] = 0.0
    m = len(X)
    count = 1.0 if reduction == "sum" else float(m * (1 if loss == "softmax_ce" else len(outputs)))
    total = 0.0
    for s in range(m):
        out, z, local = {}, {}, {}
        for i in order:
            n = nodes[i]
            if n["kind"] == "input":
                out[i] = X[s][inputs.index(i)] if i in inputs else n.get("value", 0.0)
            elif n["kind"] in ("const", "param"):
                out[i] = n["value"]
            elif n["kind"] == "neuron":
                z[i] = sum(e["weight"] * out[e["from"]] for e in into[i]) + n["bias"]
                out[i] = ACT[n.get("activation", "identity")][0](z[i])
            else:
                out[i], local[i] = gate(n["op"], [out[e["from"]] for e in into[i]],
                                        n.get("value", 0.0))
        dout = {i: 0.0 for i in nodes}
        for k, o in enumerate(outputs):
            y = out[o]
            t = T[s][k] if T is not None else None
            if loss == "mse":
                total += (y - t) ** 2
                dout[o] += 2 * (y - t) / count
            elif loss == "none":
                total += y
                dout[o] += 1 / count
            else:
                raise ValueError(loss)
        for i in reversed(order):
            n = nodes[i]
            if n["kind"] == "neuron":
                dz = ACT[n.get("activation", "identity")][1](z[i]) * dout[i]
                for e in into[i]:
                    grads[f"w:{e['from']}->{i}"] += out[e["from"]] * dz
                    dout[e["from"]] += e["weight"] * dz
                grads[f"b:{i}"] += dz
            elif n["kind"] == "op":
                for e, g in zip(into[i], local[i]):
                    dout[e["from"]] += g * dout[i]
            elif n["kind"] == "param":
                grads[f"p:{i}"] += dout[i]
    cost = total / count
    kind, lam = reg
    for e in edges:
        if nodes[e["to"]]["kind"] == "neuron" and kind != "none":
            w = e["weight"]
            name = f"w:{e['from']}->{e['to']}"
            if kind == "l2":
                cost += lam * w * w
                grads[name] += 2 * lam * w
            else:
                cost += lam * abs(w)
                grads[name] += lam * (0.0 if w == 0 else math.copysign(1.0, w))
    return cost, grads
