"""Benchmark of the NumPy training engine: how fast bpsim trains, and against what.

What it measures, and why:

* **Training steps per second** of three small layered nets, each built as a
  bpsim network file (JSON text: every edge, weights left out so they are
  drawn from the seed, inline data rows), loaded with
  ``bpsim.document.loads`` and trained with ``Trainer.run``, the engine's
  fastest public path (no history, no trace).  A step is batch, forward, MSE
  cost, backward and a plain gradient-descent update (lr 0.1).  The figure is
  the median of several repeats, each long enough to be timed reliably.

      A  2-4-2-1,     tanh hidden, identity out,   500 rows, batch 10
      B  2-8-8-1,     tanh hidden, sigmoid out,   1000 rows, full batch
      C  2-32-32-32-1, relu hidden, identity out, 2000 rows, full batch

* **A hand-written NumPy step** of the same nets (``HandwrittenNumpy``: flat
  parameters, biases folded into the weights, the learning rate folded into
  the output gradient, np.dot into buffers made once): the least NumPy can
  do for one step on this machine, so bpsim/numpy is what bpsim's
  generality costs (its graph, checks and records).  These are the targets.
  The repeats of bpsim, of the hand-written step and of the DGEMM below
  alternate, one of each a round, and a ratio is the median of the rounds'
  ratios: a machine whose speed drifts (other work on its cores) slows each
  round's repeats alike.  The first steps' costs of bpsim and the
  hand-written step are compared, so the ratio is known to compare like
  with like.

* **The same nets in PyTorch** eager float64 (nn.Linear, MSELoss, backward,
  optim.SGD, same data, same starting weights, same batches) when torch is
  importable, for information only (not a target): how bpsim and a general
  framework compare on the tiny nets a lecture uses, and where BLAS does the
  work.  Their first steps' costs are compared too.

* **Achieved GFLOP/s against one core's DGEMM peak** (512³ matmul, measured
  in the same rounds as each net): for the largest net the engine should be
  bound by matrix products, not Python.

* **The import time of ``bpsim.engine``** in a fresh interpreter, and that it
  loads neither Qt nor torch: the command line and tests import it directly.

BLAS (every library threadpoolctl finds) and torch are pinned to one thread,
so the figures are per core and comparable between machines.

The last lines are one per target: ``target NAME: FIGURE UNIT (goal OP VALUE)
ok`` or ``... MISS``, for bpsim/numpy on each net (``A-vs-numpy`` and so on),
net C's share of the DGEMM peak and the import; before them, ``info
NAME-vs-torch`` lines give the torch ratios.  ``--quick`` does a short smoke
run (fewer, shorter repeats); its figures are rougher.

    .venv/bin/python scripts/bench_engine.py [--quick]
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

try:  # optional: only for the ratios
    import torch
except ImportError:
    torch = None

from bpsim.document import loads
from bpsim.engine import Settings, Trainer, TrainState
from bpsim.session import Session

LEARNING_RATE = 0.1
DATA_SEED = 0


# --- the nets -----------------------------------------------------------------

@dataclass(frozen=True)
class NetSpec:
    name: str
    sizes: tuple[int, ...]      # inputs, hidden..., outputs
    hidden: str                 # activation of the hidden layers
    output: str                 # activation of the output layer
    samples: int
    batch: str | int            # "full" or a mini-batch size

    @property
    def batch_size(self) -> int:
        return self.samples if self.batch == "full" else int(self.batch)

    def describe(self) -> str:
        shape = "-".join(map(str, self.sizes))
        batch = "full batch" if self.batch == "full" else f"batch {self.batch}"
        return f"{shape}, {self.hidden} hidden, {self.output} out, {self.samples} rows, {batch}"


NETS = (
    NetSpec("A", (2, 4, 2, 1), "tanh", "identity", 500, 10),
    NetSpec("B", (2, 8, 8, 1), "tanh", "sigmoid", 1000, "full"),
    NetSpec("C", (2, 32, 32, 32, 1), "relu", "identity", 2000, "full"),
)


def make_data(net: NetSpec) -> tuple[np.ndarray, np.ndarray]:
    """x uniform in [-1, 1]², a smooth target; in [0, 1] for a sigmoid output."""
    rng = np.random.default_rng(DATA_SEED)
    x = rng.uniform(-1.0, 1.0, size=(net.samples, 2))
    t = np.sin(np.pi * x[:, 0]) + x[:, 1]              # in [-2, 2]
    if net.output == "sigmoid":
        t = 0.5 + 0.2 * t                               # in [0.1, 0.9]
    return x, t[:, None]


def layer_ids(net: NetSpec) -> list[list[str]]:
    """Node ids per layer: x1 x2 | h1_1 ... | o."""
    ids = [[f"x{i + 1}" for i in range(net.sizes[0])]]
    for k, width in enumerate(net.sizes[1:-1], start=1):
        ids.append([f"h{k}_{j + 1}" for j in range(width)])
    ids.append(["o"] if net.sizes[-1] == 1 else [f"o{j + 1}" for j in range(net.sizes[-1])])
    return ids


def network_document(net: NetSpec, x: np.ndarray, t: np.ndarray) -> dict:
    """The bpsim file: layered neurons, every edge, no weights or biases given."""
    layers = layer_ids(net)
    nodes = [{"id": i, "kind": "input"} for i in layers[0]]
    for k, layer in enumerate(layers[1:], start=1):
        act = net.output if k == len(layers) - 1 else net.hidden
        nodes += [{"id": i, "kind": "neuron", "activation": act} for i in layer]
    edges = [{"from": a, "to": b}
             for lower, upper in zip(layers, layers[1:]) for b in upper for a in lower]
    return {
        "format": "bpsim", "version": 1, "title": f"bench net {net.name}",
        "nodes": nodes, "edges": edges, "outputs": layers[-1],
        "loss": {"kind": "mse", "reduction": "mean"},
        "training": {"learning_rate": LEARNING_RATE, "optimizer": "gd", "batch": net.batch,
                     "shuffle": False, "seed": 0, "epsilon": None},
        "data": {"inputs": layers[0], "targets": layers[-1],
                 "rows": np.hstack([x, t]).tolist()},
    }


def flops_per_step(net: NetSpec) -> int:
    """2·m·n·k for each matrix product of one step, with n the batch size and
    m×k a layer's weights (bias not counted): forward Z = W·A and dW = dZ·Aᵀ
    for every layer, dA = Wᵀ·dZ for every layer but the first (the inputs
    need no gradient).  Activations, loss and update are not counted."""
    n = net.batch_size
    shapes = list(zip(net.sizes[1:], net.sizes[:-1]))          # (m, k) per layer
    forward = sum(2 * m * n * k for m, k in shapes)
    weight_grads = forward
    input_grads = sum(2 * m * n * k for m, k in shapes[1:])
    return forward + weight_grads + input_grads


# --- timing -------------------------------------------------------------------

@dataclass(frozen=True)
class Timing:
    rate: float            # median steps (or calls) per second
    low: float
    high: float
    steps: int             # per repeat
    rates: tuple[float, ...] = ()   # each repeat's, in the order taken


def calibrate(run: Callable[[int], None], target_s: float) -> int:
    """How many steps make one repeat last about ``target_s``."""
    n = 1
    while True:
        t0 = time.perf_counter()
        run(n)
        elapsed = time.perf_counter() - t0
        if elapsed >= target_s / 10 or n >= 1 << 24:
            return max(1, round(n * target_s / elapsed))
        n *= 4


def measure(run: Callable[[int], None], target_s: float, repeats: int) -> Timing:
    """Median rate over ``repeats`` runs of ``run(steps)``, after a warm-up."""
    return measure_alternately([run], target_s, repeats)[0]


def measure_alternately(runs: list[Callable[[int], None]], target_s: float,
                        repeats: int) -> list[Timing]:
    """``measure`` of each of ``runs``, their repeats taken in turn (one of
    each, then again), so that a change in the machine's speed during the
    measure falls on all of them."""
    steps = [calibrate(run, target_s) for run in runs]
    rates: list[list[float]] = [[] for _ in runs]
    for _ in range(repeats):
        for run, n, rate in zip(runs, steps, rates):
            t0 = time.perf_counter()
            run(n)
            rate.append(n / (time.perf_counter() - t0))
    return [Timing(statistics.median(r), min(r), max(r), n, tuple(r))
            for r, n in zip(rates, steps)]


def paired_ratio(a: Timing, b: Timing) -> float:
    """a's rate over b's, the median over the rounds of ``measure_alternately``
    that measured both: each round's repeats ran under the same conditions."""
    return statistics.median(x / y for x, y in zip(a.rates, b.rates))


