"""Code to take away: the NumPy script, the notebook and, when torch is
installed, the PyTorch script reproduce ``bpsim train``'s costs."""
import contextlib
import importlib.util
import io
import json

import numpy as np
import pytest

from bpsim.document import load, loads
from bpsim.paths import examples
from bpsim.session import Session
from bpsim.session.codegen import export_code

from ..engine.test_random_dags import random_net

HAS_TORCH = importlib.util.find_spec("torch") is not None


def run_code(code: str) -> list[float]:
    """Run a script in a namespace of its own; the costs it prints."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<exported>", "exec"), {"__name__": "__main__"})
    lines = out.getvalue().splitlines()
    assert all(line.startswith(f"step {k} cost ") for k, line in enumerate(lines, 1))
    return [float(line.split()[-1]) for line in lines]


def train_costs(session: Session) -> list[float]:
    """What ``bpsim train`` reports: its max_steps (else 100), the stopping rules."""
    steps = session.settings.max_steps or 100
    return session.trainer.run(session.state, session.settings, steps).costs


def same(costs, reference, rtol=1e-9) -> bool:
    return len(costs) == len(reference) and \
        np.allclose(costs, reference, rtol=rtol, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name.split(".")[0])
def test_the_numpy_script_reproduces_every_examples_costs(path):
    session = Session.from_loaded(load(path))
    assert same(run_code(export_code(session, "numpy")), train_costs(session))


def test_a_layered_network_is_written_the_vectorized_way_any_other_node_by_node():
    xor = export_code(Session.from_loaded(load(next(p for p in examples()
                                                    if p.name.startswith("xor")))), "numpy")
    assert "WB[l].dot(with_ones(A[l]))" in xor and "dZ.dot(with_ones(A[l]).T)" in xor
    assert "WB[l].T.dot(dZ)" in xor
    gates = export_code(Session.from_loaded(load(next(
        p for p in examples() if p.name.startswith("sigmoid-neuron-gates")))), "numpy")
    assert "a['m0'] = a['w0'] * a['x0']" in gates and "WB" not in gates


@pytest.mark.parametrize("name", ["xor-2-2-1", "sigmoid-neuron-gates"])
def test_the_notebooks_cells_run_in_order_and_give_the_same_costs(name):
    session = Session.from_loaded(load(next(p for p in examples() if p.name.startswith(name))))
    notebook = json.loads(export_code(session, "notebook"))
    assert notebook["nbformat"] == 4
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    titles = [c["source"][0].strip() for c in notebook["cells"] if c["cell_type"] == "markdown"]
    assert titles[1:] == ["## Settings", "## Data", "## Parameters", "## Forward", "## Backward",
                          "## Update", "## Training loop"]
    namespace = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in code:
            exec("".join(cell["source"]), namespace)
    costs = [float(line.split()[-1]) for line in out.getvalue().splitlines()]
    assert same(costs, train_costs(session))


def varied_net(seed: int) -> dict:
    """A random DAG (every gate and activation among the seeds) trained with
    a loss, an optimizer and a batch mode of their own."""
    rng = np.random.default_rng(1000 + seed)
    net = random_net(seed)
    if seed % 4 == 3:     # the gates and the activation random_net leaves out
        x = net["data"]["inputs"][0]
        net["nodes"] += [{"id": "sq", "kind": "op", "op": "square"},
                         {"id": "r", "kind": "op", "op": "offset", "value": 1.0},
                         {"id": "iv", "kind": "op", "op": "inv"},
                         {"id": "lg", "kind": "op", "op": "log"},
                         {"id": "st", "kind": "neuron", "activation": "step", "bias": -0.5},
                         {"id": "j", "kind": "op", "op": "add"}]
        net["edges"] += [{"from": x, "to": "sq"}, {"from": "sq", "to": "r"},
                         {"from": "r", "to": "iv"}, {"from": "r", "to": "lg"},
                         {"from": "iv", "to": "st", "weight": 1.0},
                         {"from": net["outputs"][0], "to": "j"}, {"from": "iv", "to": "j"},
                         {"from": "lg", "to": "j"}, {"from": "st", "to": "j"}]
        net["outputs"][0] = "j"
    loss = ["mse", "mae", "bce", "softmax_ce", "hinge", "perceptron", "none"][seed % 7]
    net["loss"] = {"kind": loss, "reduction": str(rng.choice(["mean", "sum"]))}
    rows = np.array(net["data"]["rows"])
    n_in = len(net["data"]["inputs"])
    if loss in ("hinge", "perceptron"):
        rows[:, n_in:] = np.where(rows[:, n_in:] > 0, 1.0, -1.0)
    elif loss in ("bce", "softmax_ce"):
        rows[:, n_in:] = (rows[:, n_in:] > 0).astype(float)
    if loss == "bce":         # outputs in (0, 1): a sigmoid neuron after each
        for k, out in enumerate(list(net["outputs"])):
            net["nodes"].append({"id": f"s{k}", "kind": "neuron", "activation": "sigmoid",
                                 "bias": 0.0})
            net["edges"].append({"from": out, "to": f"s{k}", "weight": 1.0})
            net["outputs"][k] = f"s{k}"
    if loss == "none":            # the cost is the one output itself
        rows = rows[:, :n_in]
        net["outputs"] = net["outputs"][:1]
        net["data"]["targets"] = []
    else:
        net["data"]["targets"] = net["outputs"]
    net["data"]["rows"] = rows.tolist()
    net["training"] = {"learning_rate": float(rng.choice([0.01, 0.05, 0.1])),
                       "optimizer": ["gd", "momentum", "adam"][seed % 3],
                       "batch": ["full", "sgd", 2][seed % 3 if seed % 2 else 0],
                       "shuffle": bool(seed % 4 == 1), "seed": seed, "max_steps": 25}
    return net


SEEDS = range(21)


def test_the_random_networks_take_every_gate_activation_loss_optimizer_and_batch():
    from bpsim.engine.functions import ACTIVATIONS, GATES
    from bpsim.engine.losses import LOSSES
    nets = [varied_net(seed) for seed in SEEDS]
    assert {n["op"] for net in nets for n in net["nodes"] if n["kind"] == "op"} == set(GATES)
    assert {n["activation"] for net in nets for n in net["nodes"] if n["kind"] == "neuron"} \
        == set(ACTIVATIONS)
    assert {net["loss"]["kind"] for net in nets} == set(LOSSES)
    assert {net["training"]["optimizer"] for net in nets} == {"gd", "momentum", "adam"}
    assert {(str(net["training"]["batch"]), net["training"]["shuffle"]) for net in nets} >= \
        {("full", False), ("sgd", True), ("sgd", False), ("2", True), ("2", False)}


@pytest.mark.parametrize("seed", SEEDS)
def test_the_numpy_script_reproduces_random_networks(seed):
    session = Session.from_loaded(loads(json.dumps(varied_net(seed))))
    assert same(run_code(export_code(session, "numpy")), train_costs(session))


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed (optional)")
@pytest.mark.parametrize("seed", SEEDS)
def test_the_pytorch_script_reproduces_random_networks(seed):
    session = Session.from_loaded(loads(json.dumps(varied_net(seed))))
    assert same(run_code(export_code(session, "pytorch")), train_costs(session))


@pytest.mark.skipif(not HAS_TORCH, reason="PyTorch is not installed (optional)")
@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name.split(".")[0])
def test_the_pytorch_script_reproduces_every_examples_costs(path):
    """Float64 tensors, autograd and torch.optim, to 1e-9 (torch's matrix
    products round a last bit differently from NumPy's: a lesson whose run
    is chaotic would not agree, nor would it between two machines)."""
    session = Session.from_loaded(load(path))
    assert same(run_code(export_code(session, "pytorch")), train_costs(session))


def test_nothing_the_file_says_is_run_as_code(tmp_path):
    """A title that closes the docstring and calls something stays a string."""
    net = json.loads(next(p for p in examples() if p.name.startswith("xor")).read_text())
    net["title"] = '"""\nraise SystemExit("ran")\n"""\'\'\' + "'
    net["training"]["max_steps"] = 3
    session = Session.from_loaded(loads(json.dumps(net)))
    for to in ("numpy", "pytorch") if HAS_TORCH else ("numpy",):
        code = export_code(session, to)
        assert len(run_code(code)) == 3
        namespace = {"__name__": "exported"}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(code, namespace)
        assert namespace["TITLE"] == net["title"]
