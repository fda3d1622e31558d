"""Micro-steps explained: each formula in symbols, then with the numbers.

:func:`explain` turns one micro-step of the engine's trace into lines of
(what, symbols, numbers, result).  A :class:`Notation` decides how symbols
look — plain text for the terminal, HTML with sub- and superscripts for the
GUI — so the command line's handout and the GUI's explanation dock say the
same thing.  Nothing is recomputed here except the sums the trace's terms
already hold.
"""
from __future__ import annotations

import copy
import html
from dataclasses import dataclass

import numpy as np

from ..engine.functions import ACTIVATIONS, GATES
from .numbers import PLAIN, WINDOW, number
from ..engine.losses import LOSSES, PENALTIES, reduction_count
from ..engine.names import ParamName
from ..engine.trace import BackwardStep, CostStep, ForwardStep, IterationTrace, UpdateStep


class Notation:
    """Plain-text symbols: z_h1, w_x1→h1, δ_h1, ∂C/∂a_h1.

    ``named`` gives a copy that calls nodes by their names in the formulas
    (formula_names) and the cost by its symbol (a circuit's output's name)."""

    names: dict[str, str] = {}
    cost: str = "C"        # in the notation (a circuit's output's symbol: a_h, f)

    def named(self, names: dict[str, str] | None) -> "Notation":
        other = copy.copy(self)
        other.names = names or {}
        return other

    def called(self, node: str) -> str:
        """A node's name in the formulas (not yet escaped)."""
        return self.names.get(node, node)

    def sub(self, base: str, index: str) -> str:
        return f"{base}_{index}"

    def sub_of(self, base: str, symbol: str) -> str:
        """``base`` with a symbol already in the notation below it: v of w_x→h."""
        return f"{base}_{symbol}"

    def escape(self, s: str) -> str:
        return s

    def bold(self, s: str) -> str:
        return s

    def hat(self, letter: str) -> str:
        """A letter with a circumflex (Adam's bias-corrected moments)."""
        return letter + "\u0302"

    def sup(self, base: str, power: str) -> str:
        return f"{base}^{power}"


class HtmlNotation(Notation):
    """Rich text for Qt labels: subscripts as <sub>."""

    def sub(self, base: str, index: str) -> str:
        return f"{base}<sub>{html.escape(index)}</sub>"

    def sub_of(self, base: str, symbol: str) -> str:
        return f"{base}<sub>{symbol}</sub>"      # not escaped again: it is markup

    def escape(self, s: str) -> str:
        return html.escape(s)

    def bold(self, s: str) -> str:
        return f"<b>{s}</b>"

    def hat(self, letter: str) -> str:
        # Qt places a combining circumflex after DejaVu Sans letters anywhere
        # in the paragraph (seen on Linux); the serif face positions it right.
        return f"<span style='font-family:serif'>{letter}\u0302</span>"

    def sup(self, base: str, power: str) -> str:
        return f"{base}<sup>{html.escape(power)}</sup>"


TEXT = Notation()
HTML = HtmlNotation()


@dataclass(frozen=True)
class Line:
    what: str          # e.g. "z", "a", "∂C/∂w"
    symbols: str
    numbers: str
    result: str
    relation: str = "="    # "←" for an update
    # a local derivative's rule, in the operands' names, between the symbols
    # and the numbers: ∂f/∂p = ∂(1/p)/∂p = −1/p² = −1/(1.37)² = −0.5344
    rule: str = ""
    given: bool = False    # a value given, not computed: an input's, a target's

    def parts(self) -> list[str]:
        """symbols, rule, numbers, result, leaving out what repeats ``what``
        or the part before it (``∂C/∂a = ∂L/∂a = [..] = [..]`` says one
        thing twice)."""
        parts = [p for p in (self.symbols, self.rule, self.numbers, self.result) if p]
        return [p for i, p in enumerate(parts) if p != self.what and (i == 0 or p != parts[i - 1])]

    def rich(self, part: str) -> bool:
        """Whether a part of ``parts()`` is in the notation (symbols, rule),
        not plain numbers."""
        return part is self.symbols or part is self.rule


