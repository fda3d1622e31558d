"""A network as code to take away: a standalone NumPy or PyTorch script, or a
Jupyter notebook, that builds the same network with the same values, trains
it the same way (the same batches, optimizer, penalty and stopping rule) and
prints one line per step, ``step K cost C``, C in ``repr`` precision.

Everything the code says comes from the validated document and the session
built from it: node ids and parameter names are written as string literals
(``repr``), numbers as float literals; no text of the file is written as
code, so nothing a file says is executed.  A layered network (inputs, then
fully connected layers of neurons sharing an activation) is written the
notes' vectorized way, Z = W·A + b; any other graph node by node.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from .. import __version__
from ..engine.losses import LOSSES
from ..engine.names import ParamName
from ..errors import BpsimError
from .session import Session

TARGETS = ("numpy", "pytorch", "notebook")


@dataclass(frozen=True)
class Part:
    """One part of a script: a notebook's cell."""
    title: str
    code: str


def export_code(session: Session, to: str) -> str:
    """The network of ``session`` (at its start: the document's values) as
    ``to``: numpy, pytorch (a script each) or notebook (.ipynb JSON)."""
    if to not in TARGETS:
        raise BpsimError(f'unknown target "{to}" (expected {", ".join(TARGETS)})')
    net = _Network(session)
    if to == "pytorch":
        return _script(net, _torch_parts(net))
    parts = _numpy_parts(net)
    if to == "numpy":
        return _script(net, parts)
    return _notebook(net, parts)


# --- what the code is made of ---------------------------------------------------------

def _f(x: float) -> str:
    """A float literal that reads back as the same float64."""
    x = float(x)
    if math.isnan(x):
        return "float('nan')"
    if math.isinf(x):
        return "float('inf')" if x > 0 else "-float('inf')"
    return repr(x)


def _s(text: str) -> str:
    """A string literal (an id, a name): written with repr, never as code."""
    return repr(str(text))


def _vector(values, indent: str = "    ", per_line: int = 6) -> str:
    values = [_f(v) for v in np.ravel(values)]
    if len(values) <= per_line:
        return "np.array([" + ", ".join(values) + "])"
    lines = [", ".join(values[k:k + per_line]) for k in range(0, len(values), per_line)]
    return "np.array([\n" + ",\n".join(indent + "    " + line for line in lines) + "])"


class _Network:
    """What the code needs, read once: nodes in forward order, parameters,
    data and settings."""

    def __init__(self, session: Session):
        doc = session.document
        self.title = doc.title
        self.nodes = {n.id: n for n in doc.nodes}
        self.edges = list(doc.edges)
        self.ins = {n.id: [e for e in doc.edges if e.dst == n.id] for n in doc.nodes}
        self.outs = {n.id: [e for e in doc.edges if e.src == n.id] for n in doc.nodes}
        self.order = _forward_order(doc)
        self.outputs = list(doc.outputs)
        state = session.state_at(0)
        self.params = session.parameters(state)          # the document's values at the start
        self.names = list(self.params)
        settings = session.settings
        self.settings = settings
        dataset = session.trainer.dataset
        self.n_train = dataset.n_train
        self.rows = dataset.n
        self.data = {name: dataset.X[:, k] for k, name in enumerate(dataset.inputs)}
        self.targets = {name: dataset.T[:, k] for k, name in enumerate(self.outputs)} \
            if LOSSES[settings.loss].needs_targets else {}
        self.max_steps = settings.max_steps if settings.max_steps is not None else 100
        self.layers = _layers(doc, self.data)

    def input_value(self, node) -> str:
        """An input's or a constant's values over the batch's rows."""
        if node.id in self.data:
            return f"DATA[{_s(node.id)}][rows]"
        return f"np.full(len(rows), {_f(node.value or 0.0)})"


def _forward_order(doc) -> list[str]:
    """Node ids in a forward order: each after every node it reads (file
    order among those ready together)."""
    need = {n.id: {e.src for e in doc.edges if e.dst == n.id} for n in doc.nodes}
    done: list[str] = []
    placed: set[str] = set()
    while len(done) < len(need):
        for n in doc.nodes:
            if n.id not in placed and need[n.id] <= placed:
                done.append(n.id)
                placed.add(n.id)
                break
    return done