# --- bpsim --------------------------------------------------------------------

@dataclass
class BpsimNet:
    trainer: Trainer
    state: TrainState
    settings: Settings


def build_bpsim(net: NetSpec, x: np.ndarray, t: np.ndarray) -> BpsimNet:
    text = json.dumps(network_document(net, x, t))
    session = Session.from_loaded(loads(text, f"bench-{net.name}.bpsim.json"))
    return BpsimNet(session.trainer, session.state, session.settings)


def bpsim_runner(b: BpsimNet) -> Callable[[int], None]:
    def run(steps: int) -> None:
        result = b.trainer.run(b.state, b.settings, steps, use_epsilon=False)
        if result.stopped != "max_steps":
            raise RuntimeError(f"bpsim run stopped early: {result.stopped}")
    return run


def bpsim_costs(b: BpsimNet, steps: int) -> list[float]:
    return b.trainer.run(b.state, b.settings, steps, use_epsilon=False).costs


# --- torch --------------------------------------------------------------------

ACT_MODULES = {"tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid", "identity": None}


def build_torch(net: NetSpec, b: BpsimNet):
    """The same layers, float64, starting from bpsim's drawn weights."""
    params = dict(zip(b.trainer.param_names, b.trainer.named(b.state.theta)))
    layers = layer_ids(net)
    modules = []
    for k, (lower, upper) in enumerate(zip(layers, layers[1:]), start=1):
        linear = torch.nn.Linear(len(lower), len(upper), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[params[f"w:{a}->{o}"] for a in lower]
                                              for o in upper]))
            linear.bias.copy_(torch.tensor([params[f"b:{o}"] for o in upper]))
        modules.append(linear)
        act = ACT_MODULES[net.output if k == len(layers) - 1 else net.hidden]
        if act is not None:
            modules.append(getattr(torch.nn, act)())
    return torch.nn.Sequential(*modules)