@dataclass(frozen=True)
class Explanation:
    title: str
    lines: tuple[Line, ...]
    more: int = 0          # lines left out (``max_lines``)


class Numbers:
    """How values are printed: significant digits, and which samples."""

    def __init__(self, digits: int = 4, max_samples: int = 6, sample: int | None = None,
                 minus: str = "-", cut_to: int | None = None):
        self.digits = digits
        self.max_samples = max_samples     # a batch up to this size is written whole
        self.cut_to = max_samples if cut_to is None else cut_to   # a bigger one: its first few
        self.sample = sample   # one sample of the batch, or None for all
        self.minus = minus     # the window writes "−", as the canvas does; text output "-"

    def scalar(self, x: float) -> str:
        return number(x, self.digits, PLAIN if self.minus == "-" else WINDOW)

    def factor(self, x: float) -> str:
        """A number as a factor in a product: negatives in parentheses."""
        s = self.scalar(x)
        return f"({s})" if s.startswith(self.minus) else s

    def write(self, v) -> str:
        """A value, or a batch's, as a factor: how a rule is written with its
        numbers in (functions.Write)."""
        return self.values(v, True)

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
        if len(v) <= self.max_samples:
            return "[" + ", ".join(self.scalar(x) for x in v) + "]"
        # the batch's size said where the values are cut short
        return "[" + ", ".join(self.scalar(x) for x in v[:self.cut_to]) + f", … of {len(v)}]"


def _node_symbol(n: Notation, node: str, kind: str, pre: bool = False) -> str:
    """A node's output: a_h for neurons (z_h before the activation), else its id."""
    if kind == "neuron":
        return n.sub("z" if pre else "a", n.called(node))
    return n.escape(n.called(node))


def _weight(n: Notation, src: str, dst: str) -> str:
    return n.sub("w", f"{n.called(src)}→{n.called(dst)}")


def _d(n: Notation, of: str) -> str:
    return f"∂{n.cost}/∂{of}"


def explain_forward(step: ForwardStep, n: Notation, num: Numbers,
                    kinds: dict[str, str]) -> Explanation:
    if step.kind in ("input", "const", "param"):
        sym = n.escape(n.called(step.node))
        return Explanation(f"Forward: {_what_node(step.kind, step.fn)} {n.called(step.node)}",
                           (Line(sym, sym, "", num.values(step.out), given=True),))
    if step.kind == "op":
        names = [_node_symbol(n, o.node, kinds[o.node]) for o in step.operands]
        gate = GATES[step.fn]
        c = num.factor(step.constant) if gate.needs_value else ""
        value = gate.symbol(names, c)
        numbers = gate.symbol([num.values(o.value, True) for o in step.operands], c)
        return Explanation(f"Forward: {_what_node(step.kind, step.fn)} {n.called(step.node)}",
                           (Line(n.escape(n.called(step.node)), value, numbers,
                                 num.values(step.out)),))
    z = n.sub("z", n.called(step.node))
    sym_terms = [f"{_weight(n, o.node, step.node)}·{_node_symbol(n, o.node, kinds[o.node])}"
                 for o in step.operands] + [n.sub("b", n.called(step.node))]
    num_terms = [f"{num.factor(o.weight)}·{num.values(o.value, True)}" for o in step.operands] \
        + [num.factor(step.bias) if step.operands else num.scalar(step.bias)]
    act = ACTIVATIONS[step.fn].symbol
    lines = [Line(z, " + ".join(sym_terms), " + ".join(num_terms), num.values(step.z))]
    if step.fn != "identity":
        lines.append(Line(n.sub("a", n.called(step.node)), f"{act}({z})",
                          f"{act}({num.values(step.z)})", num.values(step.out)))
    else:
        lines.append(Line(n.sub("a", n.called(step.node)), z, num.values(step.z),
                          num.values(step.out)))
    return Explanation(f"Forward: neuron {n.called(step.node)} ({step.fn})", tuple(lines))