def _layers(doc, data) -> list[list[str]] | None:
    """The layers of a layered network — its inputs, then each layer's
    neurons, every one reading every node of the layer before and nothing
    else, one activation a layer, the outputs the last layer — or None."""
    kinds = {n.kind for n in doc.nodes}
    if not kinds <= {"input", "neuron"} or not data:
        return None
    level = {}
    for node_id in _forward_order(doc):
        srcs = [e.src for e in doc.edges if e.dst == node_id]
        level[node_id] = 1 + max((level[s] for s in srcs), default=-1)
    nodes = {n.id: n for n in doc.nodes}
    top = max(level.values())
    layers = [[n.id for n in doc.nodes if level[n.id] == k] for k in range(top + 1)]
    if any(nodes[i].kind != "input" or i not in data for i in layers[0]) or top < 1:
        return None
    for k in range(1, top + 1):
        acts = {nodes[i].activation or "identity" for i in layers[k]}
        if any(nodes[i].kind != "neuron" for i in layers[k]) or len(acts) != 1:
            return None
        for i in layers[k]:
            if sorted(e.src for e in doc.edges if e.dst == i) != sorted(layers[k - 1]):
                return None
    if sorted(layers[-1]) != sorted(doc.outputs) or len(set(doc.outputs)) != len(doc.outputs):
        return None
    layers[-1] = list(doc.outputs)        # the output rows in the loss's order
    return layers


# --- the parts both scripts share ------------------------------------------------------

ACTIVATION_CODE = {
    "identity": ("z", "np.ones_like(z)"),
    "sigmoid": ("1.0 / (1.0 + np.exp(-z))", "a * (1.0 - a)"),
    "tanh": ("np.tanh(z)", "1.0 - a * a"),
    "relu": ("np.maximum(z, 0.0)", "(z > 0.0).astype(float)"),
    "leaky_relu": ("np.maximum(z, 0.01 * z)", "np.where(z > 0.0, 1.0, 0.01)"),
    "softplus": ("np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))",
                 "1.0 / (1.0 + np.exp(-z))"),
    "step": ("(z > 0.0).astype(float)", "np.zeros_like(z)"),
}

# ∂L/∂y of one element, and the element's loss; y and t are outputs × samples
LOSS_CODE = {
    "none": ("y", "np.ones_like(y)"),
    "mse": ("(y - t) ** 2", "2.0 * (y - t)"),
    "mae": ("np.abs(y - t)", "np.sign(y - t)"),
    "bce": ("-(t * np.maximum(np.log(y), -100.0) + (1.0 - t) * np.maximum(np.log(1.0 - y), "
            "-100.0))", "(y - t) / np.maximum(y * (1.0 - y), 1e-12)"),
    "softmax_ce": ("-np.sum(t * log_softmax(y), axis=0, keepdims=True)",
                   "np.exp(log_softmax(y)) * np.sum(t, axis=0, keepdims=True) - t"),
    "hinge": ("np.maximum(0.0, 1.0 - t * y)", "np.where(t * y < 1.0, -t, 0.0)"),
    "perceptron": ("np.maximum(0.0, -t * y)", "np.where(t * y <= 0.0, -t, 0.0)"),
}


def _header(net: _Network, what: str) -> str:
    return (f'"""{what}\n\nWritten by bpsim {__version__}: the network, its values, data '
            f'and training settings\nas bpsim had them. Run it: it prints one line per '
            f'training step,\n"step K cost C", the costs `bpsim train` reports.\n"""\n')


def _settings_code(net: _Network) -> str:
    s = net.settings
    batch = s.batch if s.batch in ("full", "sgd") else int(s.batch)
    lines = [f"TITLE = {_s(net.title)}",
             f"LEARNING_RATE = {_f(s.learning_rate)}",
             f"OPTIMIZER = {_s(s.optimizer)}"]
    if s.optimizer == "momentum":
        lines.append(f"MOMENTUM = {_f(s.momentum)}")
    if s.optimizer == "adam":
        lines.append(f"BETA1, BETA2, EPS = {_f(s.beta1)}, {_f(s.beta2)}, {_f(s.eps)}")
    lines += [f"BATCH = {batch!r}          # 'full', 'sgd' (one row) or a number of rows",
              f"SHUFFLE = {bool(s.shuffle)!r}",
              f"SEED = {int(s.seed)}",
              f"MAX_STEPS = {int(net.max_steps)}",
              f"EPSILON = {None if s.epsilon is None else _f(s.epsilon)}   "
              f"# stop once an update moves the parameters less (None: never)",
              f"LOSS, REDUCTION = {_s(s.loss)}, {_s(s.reduction)}",
              f"PENALTY, LAMBDA = {_s(s.regularization)}, {_f(s.lam)}"]
    return "\n".join(lines)


