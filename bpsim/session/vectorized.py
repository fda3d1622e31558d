"""The vectorized form of a layer's step, for layered networks: the same
numbers as the node-by-node trace, gathered into the matrices of the notes'
"Z = W·A + b, dW = dZ·Aᵀ, db = Σ dZ, dA_prev = Wᵀ·dZ"."""
from __future__ import annotations

import html

import numpy as np

from ..document import Document
from ..document.building import levels_of
from ..engine.names import ParamName
from ..engine.trace import BackwardStep, ForwardStep
from .explain import Numbers
from .stepper import Stepper


BRACKET = "1px solid #444"


def _number(v: float, digits: int) -> str:
    return Numbers(digits=digits, minus="−").scalar(v)      # as the explanation writes it


def _matrix(m: np.ndarray, digits: int, max_cols: int = 6, names: list[str] | None = None) -> str:
    """A matrix in brackets (the first and last columns' cells carry them);
    ``names`` label its rows, in grey, on the left."""
    m = np.atleast_2d(m)
    cols = min(m.shape[1], max_cols) + (m.shape[1] > max_cols)
    cells = []
    for i, row in enumerate(m):
        shown = [_number(v, digits) for v in row[:max_cols]]
        if len(row) > max_cols:
            shown.append("…")
        tds = []
        for j, c in enumerate(shown):
            side = ";".join(x for x in (f"border-left:{BRACKET}" if j == 0 else "",
                                        f"border-right:{BRACKET}" if j == cols - 1 else "") if x)
            tds.append(f"<td align='right' style='padding:1px 4px;white-space:nowrap;{side}'>"
                       f"{c}</td>")
        label = (f"<td style='color:#888;padding-right:3px;white-space:nowrap'>"
                 f"{html.escape(names[i])}</td>"
                 if names else "")
        cells.append(f"<tr>{label}{''.join(tds)}</tr>")
    return f"<table cellspacing='0' cellpadding='0'>{''.join(cells)}</table>"


def _equation(lhs: str, *lines: list[str]) -> str:
    """``lhs`` = the first line's parts, then = each next line's, the parts
    (matrices and operators) side by side."""
    rows = []
    for k, parts in enumerate(lines):
        inner = "".join(f"<td valign='middle' style='padding:0 2px;white-space:nowrap'>{p}</td>"
                        for p in parts)
        rows.append(f"<tr><td valign='middle' align='right' style='white-space:nowrap'>"
                    f"{lhs if k == 0 else ''}</td>"
                    f"<td valign='middle' style='padding:0 4px'>=</td>"
                    f"<td><table cellspacing='0'><tr>{inner}</tr></table></td></tr>")
    return f"<table cellspacing='3' style='font-size:10pt'>{''.join(rows)}</table>"


def vectorized_html(doc: Document, stepper: Stepper, digits: int,
                    sample: int | None = None) -> str:
    """The layer of the micro-step's neuron, all its neurons and samples at
    once; in the backward pass also the chain rule for vectors at one
    sample (``sample``, else the first): the Jacobians and their product."""
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
    W = np.array([[before[ParamName.weight(s, d)] for s in sources] for d in layer])
    b = np.array([[before[ParamName.bias(d)]] for d in layer])
    A_prev = np.array([fwd[s].out for s in sources])
    m = A_prev.shape[1]
    mat = lambda x, names=None: _matrix(x, digits, names=names)     # noqa: E731
    a_prev, w_t = "A<sub>prev</sub>", "W<sup>T</sup>"
    rows = ["<hr><p style='font-size:12pt'><b>Vectorized, layer of "
            f"{html.escape(', '.join(layer))}</b> — the whole layer at once: a row per "
            f"neuron, a column per sample (m = {m})</p>"]
    if isinstance(micro, ForwardStep):
        Z = np.array([fwd[d].z for d in layer])
        rows.append(_equation("Z", [f"W·{a_prev} + b"],
                              [mat(W, layer), "·", mat(A_prev, sources), "+", mat(b)],
                              [mat(Z, layer)]))
    else:
        dZ = np.array([bwd[d].dz for d in layer])
        dA = np.array([bwd[d].dout for d in layer])
        local = np.array([bwd[d].local for d in layer])
        rows.append(_equation("dZ", ["dA ⊙ φ′(Z)"],
                              [mat(dA, layer), "⊙", mat(local)], [mat(dZ, layer)]))
        rows.append("<p style='font-size:11pt'>(element by element; the mean's 1/m is "
                    "already inside dA)</p>")
        rows.append(_equation("dW", [f"dZ·{a_prev}<sup>T</sup>"],
                              [mat(dZ, layer), "·", mat(A_prev.T)],
                              [mat(dZ @ A_prev.T, layer)]))
        rows.append(_equation("db", ["Σ<sub>samples</sub> dZ"],
                              [mat(dZ.sum(axis=1, keepdims=True), layer)]))
        rows.append(_equation("dA<sub>prev</sub>", [f"{w_t}·dZ"],
                              [mat(W.T, sources), "·", mat(dZ)],
                              [mat(W.T @ dZ, sources)]))
        rows.extend(_jacobians(layer, W, local, digits, 0 if sample is None else sample, m))
    return "".join(rows)


def _jacobians(layer: list[str], W: np.ndarray, local: np.ndarray, digits: int, k: int,
               m: int) -> list[str]:
    """The notes' chain rule for vectors, D[f∘g] = Df·Dg, at sample ``k``:
    a = φ(z) has the Jacobian diag(φ′(z)), z = W·a_prev + b has W, and
    ∂a/∂a_prev is their product."""
    mat = lambda x, names=None: _matrix(x, digits, names=names)     # noqa: E731
    diagonal = np.diag(local[:, k])
    a_prev = "a<sub>prev</sub>"
    return [f"<p style='font-size:12pt'><b>The chain rule for vectors</b>, sample {k + 1} "
            f"of {m}: D[f∘g] = Df·Dg</p>",
            _equation("∂a/∂z", ["diag(φ′(z))"], [mat(diagonal, layer)]),
            _equation(f"∂z/∂{a_prev}", ["W"], [mat(W, layer)]),
            _equation(f"∂a/∂{a_prev}", [f"∂a/∂z · ∂z/∂{a_prev}"],
                      [mat(diagonal, layer), "·", mat(W, layer)], [mat(diagonal @ W, layer)])]