def split_top(expr: str, separators: tuple[str, ...]) -> list[str]:
    """``expr`` split at the separators outside its brackets: a sum's terms
    (" + "), a case's parts (", ")."""
    parts, depth, start, k = [], 0, 0, 0
    while k < len(expr):
        depth += expr[k] in "(["
        depth -= expr[k] in ")]"
        sep = next((s for s in separators if expr.startswith(s, k)), None) if depth == 0 \
            else None
        if sep:
            parts.append(expr[start:k])
            start = k = k + len(sep)
            continue
        k += 1
    return parts + [expr[start:]]


def _over(expr: str, n: str) -> str:
    """``expr``/``n``, in parentheses where ``expr`` has a sum or a case at
    its top (``(softmax(y)·Σt − t)/n``, not ``softmax(y)·Σt − t/n``)."""
    top = len(split_top(expr, (" + ", " − ", ", "))) > 1
    return f"({expr})/{n}" if top else f"{expr}/{n}"


def explain_cost(step: CostStep, n: Notation, num: Numbers, kinds: dict[str, str]) -> Explanation:
    loss = LOSSES[step.loss_kind]
    circuit = step.loss_kind == "none"
    mean = step.reduction == "mean"
    red = "mean" if mean else "Σ"
    rows = step.y.shape[1] if step.y.ndim > 1 else 1
    outputs = " + ".join(_node_symbol(n, o, kinds[o]) for o in step.outputs)
    if circuit:
        # the output itself; over a batch, its mean (or sum), as the contract takes it
        symbols = outputs if rows == 1 else f"{red} of {outputs}"
    else:
        symbols = f"{red} of {n.escape(loss.formula)}"
    elements = step.elements.ravel() if not circuit else step.y.ravel()
    if num.one_of(elements):      # one sample's loss is a term of the batch's
        shown = f"{red}(…, {num.scalar(elements[num.sample])}, …)"
    elif len(elements) > 1 or not circuit:
        shown = f"{red}({num.values(elements)})"
    else:
        shown = num.values(elements)
    lines = []
    if not circuit:
        # what the loss compares, before its formula: y is each output, t its target
        for k, out in enumerate(step.outputs):
            lines.append(Line(f"y = {_node_symbol(n, out, kinds[out])}", "", "",
                              num.values(step.y[k]), given=True))
            if step.t is not None:
                lines.append(Line(n.sub("t", n.called(out)), "", "", num.values(step.t[k]),
                                  given=True))
    # the loss is named L, as the backward pass names its derivative ∂L/∂a
    if step.penalty:
        penalty = PENALTIES[step.regularization]
        lines.append(Line("L", symbols, shown, num.scalar(step.loss)))
        # λ times the weights' sum: the sum itself is the penalty over λ
        total = step.penalty / step.lam
        lines.append(Line("penalty", n.escape(penalty.formula),
                          f"{num.factor(step.lam)}·{num.factor(total)}",
                          num.scalar(step.penalty)))
        lines.append(Line("C", "L + penalty",
                          f"{num.scalar(step.loss)} + {num.scalar(step.penalty)}",
                          num.scalar(step.cost)))
    else:
        lines.append(Line("C" if circuit else "C = L", symbols, shown, num.scalar(step.loss)))
    if step.loss_kind in ("hinge", "perceptron") and step.t is not None:
        # the perceptron notes' zero-one loss beside it: the share of the
        # (sample, output) pairs on the wrong side, t·y ≤ 0
        errors = int(np.count_nonzero(step.t * step.y <= 0.0))
        lines.append(Line("zero-one", "errors/rows", f"{errors}/{step.y.size}",
                          num.scalar(errors / step.y.size)))
    count = reduction_count(loss, len(step.outputs), rows, step.reduction)
    for k, out in enumerate(step.outputs):
        sym = _node_symbol(n, out, kinds[out])
        rule = loss.rule
        numbers = "" if loss.rule_numbers is None or step.t is None else \
            loss.rule_numbers(step.y, step.t, k, num.write)
        if mean and count != 1:
            rule = _over(rule, "n")
            numbers = _over(numbers, num.scalar(count)) if numbers else \
                (f"1/{num.scalar(count)}" if circuit else "")
        what = _d(n, sym) if circuit else f"∂L/∂{sym}"
        lines.append(Line(what, "", numbers, num.values(step.dy[k]),
                          rule=n.escape(rule)))
    if circuit:       # a circuit: its output is the cost, no loss on it
        title = "Cost: the output itself" if rows == 1 else \
            f"Cost: the output's {'mean' if mean else 'sum'} over the batch"
    else:
        title = f"Cost: {step.loss_kind} ({step.reduction})"
    return Explanation(title, tuple(lines))