def _data_code(net: _Network) -> str:
    held = net.rows - net.n_train
    lines = ["# Each input's and target's values, one per row of data; the first N_TRAIN",
             "# rows train" + (f", the last {held} are held out." if held else ".")]
    lines.append(f"N_TRAIN = {net.n_train}")
    lines.append("DATA = {")
    for name, values in net.data.items():
        lines.append(f"    {_s(name)}: {_vector(values, '    ')},")
    lines.append("}")
    lines.append("TARGETS = {      # each output's, in the loss's order")
    for name, values in net.targets.items():
        lines.append(f"    {_s(name)}: {_vector(values, '    ')},")
    lines.append("}")
    return "\n".join(lines)


BATCH_CODE = '''def next_batch(epoch, row):
    """The rows of the next batch and where the run is after it, as bpsim
    draws them: a full batch is every training row in order; mini-batches
    run through the epoch's order (shuffled from (SEED, epoch) when SHUFFLE),
    the last one of an epoch maybe smaller."""
    n = N_TRAIN
    k = n if BATCH == "full" else 1 if BATCH == "sgd" else min(int(BATCH), n)
    if BATCH == "full" or not SHUFFLE:
        start = 0 if BATCH == "full" else row
        rows = np.arange(start, min(start + k, n))
    else:
        rows = np.random.default_rng([SEED, epoch]).permutation(n)[row:row + k]
        start = row
    after = start + len(rows)
    return (rows, epoch + 1, 0) if after >= n else (rows, epoch, after)'''


def _loss_code(net: _Network, array: str = "np") -> str:
    kind = net.settings.loss
    value, grad = LOSS_CODE[kind]
    per_sample = LOSSES[kind].per_sample
    count = "1.0" if net.settings.reduction == "sum" else \
        ("y.shape[1]" if per_sample else "y.size")
    lines = []
    if kind == "softmax_ce":
        lines += ["def log_softmax(y):",
                  "    shifted = y - np.max(y, axis=0, keepdims=True)",
                  "    return shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))",
                  "", ""]
    lines += ["def loss_and_gradient(y, t):",
              f'    """The {kind} loss ({net.settings.reduction} over the batch) of outputs y',
              '    against targets t (outputs × rows), and its gradient ∂L/∂y."""',
              f"    count = {count}      # what the {net.settings.reduction} divides by",
              f"    loss = float(np.sum({value})) / count"]
    # the gradient's arithmetic as bpsim's, operation for operation: a
    # chaotic run (Adam at a large rate) carries a last bit's difference
    # into the costs
    if kind == "mse":
        lines.append("    return loss, (y - t) * (2.0 / count)")
    else:
        lines.append(f"    return loss, ({grad}) / count")
    return "\n".join(lines)


def _penalty_code() -> str:
    return '''def penalty_and_gradient(p):
    """λ·Σw² (l2) or λ·Σ|w| (l1) over the edges' weights, and its gradient."""
    weights = [name for name in p if name.startswith("w:")]
    if PENALTY == "none" or LAMBDA == 0.0:
        return 0.0, {}
    w = np.array([p[name] for name in weights])
    if PENALTY == "l2":
        return LAMBDA * float(w.dot(w)), dict(zip(weights, 2.0 * LAMBDA * w))
    return LAMBDA * float(np.sum(np.abs(w))), dict(zip(weights, LAMBDA * np.sign(w)))'''


OPTIMIZER_CODE = {
    "gd": '''def update(theta, grad, state):
    """Gradient descent: p ← p − η·g."""
    return theta - LEARNING_RATE * grad, state''',
    "momentum": '''def update(theta, grad, state):
    """Momentum (as torch.optim.SGD): v ← μ·v + g, p ← p − η·v; v starts as g."""
    v = grad.copy() if state is None else MOMENTUM * state + grad
    return theta - LEARNING_RATE * v, v''',
    "adam": '''def update(theta, grad, state):
    """Adam, arranged as torch.optim.Adam: m and v the moments, t the step."""
    m, v, t = state if state is not None else (None, None, 0)
    t += 1
    m = (1.0 - BETA1) * grad if m is None else BETA1 * m + (1.0 - BETA1) * grad
    v = (1.0 - BETA2) * grad * grad if v is None else BETA2 * v + (1.0 - BETA2) * grad * grad
    denom = np.sqrt(v) / np.sqrt(1.0 - BETA2 ** t) + EPS
    return theta - LEARNING_RATE * ((m / (1.0 - BETA1 ** t)) / denom), (m, v, t)''',
}

