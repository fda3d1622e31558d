"""Micro-steps explained: each formula in symbols, then with the numbers.

:func:`explain` turns one micro-step of the engine's trace into lines of
(what, symbols, numbers, result).  A :class:`Notation` decides how symbols
look — plain text for the terminal, HTML with sub- and superscripts for the
GUI — so the command line's handout and the GUI's explanation dock say the
same thing.  Nothing is recomputed here except the sums the trace's terms
already hold.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from ..engine.functions import ACTIVATIONS, GATES
from .numbers import PLAIN, WINDOW, number
from ..engine.losses import LOSSES
from ..engine.names import ParamName
from ..engine.trace import BackwardStep, CostStep, ForwardStep, UpdateStep


class Notation:
    """Plain-text symbols: z_h1, w_x1→h1, δ_h1, ∂C/∂a_h1."""

    def sub(self, base: str, index: str) -> str:
        return f"{base}_{index}"

    def escape(self, s: str) -> str:
        return s

    def bold(self, s: str) -> str:
        return s

    def hat(self, letter: str) -> str:
        """A letter with a circumflex (Adam's bias-corrected moments)."""
        return letter + "\u0302"


class HtmlNotation(Notation):
    """Rich text for Qt labels: subscripts as <sub>."""

    def sub(self, base: str, index: str) -> str:
        return f"{base}<sub>{html.escape(index)}</sub>"

    def escape(self, s: str) -> str:
        return html.escape(s)

    def bold(self, s: str) -> str:
        return f"<b>{s}</b>"

    def hat(self, letter: str) -> str:
        # Qt places a combining circumflex after DejaVu Sans letters anywhere
        # in the paragraph (seen on Linux); the serif face positions it right.
        return f"<span style='font-family:serif'>{letter}\u0302</span>"


TEXT = Notation()
HTML = HtmlNotation()


@dataclass(frozen=True)
class Line:
    what: str          # e.g. "z", "a", "∂C/∂w"
    symbols: str
    numbers: str
    result: str
    relation: str = "="    # "←" for an update

    def parts(self) -> list[str]:
        """symbols, numbers, result, leaving out what repeats ``what`` or the
        part before it (``∂C/∂a = ∂L/∂a = [..] = [..]`` says one thing twice)."""
        parts = [p for p in (self.symbols, self.numbers, self.result) if p]
        return [p for i, p in enumerate(parts) if p != self.what and (i == 0 or p != parts[i - 1])]


@dataclass(frozen=True)
class Explanation:
    title: str
    lines: tuple[Line, ...]
    more: int = 0          # lines left out (``max_lines``)


class Numbers:
    """How values are printed: significant digits, and which samples."""

    def __init__(self, digits: int = 4, max_samples: int = 6, sample: int | None = None,
                 minus: str = "-"):
        self.digits = digits
        self.max_samples = max_samples
        self.sample = sample   # one sample of the batch, or None for all
        self.minus = minus     # the window writes "−", as the canvas does; text output "-"

    def scalar(self, x: float) -> str:
        return number(x, self.digits, PLAIN if self.minus == "-" else WINDOW)

    def factor(self, x: float) -> str:
        """A number as a factor in a product: negatives in parentheses."""
        s = self.scalar(x)
        return f"({s})" if s.startswith(self.minus) else s

    def one_of(self, v: np.ndarray) -> bool:
        """Whether one sample of a batch of several is shown: a sum over the
        batch is then written with that sample's term, not its value alone."""
        return self.sample is not None and len(np.atleast_1d(v)) > 1

    def summand(self, *factors: np.ndarray) -> str:
        """The shown sample's term of a sum over the batch: ``… + a·b + …``."""
        term = "·".join(self.values(f, True) for f in factors) if len(factors) > 1 \
            else self.factor(np.atleast_1d(factors[0])[self.sample])
        return f"… + {term} + …"

    def values(self, v: np.ndarray, factor: bool = False) -> str:
        v = np.atleast_1d(v)
        if self.sample is not None:
            v = v[self.sample:self.sample + 1]
        if len(v) == 1:
            return self.factor(v[0]) if factor else self.scalar(v[0])
        shown = [self.scalar(x) for x in v[:self.max_samples]]
        more = ", …" if len(v) > self.max_samples else ""
        return "[" + ", ".join(shown) + more + "]"


def _node_symbol(n: Notation, node: str, kind: str, pre: bool = False) -> str:
    """A node's output: a_h for neurons (z_h before the activation), else its id."""
    if kind == "neuron":
        return n.sub("z" if pre else "a", node)
    return n.escape(node)


def _weight(n: Notation, src: str, dst: str) -> str:
    return n.sub("w", f"{src}→{dst}")


def _d(n: Notation, of: str) -> str:
    return f"∂C/∂{of}"


def explain_forward(step: ForwardStep, n: Notation, num: Numbers,
                    kinds: dict[str, str]) -> Explanation:
    if step.kind in ("input", "const", "param"):
        sym = n.escape(step.node)
        return Explanation(f"Forward: {_what_node(step.kind, step.fn)} {step.node}",
                           (Line(sym, sym, "", num.values(step.out)),))
    if step.kind == "op":
        names = [_node_symbol(n, o.node, kinds[o.node]) for o in step.operands]
        gate = GATES[step.fn]
        c = num.factor(step.constant) if gate.needs_value else ""
        value = gate.symbol(names, c)
        numbers = gate.symbol([num.values(o.value, True) for o in step.operands], c)
        return Explanation(f"Forward: {_what_node(step.kind, step.fn)} {step.node}",
                           (Line(n.escape(step.node), value, numbers, num.values(step.out)),))
    z = n.sub("z", step.node)
    sym_terms = [f"{_weight(n, o.node, step.node)}·{_node_symbol(n, o.node, kinds[o.node])}"
                 for o in step.operands] + [n.sub("b", step.node)]
    num_terms = [f"{num.factor(o.weight)}·{num.values(o.value, True)}" for o in step.operands] \
        + [num.factor(step.bias) if step.operands else num.scalar(step.bias)]
    act = ACTIVATIONS[step.fn].symbol
    lines = [Line(z, " + ".join(sym_terms), " + ".join(num_terms), num.values(step.z))]
    if step.fn != "identity":
        lines.append(Line(n.sub("a", step.node), f"{act}({z})",
                          f"{act}({num.values(step.z)})", num.values(step.out)))
    else:
        lines.append(Line(n.sub("a", step.node), z, num.values(step.z), num.values(step.out)))
    return Explanation(f"Forward: neuron {step.node} ({step.fn})", tuple(lines))


def explain_cost(step: CostStep, n: Notation, num: Numbers, kinds: dict[str, str]) -> Explanation:
    loss = LOSSES[step.loss_kind]
    per = loss.formula
    red = "mean" if step.reduction == "mean" else "Σ"
    symbols = f"{red} of {n.escape(per)}" if step.loss_kind != "none" else \
        " + ".join(_node_symbol(n, o, kinds[o]) for o in step.outputs)
    if step.lam and step.regularization != "none":
        symbols += " + λ·Σw²" if step.regularization == "l2" else " + λ·Σ|w|"
    elements = step.elements.ravel() if step.loss_kind != "none" else step.y.ravel()
    if num.one_of(elements):      # one sample's loss is a term of the batch's
        shown = f"{red}(…, {num.scalar(elements[num.sample])}, …)" \
            if step.loss_kind != "none" else num.summand(elements)
    else:
        shown = f"{red}({num.values(elements)})" if step.loss_kind != "none" \
            else num.values(elements)
    lines = []
    if step.loss_kind != "none":
        # what the loss compares, before its formula: y is each output, t its target
        for k, out in enumerate(step.outputs):
            lines.append(Line(f"y = {_node_symbol(n, out, kinds[out])}", "", "",
                              num.values(step.y[k])))
            if step.t is not None:
                lines.append(Line(n.sub("t", out), "", "", num.values(step.t[k])))
    # the loss is named L, as the backward pass names its derivative ∂L/∂a
    if step.penalty:
        lines.append(Line("L", symbols, shown, num.scalar(step.loss)))
        lines.append(Line("penalty", f"λ = {num.scalar(step.lam)}", "", num.scalar(step.penalty)))
        lines.append(Line("C", "L + penalty",
                          f"{num.scalar(step.loss)} + {num.scalar(step.penalty)}",
                          num.scalar(step.cost)))
    else:
        lines.append(Line("C" if step.loss_kind == "none" else "C = L", symbols, shown,
                          num.scalar(step.loss)))
    for k, out in enumerate(step.outputs):
        sym = _node_symbol(n, out, kinds[out])
        lines.append(Line(_d(n, sym) if step.loss_kind == "none" else f"∂L/∂{sym}",
                          n.escape(loss.grad_formula)
                          + (f" / {'n' if step.reduction == 'mean' else '1'}"
                             if step.loss_kind != "none" else ""),
                          "", num.values(step.dy[k])))
    if step.loss_kind == "none":       # a circuit: its output is the cost, no loss on it
        title = "Cost: the output itself"
    else:
        title = f"Cost: {step.loss_kind} ({step.reduction})"
    return Explanation(title, tuple(lines))


def explain_backward(step: BackwardStep, n: Notation, num: Numbers,
                     kinds: dict[str, str], loss_kind: str | None = None) -> Explanation:
    out_sym = _node_symbol(n, step.node, step.kind)
    sym_terms: list[str] = []
    num_terms: list[str] = []
    if step.loss_term is not None:
        # a circuit's output is its cost: ∂C/∂f = 1, no loss L to name
        sym_terms.append("1" if loss_kind == "none" else f"∂L/∂{out_sym}")
        num_terms.append(num.values(step.loss_term, True))
    for t in step.terms:
        if t.through == "weight":
            sym_terms.append(f"{_weight(n, step.node, t.consumer)}·{n.sub('δ', t.consumer)}")
        else:
            sym_terms.append(f"∂{n.escape(t.consumer)}/∂{out_sym}·{_d(n, n.escape(t.consumer))}")
        # A weight is one number for the whole batch; a gate's local derivative is per sample.
        factor = num.factor(t.factor[0]) if t.through == "weight" else num.values(t.factor, True)
        num_terms.append(f"{factor}·{num.values(t.upstream, True)}")
    lines: list[Line] = []
    if sym_terms:
        lines.append(Line(_d(n, out_sym), " + ".join(sym_terms), " + ".join(num_terms),
                          num.values(step.dout)))
    else:
        lines.append(Line(_d(n, out_sym), "0 (nothing reads this node)", "",
                          num.values(step.dout)))
    if step.kind == "neuron":
        lines.append(Line(n.sub("δ", step.node),
                          f"{ACTIVATIONS[step.fn].symbol}′({n.sub('z', step.node)})·{_d(n, out_sym)}",
                          f"{num.values(step.local, True)}·{num.values(step.dout, True)}",
                          num.values(step.dz)))
    for g in step.grads:
        name = ParamName(g.name)
        kind, rest = name.kind, name.rest
        # Σ over the batch's samples; with one sample there is nothing to add.
        # With one sample of several shown, the sum is written with its term:
        # the result is the batch's, and a sample's factors alone would not
        # give it.
        batch = len(np.atleast_1d(g.delta))
        sigma = "Σ " if batch > 1 else ""
        one = num.one_of(g.delta)
        if kind == "w":
            src = g.source
            sym = f"{sigma}{_node_symbol(n, src, kinds[src])}·{n.sub('δ', step.node)}"
            numbers = num.summand(g.a_prev, g.delta) if one else \
                f"{sigma}{num.values(g.a_prev, True)}·{num.values(g.delta, True)}"
            what = _d(n, _weight(n, src, step.node))
        else:
            of = n.sub("b", step.node) if kind == "b" else n.escape(rest)
            upstream = n.sub("δ", step.node) if kind == "b" else _d(n, n.escape(rest))
            what = _d(n, of)
            if batch == 1 and kind != "b" and not g.penalty:
                continue    # a parameter node's gradient is the line above's
            sym = f"{sigma}{upstream}"
            numbers = num.summand(g.delta) if one else f"{sigma}{num.values(g.delta)}"
        if g.penalty:
            sym += " + penalty′"
            numbers += f" + {num.factor(g.penalty)}"
        lines.append(Line(what, sym, numbers, num.scalar(g.value)))
    return Explanation(f"Backward: {_what_node(step.kind, step.fn)} {step.node}", tuple(lines))


def _what_node(kind: str, fn: str) -> str:
    """How titles name a node, the same going forward and backward."""
    if kind == "op":
        return f"{fn} gate"
    return {"input": "input", "const": "constant", "param": "parameter"}.get(kind, kind)


def _param_symbol(n: Notation, name: str) -> str:
    name = ParamName(name)
    if name.kind == ParamName.WEIGHT:
        return _weight(n, *name.edge.ends)
    if name.kind == ParamName.BIAS:
        return n.sub("b", name.node)
    return n.escape(name.node)


def explain_update(step: UpdateStep, n: Notation, num: Numbers,
                   max_lines: int | None = None) -> Explanation:
    rule = {"gd": "p − η·g", "momentum": "p − η·v,  v = μ·v + g",
            "adam": f"p − η·{n.hat('m')}/(√{n.hat('v')} + ε)"}[step.optimizer]
    lines = []
    shown = len(step.names)
    if max_lines is not None and shown > max_lines + 2:
        # "… and 1 more" in place of the one line it stands for would hide it
        shown = max_lines
    for k, name in enumerate(step.names[:shown]):
        p = _param_symbol(n, name)
        direction = step.grads[k] if step.direction is None else step.direction[k]
        after = "not applied (diverged)" if step.after is None else num.scalar(step.after[k])
        lines.append(Line(p, rule.replace("p", p, 1),
                          f"{num.scalar(step.before[k])} − {num.scalar(step.learning_rate)}·"
                          f"{num.factor(direction)}", after, "←"))
    if not step.names:
        return Explanation("Update: no parameters to update", ())
    return Explanation(f"Update: {step.optimizer}, η = {num.scalar(step.learning_rate)}",
                       tuple(lines), len(step.names) - shown)


def explain(step, kinds: dict[str, str], notation: Notation = TEXT,
            numbers: Numbers | None = None, loss_kind: str | None = None,
            max_lines: int | None = None) -> Explanation:
    """Any micro-step; ``kinds`` maps node ids to their kinds; ``loss_kind``,
    the document's loss, names the output's gradient ("none": a circuit).
    ``max_lines``: an update of more than that and two parameters explains
    the first ``max_lines`` and counts the rest (a big network's update has
    hundreds; the window shows a dozen, and writing them all cost ms)."""
    num = numbers or Numbers()
    if isinstance(step, ForwardStep):
        return explain_forward(step, notation, num, kinds)
    if isinstance(step, CostStep):
        return explain_cost(step, notation, num, kinds)
    if isinstance(step, BackwardStep):
        return explain_backward(step, notation, num, kinds, loss_kind)
    return explain_update(step, notation, num, max_lines)


def render_text(expl: Explanation, number: int | None = None) -> str:
    head = f"[{number}] {expl.title}" if number is not None else expl.title
    out = [head]
    for line in expl.lines:
        out.append("    " + _equation(line))
    return "\n".join(out)


def _equation(line: Line) -> str:
    """what ← symbols = numbers = result, leaving out repeats."""
    return f"{line.what} {line.relation} " + " = ".join(line.parts())


def render_markdown(expl: Explanation, number: int | None = None) -> str:
    head = f"{number}. **{expl.title}**" if number is not None else f"**{expl.title}**"
    out = [head, ""]
    for line in expl.lines:
        out.append(f"   - `{_equation(line)}`")
    return "\n".join(out) + "\n"