def _gate_local(n: Notation, num: Numbers, kinds: dict[str, str], node: str, out_sym: str,
                consumer: ForwardStep, factor: np.ndarray) -> Line:
    """∂q/∂x for the gate q that reads ``node``: the gate's formula, its
    local derivative's rule, then the numbers: ∂f/∂p = ∂(1/p)/∂p = −1/p² = …"""
    gate = GATES[consumer.fn]
    names = [_node_symbol(n, o.node, kinds[o.node]) for o in consumer.operands]
    i = next(k for k, o in enumerate(consumer.operands) if o.node == node)
    c = num.factor(consumer.constant) if gate.needs_value else ""
    numbers = ""
    if gate.local_numbers is not None:
        numbers = gate.local_numbers([o.value for o in consumer.operands], i, consumer.out,
                                     consumer.constant, num.write) or ""
    return Line(f"∂{n.escape(n.called(consumer.node))}/∂{out_sym}",
                f"∂({gate.symbol(names, c)})/∂{out_sym}", numbers, num.values(factor),
                rule=gate.local_symbol(names, i, c))


# the last trace read by _read_steps and what it gave, replaced as one tuple
# (a handout written on another thread reads traces too)
_last_read: tuple = (None, ({}, None))


def _read_steps(trace: IterationTrace | None) -> tuple[dict, CostStep | None]:
    """A trace's forward steps by node and its cost step, found once per
    trace: a walk explains its backward steps one after another from the
    same trace, and each went through every step again."""
    global _last_read
    if trace is None:
        return {}, None
    last = _last_read
    if last[0] is trace:
        return last[1]
    found = ({s.node: s for s in trace.steps if isinstance(s, ForwardStep)},
             next(s for s in trace.steps if isinstance(s, CostStep)))
    _last_read = (trace, found)
    return found