def torch_batches(net: NetSpec, x: np.ndarray, t: np.ndarray):
    """Consecutive mini-batches cycling through the rows, as bpsim takes them."""
    X, T = torch.from_numpy(x.copy()), torch.from_numpy(t.copy())
    k = net.batch_size
    return [(X[i:i + k], T[i:i + k]) for i in range(0, net.samples, k)]


class TorchNet:
    """The torch twin of a net, training on from where it stands."""

    def __init__(self, net: NetSpec, b: BpsimNet, x: np.ndarray, t: np.ndarray):
        self.model = build_torch(net, b)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=LEARNING_RATE)
        self.loss_fn = torch.nn.MSELoss(reduction="mean")
        self.batches = torch_batches(net, x, t)
        self.next = 0   # index of the next batch

    def step(self) -> torch.Tensor:
        xb, tb = self.batches[self.next]
        self.next = (self.next + 1) % len(self.batches)
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(xb), tb)
        loss.backward()
        self.opt.step()
        return loss

    def run(self, steps: int) -> None:
        step = self.step
        for _ in range(steps):
            step()

    def costs(self, steps: int) -> list[float]:
        return [self.step().item() for _ in range(steps)]


def max_relative_difference(a: list[float], b: list[float]) -> float:
    return max(abs(p - q) / max(abs(p), abs(q), 1e-300) for p, q in zip(a, b))


