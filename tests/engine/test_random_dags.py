"""Random DAGs — shared nodes, several outputs, neurons mixed with gates —
against a naive reference, central differences and, when installed, torch."""
import json

import numpy as np
import pytest

from bpsim.document import loads
from bpsim.session import Session

from . import reference

SMOOTH_ACTS = ["identity", "sigmoid", "tanh", "softplus"]
ALL_ACTS = SMOOTH_ACTS + ["relu", "leaky_relu"]
OPS_NARY = ["add", "mul", "max"]
OPS_UNARY = ["neg", "square", "sigmoid", "tanh", "scale", "offset", "exp", "relu"]


def random_net(seed: int, smooth: bool = False) -> dict:
    rng = np.random.default_rng(seed)
    n_in = int(rng.integers(1, 4))
    nodes = [{"id": f"x{i}", "kind": "input"} for i in range(n_in)]
    if rng.random() < 0.5:
        nodes.append({"id": "c0", "kind": "const", "value": float(rng.uniform(-1, 1))})
    if rng.random() < 0.6:
        nodes.append({"id": "p0", "kind": "param", "value": float(rng.uniform(-1, 1))})
    edges = []
    acts = SMOOTH_ACTS if smooth else ALL_ACTS
    nary = ["add", "mul"] if smooth else OPS_NARY
    unary = [o for o in OPS_UNARY if not (smooth and o == "relu")]
    for k in range(int(rng.integers(3, 9))):
        earlier = [n["id"] for n in nodes]
        nid = f"n{k}"
        if rng.random() < 0.6:
            nodes.append({"id": nid, "kind": "neuron", "activation": str(rng.choice(acts)),
                          "bias": float(rng.uniform(-0.5, 0.5))})
            srcs = rng.choice(earlier, size=min(len(earlier), int(rng.integers(1, 4))),
                              replace=False)
            edges += [{"from": str(s), "to": nid, "weight": float(rng.uniform(-1, 1))}
                      for s in srcs]
        else:
            if rng.random() < 0.5:
                op = str(rng.choice(nary))
                srcs = rng.choice(earlier, size=min(len(earlier), int(rng.integers(1, 4))),
                                  replace=False)
            else:
                op = str(rng.choice(unary))
                srcs = [rng.choice(earlier)]
            node = {"id": nid, "kind": "op", "op": op}
            if op in ("scale", "offset"):
                node["value"] = float(rng.uniform(-1.5, 1.5))
            nodes.append(node)
            edges += [{"from": str(s), "to": nid} for s in srcs]
    internal = [n["id"] for n in nodes if n["kind"] in ("neuron", "op")]
    outputs = [str(o) for o in rng.choice(internal, size=min(2, len(internal)), replace=False)]
    m = int(rng.integers(1, 6))
    rows = np.round(rng.uniform(-1, 1, size=(m, n_in + len(outputs))), 3).tolist()
    return {"format": "bpsim", "version": 1, "nodes": nodes, "edges": edges,
            "outputs": outputs, "loss": {"kind": "mse", "reduction": str(rng.choice(["mean", "sum"]))},
            "regularization": {"kind": str(rng.choice(["none", "l1", "l2"])), "lambda": 0.01},
            "training": {"learning_rate": 0.1},
            "data": {"inputs": [f"x{i}" for i in range(n_in)], "targets": outputs, "rows": rows}}


def session_of(net: dict) -> Session:
    return Session.from_loaded(loads(json.dumps(net)))


def bpsim_cost_and_grads(net):
    s = session_of(net)
    ev = s.trainer.evaluate(s.state.theta, np.arange(len(net["data"]["rows"])), s.settings)
    return ev.cost, dict(zip(s.param_names, s.trainer.named(ev.grad))), s


def reference_of(net):
    rows = np.array(net["data"]["rows"])
    n_in = len(net["data"]["inputs"])
    ref_net = dict(net, data_inputs=net["data"]["inputs"])
    return reference.cost_and_grads(ref_net, rows[:, :n_in].tolist(), rows[:, n_in:].tolist(),
                                    net["loss"]["kind"], net["loss"]["reduction"],
                                    (net["regularization"]["kind"],
                                     net["regularization"]["lambda"]))


@pytest.mark.parametrize("seed", range(40))
def test_random_dag_matches_the_naive_reference(seed):
    net = random_net(seed)
    cost, grads, _ = bpsim_cost_and_grads(net)
    ref_cost, ref_grads = reference_of(net)
    assert cost == pytest.approx(ref_cost, rel=1e-12, abs=1e-14)
    assert grads.keys() == ref_grads.keys()
    for name in grads:
        assert grads[name] == pytest.approx(ref_grads[name], rel=1e-9, abs=1e-13), name