def explain_backward(step: BackwardStep, n: Notation, num: Numbers,
                     kinds: dict[str, str], loss_kind: str | None = None,
                     trace: IterationTrace | None = None) -> Explanation:
    out_sym = _node_symbol(n, step.node, step.kind)
    forward, cost = _read_steps(trace)
    lines: list[Line] = []
    sym_terms: list[str] = []
    num_terms: list[str] = []
    if step.loss_term is not None:
        # a circuit's output is its cost: ∂C/∂f = 1, no loss L to name
        sym_terms.append("1" if loss_kind == "none" else f"∂L/∂{out_sym}")
        num_terms.append(num.values(step.loss_term, True))
    for t in step.terms:
        if t.through == "weight":
            delta = n.sub("δ", n.called(t.consumer))
            sym_terms.append(f"{_weight(n, step.node, t.consumer)}·{delta}")
        else:
            gate = n.escape(n.called(t.consumer))
            sym_terms.append(f"∂{gate}/∂{out_sym}·{_d(n, gate)}")
            if t.consumer in forward:       # the gate's local derivative, by its rule
                lines.append(_gate_local(n, num, kinds, step.node, out_sym, forward[t.consumer],
                                         t.factor))
        # A weight is one number for the whole batch; a gate's local derivative is per sample.
        factor = num.factor(t.factor[0]) if t.through == "weight" else num.values(t.factor, True)
        num_terms.append(f"{factor}·{num.values(t.upstream, True)}")
    if not sym_terms:
        lines.append(Line(_d(n, out_sym), "0 (nothing reads this node)", "",
                          num.values(step.dout)))
    elif not any(line.what == _d(n, out_sym) for line in lines):
        # (read by a circuit's output alone, its local derivative is the answer:
        # ∂f/∂q = z, and ∂f/∂q·∂f/∂f would say it again)
        lines.append(Line(_d(n, out_sym), " + ".join(sym_terms), " + ".join(num_terms),
                          num.values(step.dout)))
    if step.kind == "neuron":
        act = ACTIVATIONS[step.fn]
        z = n.sub("z", n.called(step.node))
        if step.z is not None:
            numbers = "" if act.rule_numbers is None else \
                act.rule_numbers(step.z, step.a, num.write)
            lines.append(Line(f"{act.symbol}′({z})", "", numbers, num.values(step.local),
                              rule=n.escape(act.rule).replace("{z}", z)))
        lines.append(Line(n.sub("δ", n.called(step.node)),
                          f"{act.symbol}′({z})·{_d(n, out_sym)}",
                          f"{num.values(step.local, True)}·{num.values(step.dout, True)}",
                          num.values(step.dz)))
        if step.fn == "sigmoid" and loss_kind == "bce" and step.loss_term is not None and \
                cost is not None and cost.t is not None and not step.terms:
            lines.append(_bce_sigmoid(n, num, step, cost))
    penalty = None if cost is None or not cost.lam else PENALTIES.get(cost.regularization)
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
            sym = f"{sigma}{_node_symbol(n, src, kinds[src])}·{n.sub('δ', n.called(step.node))}"
            numbers = num.summand(g.a_prev, g.delta) if one else \
                f"{sigma}{num.values(g.a_prev, True)}·{num.values(g.delta, True)}"
            what = _d(n, _weight(n, src, step.node))
        else:
            of = n.sub("b", n.called(step.node)) if kind == "b" else n.escape(n.called(rest))
            upstream = n.sub("δ", n.called(step.node)) if kind == "b" else \
                _d(n, n.escape(n.called(rest)))
            what = _d(n, of)
            if batch == 1 and kind != "b" and not g.penalty:
                continue    # a parameter node's gradient is the line above's
            sym = f"{sigma}{upstream}"
            numbers = num.summand(g.delta) if one else f"{sigma}{num.values(g.delta)}"
        if g.penalty:
            if penalty is not None and g.param is not None:
                # the penalty's part by its rule, w the weight itself
                sym += " + " + n.escape(penalty.rule).replace("w", _weight(n, src, step.node))
                numbers += " + " + penalty.rule_numbers(cost.lam, g.param, num.factor)
            else:
                sym += " + penalty′"
                numbers += f" + {num.factor(g.penalty)}"
        lines.append(Line(what, sym, numbers, num.scalar(g.value)))
    return Explanation(f"Backward: {_what_node(step.kind, step.fn)} {n.called(step.node)}",
                       tuple(lines))


def _bce_sigmoid(n: Notation, num: Numbers, step: BackwardStep, cost: CostStep) -> Line:
    """A sigmoid output under cross-entropy: σ′(z) = a·(1 − a) cancels the
    loss's denominator, and δ = (a − t)/n, as the notes derive it."""
    k = cost.outputs.index(step.node)
    count = reduction_count(LOSSES["bce"], len(cost.outputs),
                            cost.y.shape[1] if cost.y.ndim > 1 else 1, cost.reduction)
    a, t = n.sub("a", n.called(step.node)), n.sub("t", n.called(step.node))
    symbols = f"{a} − {t}"
    numbers = f"{num.values(step.a, True)} − {num.values(cost.t[k], True)}"
    if count != 1:
        symbols, numbers = f"({symbols})/n", f"({numbers})/{num.scalar(count)}"
    return Line(n.sub("δ", n.called(step.node)), f"σ′·∂L/∂{a} = {symbols}", numbers,
                num.values(step.dz))


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
        return n.sub("b", n.called(name.node))
    return n.escape(n.called(name.node))