LOOP_CODE = '''epoch, row, state = 0, 0, None
for k in range(1, MAX_STEPS + 1):
    rows, next_epoch, next_row = next_batch(epoch, row)
    cost, grad = cost_and_gradient(theta, rows)
    print(f"step {k} cost {cost!r}")
    if not np.isfinite(cost):
        break                       # diverged: no update
    new_theta, new_state = update(theta, grad, state)
    if not finite(new_theta):
        break                       # diverged: the update is not applied
    change = distance(new_theta, theta)
    theta, state, epoch, row = new_theta, new_state, next_epoch, next_row
    if EPSILON is not None and change < EPSILON:
        break'''


# --- NumPy, node by node ----------------------------------------------------------------

GATE_CODE = {
    "add": lambda xs, c: " + ".join(xs),
    "mul": lambda xs, c: " * ".join(xs),
    "max": lambda xs, c: f"np.max(np.stack([{', '.join(xs)}]), axis=0)" if len(xs) > 1
    else xs[0],
    "neg": lambda xs, c: f"-{xs[0]}",
    "inv": lambda xs, c: f"1.0 / {xs[0]}",
    "exp": lambda xs, c: f"np.exp({xs[0]})",
    "log": lambda xs, c: f"np.log({xs[0]})",
    "square": lambda xs, c: f"{xs[0]} * {xs[0]}",
    "sigmoid": lambda xs, c: f"1.0 / (1.0 + np.exp(-{xs[0]}))",
    "tanh": lambda xs, c: f"np.tanh({xs[0]})",
    "relu": lambda xs, c: f"np.maximum({xs[0]}, 0.0)",
    "scale": lambda xs, c: f"{c} * {xs[0]}",
    "offset": lambda xs, c: f"{xs[0]} + {c}",
}


def _gate_local(fn: str, xs: list[str], out: str, i: int, c: str) -> str:
    """∂out/∂(input i) of a gate, in code."""
    if fn == "add":
        return "1.0"
    if fn == "mul":
        others = [x for j, x in enumerate(xs) if j != i]
        return " * ".join(others) if others else "1.0"
    if fn == "max":
        if len(xs) == 1:
            return "1.0"
        # the first maximal input takes the gradient
        return f"(np.argmax(np.stack([{', '.join(xs)}]), axis=0) == {i}).astype(float)"
    return {"neg": "-1.0", "inv": f"-({out} * {out})", "exp": out, "log": f"1.0 / {xs[0]}",
            "square": f"2.0 * {xs[0]}", "sigmoid": f"{out} * (1.0 - {out})",
            "tanh": f"1.0 - {out} * {out}", "relu": f"({xs[0]} > 0.0).astype(float)",
            "scale": c, "offset": "1.0"}[fn]


def _activations_code(acts: set[str]) -> str:
    out = []
    for act in sorted(acts):
        value, grad = ACTIVATION_CODE[act]
        out.append(f"def {act}(z):\n    return {value}\n\n\n"
                   f"def {act}_grad(z, a):\n    \"\"\"∂a/∂z, given z and a = {act}(z).\"\"\"\n"
                   f"    return {grad}")
    return "\n\n\n".join(out)


