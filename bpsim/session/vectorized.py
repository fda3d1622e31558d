"""The vectorized form of a layer's step, for layered networks: the same
numbers as the node-by-node trace, gathered into the matrices of the notes'
"Z = W·A + b, dW = dZ·Aᵀ, db = Σ dZ, dA_prev = Wᵀ·dZ"."""
from __future__ import annotations

import html

import numpy as np

from ..document import Document
from ..document.building import levels_of
from ..engine.trace import BackwardStep, ForwardStep
from .stepper import Stepper


def _matrix(m: np.ndarray, digits: int, max_cols: int = 6) -> str:
    m = np.atleast_2d(m)
    cells = []
    for row in m:
        shown = [f"{v:.{digits}g}" for v in row[:max_cols]]
        if len(row) > max_cols:
            shown.append("…")
        cells.append("<tr>" + "".join(f"<td align='right' style='padding:0 6px'>{c}</td>"
                                      for c in shown) + "</tr>")
    return ("<table style='border-left:2px solid #555;border-right:2px solid #555;"
            "display:inline-table'>" + "".join(cells) + "</table>")


def vectorized_html(doc: Document, stepper: Stepper, digits: int) -> str:
    micro = stepper.micro
    if not isinstance(micro, (ForwardStep, BackwardStep)) or micro.kind != "neuron":
        return "<p style='color:#777'>The vectorized form applies to a layer of neurons.</p>"
    level = levels_of(doc)
    layer = [n.id for n in doc.nodes if n.kind == "neuron" and level[n.id] == level[micro.node]]
    sources = sorted({e.src for e in doc.edges if e.dst in layer},
                     key=[n.id for n in doc.nodes].index)
    weights = {(e.src, e.dst) for e in doc.edges}
    if any(level[s] != level[micro.node] - 1 for s in sources) or \
            any((s, d) not in weights for s in sources for d in layer):
        return ("<p style='color:#777'>This layer is not fully connected to the one before: "
                "the node-by-node form is the whole story here.</p>")
    fwd = {m.node: m for m in stepper.trace.steps if isinstance(m, ForwardStep)}
    bwd = {m.node: m for m in stepper.trace.steps if isinstance(m, BackwardStep)}
    update = stepper.trace.steps[-1]
    before = dict(zip(update.names, update.before))
    W = np.array([[before[f"w:{s}->{d}"] for s in sources] for d in layer])
    b = np.array([[before[f"b:{d}"]] for d in layer])
    A_prev = np.array([fwd[s].out for s in sources])
    m = A_prev.shape[1]
    shape = f"({len(layer)}×{m})"
    rows = ["<hr><p style='font-size:12pt'><b>Vectorized, layer of "
            f"{html.escape(', '.join(layer))}</b> — m = {m} sample(s)</p>"]
    if isinstance(micro, ForwardStep):
        Z = np.array([fwd[d].z for d in layer])
        rows.append(f"<p>Z = W·A<sub>prev</sub> + b {shape}</p>")
        rows.append(f"<p>{_matrix(Z, digits)} = {_matrix(W, digits)} · "
                    f"{_matrix(A_prev, digits)} + {_matrix(b, digits)}</p>")
    else:
        dZ = np.array([bwd[d].dz for d in layer])
        dW = dZ @ A_prev.T
        rows.append("<p>dZ = dA ⊙ φ′(Z); dW = dZ·A<sub>prev</sub><sup>T</sup>; "
                    "db = Σ<sub>samples</sub> dZ; dA<sub>prev</sub> = W<sup>T</sup>·dZ "
                    "(the mean's 1/m is already inside dZ)</p>")
        rows.append(f"<p>dW = {_matrix(dZ, digits)} · {_matrix(A_prev.T, digits)} = "
                    f"{_matrix(dW, digits)}</p>")
        rows.append(f"<p>db = {_matrix(dZ.sum(axis=1, keepdims=True), digits)}, "
                    f"dA<sub>prev</sub> = {_matrix(W.T @ dZ, digits)}</p>")
    return "".join(rows)