def _update_lines(step: UpdateStep, k: int, p: str, n: Notation, num: Numbers) -> list[Line]:
    """One parameter's update by the optimizer's rule: momentum's v, Adam's
    m, v and their bias corrections first, each with its numbers."""
    eta = num.scalar(step.learning_rate)
    before = num.scalar(step.before[k])
    g = num.factor(step.grads[k])
    after = "not applied (diverged)" if step.after is None else num.scalar(step.after[k])
    moments = step.moments
    if step.optimizer == "momentum" and moments is not None:
        v = n.sub_of("v", p)
        mu = num.scalar(step.momentum)
        return [Line(v, f"μ·{v} + g", f"{mu}·{num.factor(moments['v_before'][k])} + {g}",
                     num.scalar(moments["v"][k]), "←"),
                Line(p, f"{p} − η·{v}", f"{before} − {eta}·{num.factor(moments['v'][k])}",
                     after, "←")]
    if step.optimizer == "adam" and moments is not None:
        m_hat, v_hat = n.hat("m"), n.hat("v")
        b1, b2, t = num.scalar(step.beta1), num.scalar(step.beta2), moments["t"]
        m, v = moments["m"][k], moments["v"][k]
        m_hat_value = m / (1.0 - step.beta1 ** t)
        v_hat_value = v / (1.0 - step.beta2 ** t)
        return [
            Line("m", "β₁·m + (1 − β₁)·g",
                 f"{b1}·{num.factor(moments['m_before'][k])} + {num.factor(1 - step.beta1)}·{g}",
                 num.scalar(m), "←"),
            Line("v", "β₂·v + (1 − β₂)·g²",
                 f"{b2}·{num.factor(moments['v_before'][k])} + "
                 f"{num.factor(1 - step.beta2)}·{g}²",
                 num.scalar(v), "←"),
            Line(m_hat, f"m/(1 − {n.sup('β₁', 't')})",
                 f"{num.factor(m)}/(1 − {b1}^{t})", num.scalar(m_hat_value)),
            Line(v_hat, f"v/(1 − {n.sup('β₂', 't')})",
                 f"{num.factor(v)}/(1 − {b2}^{t})", num.scalar(v_hat_value)),
            Line(p, f"{p} − η·{m_hat}/(√{v_hat} + ε)",
                 f"{before} − {eta}·{num.factor(m_hat_value)}/(√{num.factor(v_hat_value)} + "
                 f"{num.scalar(step.eps)})", after, "←")]
    direction = step.grads[k] if step.direction is None else step.direction[k]
    return [Line(p, f"{p} − η·g", f"{before} − {eta}·{num.factor(direction)}", after, "←")]