def _numpy_graph_parts(net: _Network) -> list[Part]:
    params = "\n".join(["# Every parameter by name: w:FROM->TO a weight, b:NEURON a bias,",
                        "# p:NAME a param node.",
                        "NAMES = [" + ", ".join(_s(n) for n in net.names) + "]",
                        "theta = " + _vector(list(net.params.values()), ""),
                        "", "",
                        "def named(theta):",
                        "    return dict(zip(NAMES, theta))"])
    acts = {n.activation or "identity" for n in net.nodes.values() if n.kind == "neuron"}
    forward = ["def forward(p, rows):",
               '    """Every node\'s value over the batch\'s rows (a), and each neuron\'s z."""',
               "    a, z = {}, {}"]
    for nid in net.order:
        node = net.nodes[nid]
        key = _s(nid)
        if node.kind in ("input", "const"):
            forward.append(f"    a[{key}] = {net.input_value(node)}")
        elif node.kind == "param":
            forward.append(f"    a[{key}] = np.full(len(rows), p[{_s(ParamName.param(nid))}])")
        elif node.kind == "neuron":
            terms = [f"p[{_s(e.name)}] * a[{_s(e.src)}]" for e in net.ins[nid]]
            terms.append(f"p[{_s(ParamName.bias(nid))}]")
            forward.append(f"    z[{key}] = " + " + ".join(terms))
            forward.append(f"    a[{key}] = {node.activation or 'identity'}(z[{key}])")
        else:
            xs = [f"a[{_s(e.src)}]" for e in net.ins[nid]]
            forward.append(f"    a[{key}] = {GATE_CODE[node.op](xs, _f(node.value or 0.0))}")
    forward.append("    return a, z")
    backward = ["def cost_and_gradient(theta, rows):",
                '    """The cost of the batch and its gradient by every parameter, node by',
                '    node from the outputs back: d[node] is ∂C/∂(its value)."""',
                "    p = named(theta)",
                "    a, z = forward(p, rows)",
                "    y = np.stack([" + ", ".join(f"a[{_s(o)}]" for o in net.outputs) + "])",
                "    t = np.stack([TARGETS[name][rows] for name in TARGETS])" if net.targets
                else "    t = None",
                "    loss, dy = loss_and_gradient(y, t)",
                "    d = {node: np.zeros(len(rows)) for node in a}",
                "    g = {name: 0.0 for name in NAMES}"]
    for k, o in enumerate(net.outputs):
        backward.append(f"    d[{_s(o)}] += dy[{k}]")
    for nid in reversed(net.order):
        node = net.nodes[nid]
        key = _s(nid)
        if node.kind == "neuron":
            act = node.activation or "identity"
            backward.append(f"    dz = d[{key}] * {act}_grad(z[{key}], a[{key}])   # δ of {nid!r}"
                            .replace("\n", " "))
            backward.append(f"    g[{_s(ParamName.bias(nid))}] = float(np.sum(dz))")
            for e in net.ins[nid]:
                backward.append(f"    g[{_s(e.name)}] = float(np.sum(a[{_s(e.src)}] * dz))")
                backward.append(f"    d[{_s(e.src)}] += p[{_s(e.name)}] * dz")
        elif node.kind == "op":
            xs = [f"a[{_s(e.src)}]" for e in net.ins[nid]]
            for i, e in enumerate(net.ins[nid]):
                local = _gate_local(node.op, xs, f"a[{key}]", i, _f(node.value or 0.0))
                backward.append(f"    d[{_s(e.src)}] += ({local}) * d[{key}]")
        elif node.kind == "param":
            backward.append(f"    g[{_s(ParamName.param(nid))}] = float(np.sum(d[{key}]))")
    backward += ["    penalty, penalty_grad = penalty_and_gradient(p)",
                 "    for name, value in penalty_grad.items():",
                 "        g[name] += value",
                 "    return loss + penalty, np.array([g[name] for name in NAMES])"]
    return [Part("Parameters", params),
            Part("Forward", "\n\n\n".join(filter(None, [_activations_code(acts),
                                                         "\n".join(forward)]))),
            Part("Backward", "\n\n\n".join([_loss_code(net), _penalty_code(),
                                            "\n".join(backward)]))]


# --- NumPy, vectorized (a layered network) --------------------------------------------