# --- the hand-written NumPy yardstick -----------------------------------------------

class HandwrittenNumpy:
    """The same net as the least a NumPy step can do: one flat parameter
    vector, each layer's bias folded into its weights (a row of ones under
    its inputs), the learning rate folded into the output gradient, np.dot
    into buffers made once.  No graph, no history, no checks, one kind of
    net: what bpsim's general engine is measured against, in the same run."""

    def __init__(self, net: NetSpec, b: BpsimNet, x: np.ndarray, t: np.ndarray):
        params = dict(zip(b.trainer.param_names, b.trainer.named(b.state.theta)))
        layers = layer_ids(net)
        shapes = [(len(upper), len(lower) + 1) for lower, upper in zip(layers, layers[1:])]
        self.theta = np.empty(sum(r * c for r, c in shapes))
        self.W, self.G = [], []
        grad = np.empty_like(self.theta)
        self.grad = grad
        at = 0
        for (rows, cols), lower, upper in zip(shapes, layers, layers[1:]):
            W = self.theta[at:at + rows * cols].reshape(rows, cols)
            W[:, :-1] = [[params[f"w:{a}->{o}"] for a in lower] for o in upper]
            W[:, -1] = [params[f"b:{o}"] for o in upper]
            self.W.append(W)
            self.G.append(grad[at:at + rows * cols].reshape(rows, cols))
            at += rows * cols
        k = net.batch_size
        self.batches = []           # (inputs with a row of ones, targets), consecutive
        for start in range(0, net.samples, k):
            xb = np.ones((net.sizes[0] + 1, min(k, net.samples - start)))
            xb[:-1] = x[start:start + k].T
            self.batches.append((xb, np.ascontiguousarray(t[start:start + k].T)))
        self.next = 0
        # activations of each hidden layer with its row of ones; z, δ and the
        # gradient sent down, per layer
        self.H = [np.ones((r + 1, k)) for r, _ in shapes[:-1]]
        self.Z = [np.empty((r, k)) for r, _ in shapes]
        self.D = [np.empty((r, k)) for r, _ in shapes]
        self.down = [np.empty((c, k)) for _, c in shapes]
        self.Y = np.empty((shapes[-1][0], k))
        self.tmp = np.empty((shapes[-1][0], k))
        self.hidden, self.output = net.hidden, net.output
        self.lr = LEARNING_RATE

    def step(self) -> float:
        xb, tb = self.batches[self.next]
        self.next = (self.next + 1) % len(self.batches)
        W, G, H, Z, D = self.W, self.G, self.H, self.Z, self.D
        last = len(W) - 1
        src = [xb] + H
        for i in range(last):
            np.dot(W[i], src[i], out=Z[i])
            if self.hidden == "tanh":
                np.tanh(Z[i], out=H[i][:-1])
            else:
                np.maximum(Z[i], 0.0, out=H[i][:-1])
        np.dot(W[last], src[last], out=Z[last])
        Y, d = self.Y, D[last]
        if self.output == "sigmoid":
            np.negative(Z[last], out=Y)
            np.exp(Y, out=Y)
            Y += 1.0
            np.reciprocal(Y, out=Y)
        else:
            np.copyto(Y, Z[last])
        np.subtract(Y, tb, out=d)
        flat = d.reshape(-1)
        cost = float(np.dot(flat, flat)) / d.size
        d *= 2.0 * self.lr / d.size                 # the learning rate, folded in
        if self.output == "sigmoid":
            np.subtract(1.0, Y, out=self.tmp)
            self.tmp *= Y
            d *= self.tmp
        for i in range(last, -1, -1):
            np.dot(D[i], src[i].T, out=G[i])
            if i:
                np.dot(W[i].T, D[i], out=self.down[i])
                a, below = H[i - 1][:-1], D[i - 1]
                if self.hidden == "tanh":
                    np.multiply(a, a, out=below)
                    np.subtract(1.0, below, out=below)
                else:
                    np.greater(a, 0.0, out=below, casting="unsafe")
                below *= self.down[i][:-1]
        self.theta -= self.grad
        return cost

    def run(self, steps: int) -> None:
        step = self.step
        for _ in range(steps):
            step()

    def costs(self, steps: int) -> list[float]:
        return [self.step() for _ in range(steps)]