@pytest.mark.parametrize("seed", range(20))
def test_random_smooth_dag_matches_finite_differences(seed):
    net = random_net(1000 + seed, smooth=True)
    net["regularization"]["kind"] = "l2"
    s = session_of(net)
    checks = s.gradient_check(h=1e-6)
    for name, (analytic, numeric) in checks.items():
        assert analytic == pytest.approx(numeric, rel=1e-6, abs=1e-8), name


def test_micro_step_terms_sum_to_each_nodes_gradient():
    for seed in range(10):
        s = session_of(random_net(seed))
        _, trace = s.step_traced()
        for m in trace.steps:
            if m.phase != "backward":
                continue
            total = sum((t.value for t in m.terms), np.zeros_like(m.dout))
            if m.loss_term is not None:
                total = total + m.loss_term
            np.testing.assert_allclose(total, m.dout, rtol=1e-12, atol=1e-15)



def _torch():
    try:
        import torch as t
    except ImportError:
        pytest.skip("PyTorch is not installed (optional)")
    return t


@pytest.mark.parametrize("seed", range(10))
def test_random_dag_matches_torch_autograd(seed):
    t = _torch()
    net = random_net(seed)
    cost, grads, _ = bpsim_cost_and_grads(net)
    nodes = {n["id"]: n for n in net["nodes"]}
    rows = t.tensor(net["data"]["rows"], dtype=t.float64)
    n_in = len(net["data"]["inputs"])
    params = {}
    for e in net["edges"]:
        if nodes[e["to"]]["kind"] == "neuron":
            params[f"w:{e['from']}->{e['to']}"] = t.tensor(e["weight"], dtype=t.float64,
                                                          requires_grad=True)
    for i, n in nodes.items():
        if n["kind"] == "neuron":
            params[f"b:{i}"] = t.tensor(n["bias"], dtype=t.float64, requires_grad=True)
        elif n["kind"] == "param":
            params[f"p:{i}"] = t.tensor(n["value"], dtype=t.float64, requires_grad=True)
    acts = {"identity": lambda z: z, "sigmoid": t.sigmoid, "tanh": t.tanh, "relu": t.relu,
            "leaky_relu": t.nn.functional.leaky_relu, "softplus": t.nn.functional.softplus}
    out = {}
    for i in reference.topo(net["nodes"], net["edges"]):
        n = nodes[i]
        into = [e for e in net["edges"] if e["to"] == i]
        if n["kind"] == "input":
            out[i] = rows[:, net["data"]["inputs"].index(i)]
        elif n["kind"] == "const":
            out[i] = t.full((len(rows),), n["value"], dtype=t.float64)
        elif n["kind"] == "param":
            out[i] = params[f"p:{i}"].expand(len(rows))
        elif n["kind"] == "neuron":
            z = params[f"b:{i}"] + sum(params[f"w:{e['from']}->{i}"] * out[e["from"]]
                                       for e in into)
            out[i] = acts[n["activation"]](z)
        else:
            xs = [out[e["from"]] for e in into]
            op, c = n["op"], n.get("value", 0.0)
            out[i] = {"add": lambda: sum(xs[1:], xs[0]), "mul": lambda: _prod(xs),
                      "max": lambda: t.stack(xs).max(0).values if len(xs) > 1 else xs[0],
                      "neg": lambda: -xs[0], "square": lambda: xs[0] * xs[0],
                      "sigmoid": lambda: t.sigmoid(xs[0]), "tanh": lambda: t.tanh(xs[0]),
                      "scale": lambda: c * xs[0], "offset": lambda: xs[0] + c,
                      "exp": lambda: t.exp(xs[0]), "relu": lambda: t.relu(xs[0])}[op]()
    y = t.stack([out[o] for o in net["outputs"]], 1)
    target = rows[:, n_in:]
    loss = t.nn.functional.mse_loss(y, target, reduction=net["loss"]["reduction"])
    kind, lam = net["regularization"]["kind"], net["regularization"]["lambda"]
    weights = [v for k, v in params.items() if k.startswith("w:")]
    if kind == "l2":
        loss = loss + lam * sum(w * w for w in weights)
    elif kind == "l1":
        loss = loss + lam * sum(w.abs() for w in weights)
    loss.backward()
    assert cost == pytest.approx(loss.item(), rel=1e-12, abs=1e-14)
    for name, p in params.items():
        g = 0.0 if p.grad is None else p.grad.item()
        assert grads[name] == pytest.approx(g, rel=1e-9, abs=1e-13), name


def _prod(xs):
    out = xs[0]
    for x in xs[1:]:
        out = out * x
    return out