def _numpy_layered_parts(net: _Network) -> list[Part]:
    layers = net.layers
    p = net.params
    lines = ["# Layer l's parameters as one matrix WB[l] = [W b]: a row per neuron, its",
             "# weights from the layer before (a column each), then its bias. With a row",
             "# of ones under the layer before's values, Z = [W b]·[A; 1] is the notes'",
             "# W·A + b in one product, as bpsim computes it.",
             "LAYERS = [" + ", ".join("[" + ", ".join(_s(i) for i in layer) + "]"
                                       for layer in layers) + "]",
             "ACTIVATIONS = [" + ", ".join(_s(net.nodes[layer[0]].activation or "identity")
                                           for layer in layers[1:]) + "]",
             "# the outputs' rows of the last layer, in the loss's order",
             "OUTPUTS = [" + ", ".join(str(layers[-1].index(o)) for o in net.outputs) + "]"]
    lines.append("WB = [")
    for k in range(1, len(layers)):
        rows = ["[" + ", ".join([_f(p[ParamName.weight(src, dst)]) for src in layers[k - 1]]
                                + [_f(p[ParamName.bias(dst)])]) + "]" for dst in layers[k]]
        lines.append("    np.array([" + ",\n              ".join(rows) + "]),")
    lines.append("]")
    lines += ["theta = WB         # the parameters an update moves",
              f"L = {len(layers) - 1}"]
    acts = {net.nodes[layer[0]].activation or "identity" for layer in layers[1:]}
    forward = ["def with_ones(A):",
               "    return np.vstack([A, np.ones((1, A.shape[1]))])",
               "", "",
               "def forward(WB, rows):",
               '    """Layer by layer, Z[l] = [W b]·[A[l]; 1] and A[l+1] = φ(Z[l]); A[0]',
               '    holds the inputs (a row each) over the batch\'s rows (a column each)."""',
               "    A = [np.stack([DATA[name][rows] for name in LAYERS[0]])]",
               "    Z = []",
               "    for l in range(L):",
               "        Z.append(WB[l].dot(with_ones(A[l])))",
               "        A.append(ACTIVATION[ACTIVATIONS[l]](Z[l]))",
               "    return Z, A"]
    table = ("ACTIVATION = {" + ", ".join(f"{_s(act)}: {act}" for act in sorted(acts)) + "}\n"
             "ACTIVATION_GRAD = {" + ", ".join(f"{_s(act)}: {act}_grad" for act in sorted(acts))
             + "}")
    backward = [
        "def cost_and_gradient(WB, rows):",
        '    """The cost and, backwards layer by layer, dZ = dA·φ′(Z), [dW db] =',
        '    dZ·[A; 1]ᵀ and the layer before\'s dA = Wᵀ·dZ. dZ carries the 1/m of',
        f'    the loss\'s {net.settings.reduction} (it comes in with ∂L/∂Y), so dW is the',
        '    notes\' dZ·Aᵀ/m and db their Σ dZ/m."""',
        "    Z, A = forward(WB, rows)",
        "    y = A[L][OUTPUTS]",
        ("    t = np.stack([TARGETS[name][rows] for name in TARGETS])" if net.targets
         else "    t = None"),
        "    loss, dy = loss_and_gradient(y, t)",
        "    dA = np.zeros_like(A[L])",
        "    dA[OUTPUTS] = dy",
        "    grad = [None] * L",
        "    for l in reversed(range(L)):",
        "        dZ = dA if ACTIVATIONS[l] == 'identity' else \\",
        "            ACTIVATION_GRAD[ACTIVATIONS[l]](Z[l], A[l + 1]) * dA",
        "        grad[l] = dZ.dot(with_ones(A[l]).T)",
        "        dA = WB[l].T.dot(dZ)[:-1]          # the row of ones has no gradient",
        "    penalty = 0.0",
        "    if PENALTY != 'none' and LAMBDA != 0.0:     # on the weights, not the biases",
        "        W = [wb[:, :-1] for wb in WB]",
        "        if PENALTY == 'l2':",
        "            penalty = LAMBDA * sum(float(np.sum(w * w)) for w in W)",
        "            for g, w in zip(grad, W):",
        "                g[:, :-1] += 2.0 * LAMBDA * w",
        "        else:",
        "            penalty = LAMBDA * sum(float(np.sum(np.abs(w))) for w in W)",
        "            for g, w in zip(grad, W):",
        "                g[:, :-1] += LAMBDA * np.sign(w)",
        "    return loss + penalty, grad"]
    return [Part("Parameters", "\n".join(lines)),
            Part("Forward", "\n\n\n".join([_activations_code(acts), table, "\n".join(forward)])),
            Part("Backward", "\n\n\n".join([_loss_code(net), "\n".join(backward)]))]


# A layered network's parameters are a list of arrays (each layer's [W b]):
# each is updated as one array is, and its state kept beside it.
LAYERED_UPDATE = '''def update(theta, grad, state):
    """Each layer's [W b] updated as one array (update_one), its state beside it."""
    states = state if state is not None else [None] * len(theta)
    done = [update_one(p, g, s) for p, g, s in zip(theta, grad, states)]
    return [p for p, _ in done], [s for _, s in done]'''

# how far an update moved the parameters, and whether they are all finite
GRAPH_MEASURES = '''def finite(theta):
    return bool(np.all(np.isfinite(theta)))


def distance(new, old):
    return float(np.sqrt(np.sum((new - old) ** 2)))'''
LAYERED_MEASURES = '''def finite(theta):
    return all(np.all(np.isfinite(x)) for x in theta)


def distance(new, old):
    return float(np.sqrt(sum(np.sum((a - b) ** 2) for a, b in zip(new, old))))'''


def _numpy_parts(net: _Network) -> list[Part]:
    layered = net.layers is not None
    parts = [Part("Settings", "import numpy as np\n\n" + _settings_code(net)),
             Part("Data", _data_code(net) + "\n\n\n" + BATCH_CODE)]
    parts += _numpy_layered_parts(net) if layered else _numpy_graph_parts(net)
    optimizer = net.settings.optimizer
    one = OPTIMIZER_CODE[optimizer]
    update = one.replace("def update(", "def update_one(", 1) + "\n\n\n" + LAYERED_UPDATE \
        if layered else one
    parts.append(Part("Update", update))
    parts.append(Part("Training loop", (LAYERED_MEASURES if layered else GRAPH_MEASURES) +
                      "\n\n\n" + LOOP_CODE))
    return parts