# --- machine figures ------------------------------------------------------------

DGEMM_SIZE = 512


def dgemm_runner(size: int = DGEMM_SIZE) -> Callable[[int], None]:
    """``n`` float64 matmuls of two size × size matrices (2·size³ FLOPs each):
    one core's peak."""
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((size, size)), rng.standard_normal((size, size))
    out = np.empty((size, size))

    def run(n: int) -> None:
        for _ in range(n):
            np.dot(a, b, out=out)
    return run


IMPORT_PROBE = """\
import sys, time
t = time.perf_counter()
import bpsim.engine
dt = time.perf_counter() - t
def loaded(*tops):
    return sorted({m.split('.')[0] for m in sys.modules} & set(tops))
print(dt)
print(','.join(loaded('PySide6', 'shiboken6', 'PyQt5', 'PyQt6', 'pyqtgraph')))
print(','.join(loaded('torch')))
"""


def import_probe(runs: int) -> tuple[float, list[str], list[str]]:
    """Median import time of bpsim.engine in fresh interpreters, and the Qt and
    torch modules found loaded after it (from the last run)."""
    times = []
    for i in range(runs + 1):   # the first run only warms the file cache
        out = subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True,
                             text=True, check=True).stdout.split("\n")
        if i:
            times.append(float(out[0]))
    qt = [m for m in out[1].split(",") if m]
    tor = [m for m in out[2].split(",") if m]
    return statistics.median(times), qt, tor


# --- report -------------------------------------------------------------------

def pin_threads() -> str:
    threadpool_limits(limits=1)
    libs = ", ".join(f"{p['internal_api']} ({p['num_threads']} thread)"
                     for p in threadpool_info())
    line = f"threads: threadpoolctl threadpool_limits(1) -> {libs or 'no BLAS found'}"
    if torch is not None:
        torch.set_num_threads(1)
        line += f"; torch.set_num_threads(1) -> {torch.get_num_threads()}"
    return line


def target(name: str, figure: float, unit: str, op: str, goal: float, fmt: str = ".2f") -> str:
    met = {">=": figure >= goal, "<=": figure <= goal, "<": figure < goal,
           "==": figure == goal}[op]
    return (f"target {name}: {figure:{fmt}} {unit} (goal {op} {goal:g}) "
            f"{'ok' if met else 'MISS'}")