def explain_update(step: UpdateStep, n: Notation, num: Numbers,
                   max_lines: int | None = None) -> Explanation:
    if not step.names:
        return Explanation("Update: no parameters to update", ())
    per = {"momentum": 2, "adam": 5}.get(step.optimizer, 1) if step.moments is not None else 1
    shown = len(step.names)
    if max_lines is not None and shown * per > max_lines + 2 * per:
        # "… and 1 more" in place of the one it stands for would hide it
        shown = max(1, max_lines // per)
    lines = []
    for k, name in enumerate(step.names[:shown]):
        lines.extend(_update_lines(step, k, _param_symbol(n, name), n, num))
    if step.after is not None:
        # the stopping rule's measure: the whole step's length
        norm = num.scalar(step.delta_norm)
        if step.epsilon is not None:
            stops = step.delta_norm < step.epsilon
            lines.append(Line("‖Δp‖₂", "", "", f"{norm} {'<' if stops else '≥'} ε = "
                              f"{num.scalar(step.epsilon)}: "
                              + ("training stops" if stops else "training goes on")))
        else:
            lines.append(Line("‖Δp‖₂", "", "", norm))
    return Explanation(f"Update: {step.optimizer}, η = {num.scalar(step.learning_rate)}",
                       tuple(lines), len(step.names) - shown)


def formula_names(nodes) -> dict[str, str]:
    """Each node's name in the formulas, as the canvas shows it: its label
    where the label is one word (y, q), its id otherwise.  A label of
    several words describes the node ("h = x·w") and does not name it; a
    name two nodes would share gives way to their ids."""
    names = {n.id: n.label.strip() if n.label and len(n.label.split()) == 1 else n.id
             for n in nodes}
    taken: dict[str, int] = {}
    for name in names.values():
        taken[name] = taken.get(name, 0) + 1
    return {nid: name if taken[name] == 1 else nid for nid, name in names.items()}


def _cost_symbol(n: Notation, trace: IterationTrace | None, loss_kind: str | None,
                 kinds: dict[str, str]) -> str:
    """What the gradients are of: a circuit's output over one row is the
    cost itself, and the notes write ∂f/∂x (∂a_o/∂x for a neuron's output,
    its symbol everywhere else); otherwise C."""
    if loss_kind != "none" or trace is None or len(trace.rows) != 1:
        return "C"
    outputs = next(s for s in trace.steps if isinstance(s, CostStep)).outputs
    return _node_symbol(n, outputs[0], kinds[outputs[0]]) if len(outputs) == 1 else "C"


def explain(step, kinds: dict[str, str], notation: Notation = TEXT,
            numbers: Numbers | None = None, loss_kind: str | None = None,
            max_lines: int | None = None, trace: IterationTrace | None = None,
            names: dict[str, str] | None = None) -> Explanation:
    """Any micro-step; ``kinds`` maps node ids to their kinds; ``loss_kind``,
    the document's loss, names the output's gradient ("none": a circuit);
    ``trace``, the iteration's, gives a backward step the gate it reads
    from and the penalty (without it, those rules are not written);
    ``names``, the formulas' names of the nodes (formula_names; ids without).
    ``max_lines``: an update of more than that and two parameters explains
    the first ``max_lines`` and counts the rest (a big network's update has
    hundreds; the window shows a dozen, and writing them all cost ms)."""
    num = numbers or Numbers()
    notation = notation.named(names)
    notation.cost = _cost_symbol(notation, trace, loss_kind, kinds)
    if isinstance(step, ForwardStep):
        return explain_forward(step, notation, num, kinds)
    if isinstance(step, CostStep):
        return explain_cost(step, notation, num, kinds)
    if isinstance(step, BackwardStep):
        return explain_backward(step, notation, num, kinds, loss_kind, trace)
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


ASKED = "?"


def veiled(expl: Explanation) -> Explanation:
    """The formulas without their numbers, "?" for each result: a lecture
    asks the class before the numbers appear (the operands' values are on
    the canvas; a line's numbers would give away an earlier line's result,
    as σ(1.0) gives away z = 1.0).  A value given, not computed (an
    input's, a target's, a constant's), is shown."""
    def veil(line: Line) -> Line:
        if line.given or line.result == line.symbols:
            return line         # a value given (an input, a target) or a constant
        # a local derivative's rule stays, unless it is the answer itself:
        # ∂(x + y)/∂x = 1
        rule = "" if line.rule.replace("−", "-") == line.result.replace("−", "-") \
            else line.rule
        return Line(line.what, line.symbols, "", ASKED, line.relation, rule)
    return Explanation(expl.title, tuple(veil(line) for line in expl.lines), expl.more)