# --- PyTorch ---------------------------------------------------------------------------

TORCH_ACTIVATIONS = {
    "identity": "z", "sigmoid": "torch.sigmoid(z)", "tanh": "torch.tanh(z)",
    "relu": "torch.relu(z)", "leaky_relu": "F.leaky_relu(z, 0.01)",
    "softplus": "torch.logaddexp(z, torch.zeros_like(z))",
    "step": "(z > 0.0).to(z.dtype)",
}

TORCH_GATES = {
    "add": lambda xs, c: " + ".join(xs),
    "mul": lambda xs, c: " * ".join(xs),
    # the first maximal input takes the gradient, as bpsim's gate
    "max": lambda xs, c: f"first_max([{', '.join(xs)}])" if len(xs) > 1 else xs[0],
    "neg": lambda xs, c: f"-{xs[0]}",
    "inv": lambda xs, c: f"1.0 / {xs[0]}",
    "exp": lambda xs, c: f"torch.exp({xs[0]})",
    "log": lambda xs, c: f"torch.log({xs[0]})",
    "square": lambda xs, c: f"{xs[0]} * {xs[0]}",
    "sigmoid": lambda xs, c: f"torch.sigmoid({xs[0]})",
    "tanh": lambda xs, c: f"torch.tanh({xs[0]})",
    "relu": lambda xs, c: f"torch.relu({xs[0]})",
    "scale": lambda xs, c: f"{c} * {xs[0]}",
    "offset": lambda xs, c: f"{xs[0]} + {c}",
}

# each loss element, in y and t, whose autograd gives bpsim's ∂L/∂y exactly
TORCH_LOSSES = {
    "none": "y",
    "mse": "(y - t) ** 2",
    "mae": "torch.abs(y - t)",
    "bce": "F.binary_cross_entropy(y, t, reduction='none')",
    "softmax_ce": "-torch.sum(t * torch.log_softmax(y, dim=0), dim=0, keepdim=True)",
    "hinge": "torch.where(t * y < 1.0, 1.0 - t * y, torch.zeros_like(y))",
    "perceptron": "torch.where(t * y <= 0.0, -t * y, torch.zeros_like(y))",
}

TORCH_OPTIMIZERS = {
    "gd": "torch.optim.SGD(parameters, lr=LEARNING_RATE)",
    "momentum": "torch.optim.SGD(parameters, lr=LEARNING_RATE, momentum=MOMENTUM)",
    "adam": "torch.optim.Adam(parameters, lr=LEARNING_RATE, betas=(BETA1, BETA2), eps=EPS)",
}