def information(name: str, figure: float | None, unit: str, fmt: str = ".2f") -> str:
    """A figure printed for information: no goal."""
    if figure is None:
        return f"info {name}: skipped (torch not installed)"
    return f"info {name}: {figure:{fmt}} {unit} (no goal)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke run: fewer and shorter repeats")
    args = parser.parse_args(argv)
    repeats, target_s = (5, 0.1) if args.quick else (7, 0.4)

    print(f"bpsim engine benchmark ({'quick' if args.quick else 'full'}: median of {repeats} "
          f"repeats of ~{target_s:g} s)")
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"torch {torch.__version__ if torch is not None else 'not installed'}, "
          f"{platform.machine()}")
    print(pin_threads())

    gemm_flops = 2 * DGEMM_SIZE ** 3
    print(f"DGEMM peak: {DGEMM_SIZE}x{DGEMM_SIZE} @ {DGEMM_SIZE}x{DGEMM_SIZE} float64, one core, "
          "measured in the same rounds as each net")
    print("FLOPs per step: 2*m*n*k per matrix product, n = batch; forward W@A and "
          "dW = dZ@A^T for every layer,\n  dA = W^T@dZ for all but the first layer; "
          "biases, activations, loss and update not counted")
    print()

    results = {}
    for net in NETS:
        x, t = make_data(net)
        b = build_bpsim(net, x, t)
        flops = flops_per_step(net)
        check = 3 * -(-net.samples // net.batch_size)    # three epochs
        reference = HandwrittenNumpy(net, b, x, t)
        agree = max_relative_difference(bpsim_costs(b, check), reference.costs(check))
        ours, numpy_rate, gemm = measure_alternately(
            [bpsim_runner(b), HandwrittenNumpy(net, b, x, t).run, dgemm_runner()],
            target_s, repeats)
        vs_numpy = paired_ratio(ours, numpy_rate)
        share = 100 * paired_ratio(ours, gemm) * flops / gemm_flops
        print(f"net {net.name}: {net.describe()}; {flops:,} FLOP/step")
        print(f"  bpsim  {ours.rate:10.1f} steps/s  (min {ours.low:.1f}, max {ours.high:.1f}, "
              f"{ours.steps} steps/repeat)  {ours.rate * flops / 1e9:6.3f} GFLOP/s = "
              f"{share:5.2f}% of peak")
        print(f"  numpy  {numpy_rate.rate:10.1f} steps/s  (min {numpy_rate.low:.1f}, max "
              f"{numpy_rate.high:.1f}; hand-written, see HandwrittenNumpy; "
              f"its costs of the first {check} steps agree to {agree:.1e}); "
              f"bpsim/numpy {vs_numpy:.2f}x")
        print(f"  dgemm  {gemm.rate * gemm_flops / 1e9:10.1f} GFLOP/s  (min "
              f"{gemm.low * gemm_flops / 1e9:.1f}, max {gemm.high * gemm_flops / 1e9:.1f}: "
              f"the peak)")
        ratio = None
        if torch is not None:
            twin = TorchNet(net, b, x, t)
            diff = max_relative_difference(bpsim_costs(b, check), twin.costs(check))
            theirs = measure(twin.run, target_s, repeats)
            ratio = ours.rate / theirs.rate
            print(f"  torch  {theirs.rate:10.1f} steps/s  (min {theirs.low:.1f}, max "
                  f"{theirs.high:.1f}, {theirs.steps} steps/repeat)  "
                  f"{theirs.rate * flops / 1e9:6.3f} GFLOP/s")
            print(f"  bpsim/torch {ratio:.2f}x; costs of the first {check} steps agree "
                  f"to {diff:.1e} (relative); hand-written numpy/torch "
                  f"{numpy_rate.rate / theirs.rate:.2f}x")
        results[net.name] = (vs_numpy, ratio, share)
        print()

    import_s, qt, tor = import_probe(3 if args.quick else 5)
    print(f"import bpsim.engine in a fresh interpreter: {import_s * 1000:.1f} ms (median); "
          f"Qt modules loaded: {', '.join(qt) or 'none'}; torch loaded: {', '.join(tor) or 'no'}")
    print()

    for name, (_, vs_torch, _) in results.items():
        print(information(f"{name}-vs-torch", vs_torch, "x"))
    goals = {"A": 0.85, "B": 0.9, "C": 0.9}
    for name, goal in goals.items():
        print(target(f"{name}-vs-numpy", results[name][0], "x", ">=", goal))
    print(target("C-dgemm-share", results["C"][2], "%", ">=", 45.0, ".1f"))
    print(target("import-time", import_s, "s", "<", 0.15, ".3f"))
    print(target("import-without-qt", float(bool(qt)), "loaded", "==", 0.0, ".0f"))
    print(target("import-without-torch", float(bool(tor)), "loaded", "==", 0.0, ".0f"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