def _torch_parts(net: _Network) -> list[Part]:
    head = "\n".join(["import math", "", "import numpy as np", "import torch",
                      "import torch.nn.functional as F", "", _settings_code(net)])
    params = "\n".join([
        "# Every parameter by name (w:FROM->TO, b:NEURON, p:NAME), a float64 scalar.",
        "p = {", *[f"    {_s(n)}: torch.tensor({_f(v)}, dtype=torch.float64, requires_grad=True),"
                   for n, v in net.params.items()], "}",
        "parameters = list(p.values())",
        # a circuit has nothing to train: its cost is the same at every step
        f"optimizer = {TORCH_OPTIMIZERS[net.settings.optimizer]} if parameters else None"])
    forward = ["def first_max(xs):",
               '    """The largest of xs, its gradient to the first maximal one."""',
               "    stacked = torch.stack(xs)",
               "    first = torch.as_tensor(np.argmax(stacked.detach().numpy(), axis=0))",
               "    return torch.gather(stacked, 0, first.unsqueeze(0))[0]",
               "", "",
               "def forward(rows):",
               '    """Every node\'s value over the batch\'s rows, node by node."""',
               "    a = {}"]
    for nid in net.order:
        node = net.nodes[nid]
        key = _s(nid)
        if node.kind in ("input", "const"):
            if nid in net.data:
                forward.append(f"    a[{key}] = torch.tensor(DATA[{key}][rows])")
            else:
                forward.append(f"    a[{key}] = torch.full((len(rows),), {_f(node.value or 0.0)},"
                               f" dtype=torch.float64)")
        elif node.kind == "param":
            forward.append(f"    a[{key}] = p[{_s(ParamName.param(nid))}].expand(len(rows))")
        elif node.kind == "neuron":
            terms = [f"p[{_s(e.name)}] * a[{_s(e.src)}]" for e in net.ins[nid]]
            terms.append(f"p[{_s(ParamName.bias(nid))}]")
            forward.append("    z = " + " + ".join(terms))
            if not net.ins[nid]:
                forward.append("    z = z.expand(len(rows))")
            forward.append(f"    a[{key}] = {TORCH_ACTIVATIONS[node.activation or 'identity']}")
        else:
            xs = [f"a[{_s(e.src)}]" for e in net.ins[nid]]
            forward.append(f"    a[{key}] = {TORCH_GATES[node.op](xs, _f(node.value or 0.0))}")
    forward.append("    return a")
    kind = net.settings.loss
    count = "1.0" if net.settings.reduction == "sum" else \
        ("y.shape[1]" if LOSSES[kind].per_sample else "y.numel()")
    cost = [
        "def cost(rows):",
        '    """The loss over the batch (and the weights\' penalty), to differentiate."""',
        "    a = forward(rows)",
        "    y = torch.stack([" + ", ".join(f"a[{_s(o)}]" for o in net.outputs) + "])",
        "    t = torch.stack([torch.tensor(TARGETS[name][rows]) for name in TARGETS])"
        if net.targets else "    t = None",
        f"    loss = torch.sum({TORCH_LOSSES[kind]}) / {count}",
        "    weights = [value for name, value in p.items() if name.startswith('w:')]",
        "    if PENALTY == 'l2' and LAMBDA != 0.0 and weights:",
        "        loss = loss + LAMBDA * sum(w * w for w in weights)",
        "    elif PENALTY == 'l1' and LAMBDA != 0.0 and weights:",
        "        loss = loss + LAMBDA * sum(torch.abs(w) for w in weights)",
        "    return loss"]
    loop = '''epoch, row = 0, 0
for k in range(1, MAX_STEPS + 1):
    rows, next_epoch, next_row = next_batch(epoch, row)
    if optimizer is not None:
        optimizer.zero_grad()
    c = cost(rows)
    print(f"step {k} cost {c.item()!r}")
    if not math.isfinite(c.item()):
        break                       # diverged: no update
    if c.requires_grad:             # a circuit's cost depends on no parameter
        c.backward()
    for value in parameters:        # one the cost does not reach has gradient 0
        if value.grad is None:
            value.grad = torch.zeros_like(value)
    before = torch.cat([value.detach().reshape(1).clone() for value in parameters] or
                       [torch.zeros(0, dtype=torch.float64)])
    if optimizer is not None:
        optimizer.step()
    after = torch.cat([value.detach().reshape(1) for value in parameters] or
                      [torch.zeros(0, dtype=torch.float64)])
    if not bool(torch.isfinite(after).all()):
        break                       # diverged
    epoch, row = next_epoch, next_row
    if EPSILON is not None and float(torch.linalg.norm(after - before)) < EPSILON:
        break'''
    return [Part("Settings", head),
            Part("Data", _data_code(net) + "\n\n\n" + BATCH_CODE),
            Part("Parameters", params),
            Part("Forward", "\n".join(forward)),
            Part("Cost", "\n".join(cost)),
            Part("Training loop", loop)]


# --- assembling -----------------------------------------------------------------------

def _script(net: _Network, parts: list[Part]) -> str:
    body = "\n\n\n".join(f"# --- {part.title.lower()} " + "-" * max(4, 70 - len(part.title))
                         + "\n\n" + part.code for part in parts)
    what = "A bpsim network as a standalone PyTorch script." if "import torch" in body else \
        "A bpsim network as a standalone NumPy script."
    return _header(net, what) + body + "\n"


def _notebook(net: _Network, parts: list[Part]) -> str:
    """An .ipynb (nbformat 4) of the NumPy code: a cell per part."""
    def cell(kind: str, text: str) -> dict:
        c = {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True)}
        if kind == "code":
            c.update(execution_count=None, outputs=[])
        return c
    cells = [cell("markdown", "A bpsim network as NumPy code, one cell per part: settings, "
                              "data, parameters, forward, backward, update, training loop. "
                              "Run the cells in order; the last prints one line per training "
                              f"step, `step K cost C`. Written by bpsim {__version__}.")]
    for part in parts:
        cells.append(cell("markdown", f"## {part.title}"))
        cells.append(cell("code", part.code))
    doc = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name":
                                                         "Python 3", "language": "python"},
                                        "language_info": {"name": "python"}},
           "nbformat": 4, "nbformat_minor": 4}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
