"""Exercises: predict a step's numbers, then check them.

A student's answers are shaped like step 1 of ``bpsim trace FILE --format
json`` (any of ``nodes.ID.out``, ``nodes.ID.dout``, ``nodes.ID.z``,
``nodes.ID.dz``, ``grads.NAME``, ``updated.NAME``).  Each is checked
against the engine's trace of the first step: right within the digits shown
(relative 1e-3, or absolute 1e-6 near zero).  A wrong one is compared with
the numbers a hand computation gets when one factor of its chain-rule
product takes a common mistake — the local derivative left out or taken of
the wrong operand, the upstream gradient left out, a term of a fan-out sum
missed, the sign flipped, the mean's 1/n forgotten, the learning rate's
step mistaken — and the first that matches names the mistake (``other``
when none does); the worked formula follows, as the explanation writes it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..document.building import parse_number
from ..engine.names import ParamName
from ..engine.trace import BackwardStep, ForwardStep, IterationTrace, UpdateStep
from ..errors import BpsimError
from .explain import TEXT, Line, Numbers, explain, formula_names
from .session import Session

RELATIVE = 1e-3        # right within the digits shown
ABSOLUTE = 1e-6        # near zero

# what a diagnosis says, in a sentence (the short word is the contract's)
DIAGNOSES = {
    "sign": "the sign is flipped",
    "missing-term": "a term is missing: the bias, one input's w·a, a factor of a "
                    "product, or one consumer's share of a gradient (a node feeding "
                    "several others sums all of them)",
    "local-derivative": "the local derivative is wrong or left out",
    "upstream": "the upstream gradient is wrong or left out",
    "mean": "the mean's 1/n is forgotten (or taken twice)",
    "learning-rate": "the learning-rate step is wrong: the new value is p − η·g",
    "activation": "the activation is left out: a = φ(z)",
    "other": "not a common mistake: compare with the worked formula",
}

FIELDS = ("out", "dout", "z", "dz", "local")     # local: a neuron's φ′(z)


@dataclass(frozen=True)
class Verdict:
    path: str
    given: float | list
    expected: float | list
    correct: bool
    diagnosis: str | None = None     # a wrong answer's likely mistake
    worked: str = ""                 # the formula with its numbers, as the explanation writes it

    def as_json(self) -> dict:
        out = {"path": self.path, "given": self.given, "expected": self.expected,
               "correct": self.correct}
        if not self.correct:
            out["diagnosis"] = self.diagnosis
            out["worked"] = self.worked
        return out


def close(given: np.ndarray, expected: np.ndarray) -> bool:
    """Right within the digits shown, every element."""
    given, expected = np.asarray(given, float), np.asarray(expected, float)
    if given.shape != expected.shape or not np.all(np.isfinite(given)):
        return False
    return bool(np.all(np.abs(given - expected) <= np.maximum(RELATIVE * np.abs(expected),
                                                               ABSOLUTE)))


def answers_of(doc: dict) -> list[tuple[str, object]]:
    """(path, value) of each answer in ``doc``, shaped as a trace step:
    ``{"nodes": {"h1": {"out": ...}}, "grads": {...}, "updated": {...}}``.
    Anything else is bad input, named by its JSON path."""
    if not isinstance(doc, dict):
        raise BpsimError("the answers must be a JSON object shaped like a trace step")
    out = []
    for section, value in doc.items():
        if section == "locals":        # {"q": {"x": ∂q/∂x}}: a gate's local derivatives
            if not isinstance(value, dict):
                raise BpsimError("must be an object", section)
            for gate, by_input in value.items():
                if not isinstance(by_input, dict):
                    raise BpsimError("must be an object of inputs", f"locals.{gate}")
                out += [(f"locals.{gate}.{src}", v) for src, v in by_input.items()]
            continue
        if section not in ("nodes", "grads", "updated"):
            if section == "cost":
                out.append(("cost", value))
                continue
            if section in ("step", "rows", "loss", "penalty", "params", "format",
                           "version", "explanation"):
                continue      # a trace step's other keys, given back: nothing to check
            raise BpsimError('unknown key (expected "nodes", "grads" or "updated")', section)
        if not isinstance(value, dict):
            raise BpsimError("must be an object", section)
        for key, item in value.items():
            if section != "nodes":
                out.append((f"{section}.{key}", item))
                continue
            if not isinstance(item, dict):
                raise BpsimError("must be an object of out, dout, z, dz", f"nodes.{key}")
            for field_name, answer in item.items():
                if field_name not in FIELDS:
                    raise BpsimError(f"unknown field (expected {', '.join(FIELDS)})",
                                     f"nodes.{key}.{field_name}")
                out.append((f"nodes.{key}.{field_name}", answer))
    return out


def number_of(value, path: str) -> float:
    """An answer's number: a JSON number, or text as on paper ("-1/4", "3e-2")."""
    if isinstance(value, bool):
        raise BpsimError("is not a number", path)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return parse_number(value)
        except BpsimError as exc:
            raise BpsimError(exc.problem, path) from None
    raise BpsimError("is not a number", path)


class Checker:
    """One step of a network, traced, and answers checked against it: the
    first step of a session (``Checker(session)``), or a trace the window
    walks (``Checker(session, trace)``)."""

    def __init__(self, session: Session, trace: IterationTrace | None = None):
        self.session = session
        if trace is None:
            _, trace = session.step_traced()
        self.trace = trace
        self.forward = {s.node: s for s in trace.steps if isinstance(s, ForwardStep)}
        self.backward = {s.node: s for s in trace.steps if isinstance(s, BackwardStep)}
        self.update: UpdateStep = trace.steps[-1]
        self.cost = next(s for s in trace.steps if s.phase == "cost")
        self.rows = len(trace.rows)
        self.kinds = {n.id: n.kind for n in session.document.nodes}
        self._names = formula_names(session.document.nodes)
        self.notation = TEXT       # the worked formulas' (HTML: the window's rich text)

    # --- expected values -----------------------------------------------------

    def expected(self, path: str) -> np.ndarray | float:
        section, _, rest = path.partition(".")
        if path == "cost":
            return float(self.trace.cost)
        if section == "locals":
            gate, _, src = rest.partition(".")
            term = self._term(gate, src)
            if term is None:
                raise BpsimError(f'"{src}" does not feed a gate "{gate}"', path)
            return term.factor
        if section == "nodes":
            node, _, field_name = rest.rpartition(".")
            if node not in self.forward:
                raise BpsimError(f'unknown node "{node}"', path)
            value = self._node_value(node, field_name)
            if value is None:
                raise BpsimError(f'"{node}" has no {field_name} (z and dz are a neuron\'s)',
                                 path)
            return value
        names = self.update.names
        if rest not in names:
            raise BpsimError(f'unknown parameter "{rest}"', path)
        k = names.index(rest)
        if section == "grads":
            return float(self.update.grads[k])
        if self.update.after is None:
            raise BpsimError("the step diverged: there is no updated value", path)
        return float(self.update.after[k])

    def _node_value(self, node: str, field_name: str):
        f, b = self.forward[node], self.backward[node]
        return {"out": f.out, "z": f.z, "dout": b.dout, "dz": b.dz, "local": b.local}[field_name]

    def _term(self, gate: str, src: str):
        """The term ``src`` sends back from gate ``gate``: its factor is ∂gate/∂src."""
        b = self.backward.get(src)
        for t in (b.terms if b is not None else ()):
            if t.consumer == gate and t.through == "gate":
                return t
        return None

    # --- checking ------------------------------------------------------------

    def check(self, answers: dict) -> list[Verdict]:
        return [self.check_one(path, value) for path, value in answers_of(answers)]

    def check_one(self, path: str, value, row: int | None = None) -> Verdict:
        """One answer; ``row`` (a batch's row, by position): the answer is
        that row's value alone, as the window shows one sample."""
        expected = _at(self.expected(path), row)
        batch = isinstance(expected, np.ndarray)
        if isinstance(value, list):
            if not batch or len(value) != len(expected):
                raise BpsimError(f"{len(value)} values for "
                                 + (f"a batch of {len(expected)} rows" if batch else "one value"),
                                 path)
            given = np.array([number_of(v, f"{path}[{i}]") for i, v in enumerate(value)])
        else:
            number = number_of(value, path)
            if batch and len(expected) != 1:
                raise BpsimError(f"one value for a batch of {len(expected)} rows (give a list)",
                                 path)
            given = np.array([number]) if batch else number
        shown_given = given.tolist() if batch else given
        shown_expected = np.asarray(expected).tolist() if batch else expected
        if close(given, expected):
            return Verdict(path, shown_given, shown_expected, True)
        return Verdict(path, shown_given, shown_expected, False,
                       self.diagnose(path, given, row), self.worked(path, row))

    def diagnose(self, path: str, given, row: int | None = None) -> str:
        expected = _at(self.expected(path), row)
        for word, value in self.mistakes(path):
            value = _at(value, row)
            if close(value, expected):
                continue             # that "mistake" is the right answer here
            if close(given, value):
                return word
        return "other"

    # --- common mistakes -----------------------------------------------------

    def mistakes(self, path: str) -> list[tuple[str, object]]:
        """(diagnosis, the answer that mistake gives), most telling first."""
        section, _, rest = path.partition(".")
        expected = self.expected(path)
        out: list[tuple[str, object]] = []
        if path == "cost":
            if self._mean() != 1:
                out += [("mean", expected * self._mean()), ("mean", expected / self._mean())]
        elif section == "locals":
            gate, _, src = rest.partition(".")
            # left out (1), or taken of the input itself rather than the others
            out += [("local-derivative", np.ones_like(expected)),
                    ("local-derivative", self.forward[src].out),
                    ("activation", self.forward[gate].out)]
        elif section == "nodes" and rest.endswith(".local"):
            node = rest.rpartition(".")[0]
            f = self.forward[node]
            out += [("activation", f.out), ("activation", f.z),
                    ("local-derivative", 1 - f.out), ("local-derivative", np.ones_like(f.z))]
        elif section == "nodes":
            node, _, field_name = rest.rpartition(".")
            out += {"dout": self._dout_mistakes, "dz": self._dz_mistakes,
                    "out": self._out_mistakes, "z": self._z_mistakes}[field_name](node)
        elif section == "grads":
            out += self._grad_mistakes(rest)
        else:
            out += self._update_mistakes(rest)
        out.append(("sign", -np.asarray(expected) if isinstance(expected, np.ndarray)
                    else -expected))
        return out

    def _mean(self) -> float:
        """The count the mean's 1/n divides by (1 under the sum)."""
        return float(self.cost.y.size) if self.cost.reduction == "mean" else 1.0

    def _dout_mistakes(self, node: str) -> list:
        b = self.backward[node]
        parts = [t.value for t in b.terms] + ([b.loss_term] if b.loss_term is not None else [])
        out = []
        if len(parts) > 1:
            out += [("missing-term", b.dout - part) for part in parts]
        for t in b.terms:
            rest = b.dout - t.value
            if t.through == "gate":
                out.append(("local-derivative", rest + t.upstream))          # ∂/∂x left out
                own = self.forward[node].out
                out.append(("local-derivative", rest + own * t.upstream))    # its own value
                consumer = self.forward[t.consumer].out
                out.append(("local-derivative", rest + consumer * t.upstream))
                out.append(("upstream", rest + t.factor))                     # upstream left out
            else:
                out.append(("local-derivative", rest + t.upstream))          # the weight left out
                # ∂C/∂a of the consumer where its δ = φ′(z)·∂C/∂a belongs
                out.append(("upstream", rest + t.factor * self.backward[t.consumer].dout))
                out.append(("upstream", rest + t.factor))
        if b.loss_term is not None and self._mean() != 1:
            out.append(("mean", b.dout * self._mean()))
        return out

    def _dz_mistakes(self, node: str) -> list:
        b = self.backward[node]
        a, z, dout = b.a, b.z, b.dout
        out = [("local-derivative", dout)]                          # φ′ left out
        for wrong in (a, z, 1 - a, a * (1 - a), 1 - a * a, np.ones_like(a)):
            out.append(("local-derivative", wrong * dout))
        out.append(("upstream", b.local))                           # ∂C/∂a left out
        if len(b.terms) > 1:
            out += [("missing-term", b.local * (dout - t.value)) for t in b.terms]
        if b.loss_term is not None and self._mean() != 1:
            out.append(("mean", b.dz * self._mean()))
        return out

    def _out_mistakes(self, node: str) -> list:
        f = self.forward[node]
        out = []
        if f.kind == "neuron":
            out.append(("activation", f.z))
            out += [("missing-term", v) for v in self._z_parts_missing(f, activated=True)]
        elif f.kind == "op" and f.fn in ("add", "mul") and len(f.operands) > 1:
            values = [o.value for o in f.operands]
            for k in range(len(values)):
                rest = values[:k] + values[k + 1:]
                out.append(("missing-term", np.sum(rest, axis=0) if f.fn == "add"
                            else np.prod(rest, axis=0)))
        return out

    def _z_mistakes(self, node: str) -> list:
        return [("missing-term", v) for v in self._z_parts_missing(self.forward[node], False)]

    def _z_parts_missing(self, f: ForwardStep, activated: bool) -> list:
        """z (or φ(z)) with one of its terms left out: the bias or one w·a."""
        from ..engine.functions import ACTIVATIONS
        terms = [o.weight * o.value for o in f.operands] + [np.full_like(f.z, f.bias)]
        out = []
        for part in terms:
            z = f.z - part
            if activated:
                z = ACTIVATIONS[f.fn].value(z, np.empty_like(z))
            out.append(z)
        return out

    def _grad_mistakes(self, name: str) -> list:
        k = self.update.names.index(name)
        g = float(self.update.grads[k])
        n = float(self.rows)
        out = []
        grad = self._param_grad(name)
        if grad is not None:
            delta = grad.delta
            if grad.a_prev is not None and ParamName(name).kind == ParamName.WEIGHT:
                out.append(("local-derivative", float(np.sum(delta)) + grad.penalty))  # a left out
                out.append(("upstream", float(np.sum(grad.a_prev)) + grad.penalty))    # δ left out
                dst = ParamName(name).edge.ends[1]
                out.append(("local-derivative",
                            float(np.sum(grad.a_prev * self.backward[dst].dout)) + grad.penalty))
            elif ParamName(name).kind == ParamName.BIAS:
                node = ParamName(name).node
                out.append(("local-derivative", float(np.sum(self.backward[node].dout))
                            + grad.penalty))
            if grad.penalty:
                out.append(("missing-term", g - grad.penalty))
        else:              # a param node: its gradient is its ∂C/∂out
            node = ParamName(name).node
            out += [(word, float(np.sum(v))) for word, v in self._dout_mistakes(node)]
        if n > 1:
            out += [("mean", g * n), ("mean", g / n)]
        if self._mean() != 1 and self._mean() != n:
            out += [("mean", g * self._mean())]
        return out

    def _param_grad(self, name: str):
        for b in self.backward.values():
            for grad in b.grads:
                if grad.name == name:
                    return grad
        return None

    def _update_mistakes(self, name: str) -> list:
        u = self.update
        k = u.names.index(name)
        p, g, eta = float(u.before[k]), float(u.grads[k]), u.learning_rate
        step = eta * float(u.direction[k]) if u.direction is not None else eta * g
        out = [("sign", p + step), ("learning-rate", p - step / eta if eta else p),
               ("learning-rate", -step), ("learning-rate", step), ("learning-rate", p - eta)]
        if self.rows > 1:
            out += [("mean", p - step * self.rows), ("mean", p - step / self.rows)]
        return out

    # --- the worked formula ----------------------------------------------------

    def worked(self, path: str, row: int | None = None) -> str:
        """The line of the explanation that computes this number, with its
        numbers ("" if none is found); ``row``: that sample's numbers."""
        section, _, rest = path.partition(".")
        num = Numbers(digits=4, max_samples=6, sample=row,
                      minus="-" if self.notation is TEXT else "−")
        expected = self.expected(path)
        if section == "nodes":
            node, _, field_name = rest.rpartition(".")
            micro = self.forward[node] if field_name in ("out", "z") else self.backward[node]
        elif path == "cost":
            micro = self.cost
        elif section == "locals":
            node = rest.partition(".")[2]
            micro = self.backward[node]
        elif section == "grads":
            grad = self._param_grad(rest)
            node = ParamName(rest).node if grad is None or ParamName(rest).kind != \
                ParamName.WEIGHT else ParamName(rest).edge.ends[1]
            micro = self.backward[node]
        else:
            micro = self.update
        expl = explain(micro, self.kinds, TEXT, num, self.session.document.loss.kind,
                       trace=self.trace, names=self._names)
        want = num.values(np.asarray(expected)) if isinstance(expected, np.ndarray) \
            else num.scalar(expected)
        lines = [line for line in expl.lines if line.result == want]
        # of the lines with that result, the one that says what it is
        if section == "nodes":
            kind = self.kinds[node]
            says = {"z": lambda w: w.startswith("z"), "dz": lambda w: w.startswith("δ"),
                    "out": lambda w: not w.startswith("z") if kind == "neuron" else True,
                    "dout": lambda w: w.startswith("∂") and "/∂w" not in w and
                    "/∂b" not in w,
                    "local": lambda w: "′" in w}[field_name]
        elif section == "locals":
            gate, _, src = rest.partition(".")
            called = self._names.get(gate, gate), self._names.get(src, src)
            says = (lambda w: w == f"∂{called[0]}/∂{called[1]}")
        elif path == "cost":
            says = (lambda w: w.startswith("C"))
        elif section == "grads":
            symbol = ParamName(rest).kind
            says = (lambda w: f"/∂{symbol}" in w) if symbol in ("w", "b") else \
                (lambda w: w.startswith("∂"))
        else:
            says = (lambda w: True)
        lines = [line for line in lines if says(line.what)] or lines
        if not lines:
            return ""
        # a neuron's first line of ∂C/∂a, a gate's last (after its local derivatives)
        first = section == "nodes" and field_name in ("z", "dz", "local") or \
            (section == "nodes" and field_name == "dout" and self.kinds[node] == "neuron")
        line = lines[0] if first else lines[-1]
        if self.notation is not TEXT:      # the same line, written in that notation
            line = explain(micro, self.kinds, self.notation, num,
                           self.session.document.loss.kind, trace=self.trace,
                           names=self._names).lines[expl.lines.index(line)]
        return _written(line)


def _at(value, row: int | None):
    """A batch's value at ``row`` (a row of a one-row batch for any row);
    anything else as it is."""
    if row is None or not isinstance(value, np.ndarray) or value.ndim == 0:
        return value
    return float(value[min(row, len(value) - 1)])


def _written(line: Line) -> str:
    return f"{line.what} {line.relation} " + " = ".join(line.parts())


def score(verdicts: list[Verdict]) -> tuple[int, int]:
    return sum(v.correct for v in verdicts), len(verdicts)


def hand_friendly(x: float) -> bool:
    """A number a hand computation writes whole: at most four significant
    digits and four decimals (0.125, −2.5, 0.0625), and not huge."""
    if not math.isfinite(x) or abs(x) >= 1000:
        return False
    if round(x, 4) != x:
        return False
    digits = f"{abs(x):.4f}".replace(".", "").lstrip("0").rstrip("0")
    return len(digits) <= 4


# --- new exercises -----------------------------------------------------------------

KINDS = ("circuit", "neuron", "layered")
INPUTS = (-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0)
WEIGHTS = (-1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0)
BIASES = (-1.0, -0.5, 0.0, 0.5, 1.0)
RATES = (0.5, 0.25, 0.1)
ATTEMPTS = 10_000


def new_exercise(kind: str, seed: int) -> dict:
    """A small network of ``kind`` whose every number of the first step —
    values, local derivatives, gradients, updated parameters — a student
    can work out by hand (``hand_friendly``): inputs and weights small
    integers and halves, ReLU and identity neurons, a squared error
    against whole targets.  The same seed gives the same network."""
    from ..document import loads
    if kind not in KINDS:
        raise BpsimError(f'unknown kind "{kind}" (expected {", ".join(KINDS)})')
    rng = np.random.default_rng(seed)
    make = {"circuit": _circuit, "neuron": _neuron, "layered": _layered}[kind]
    for _ in range(ATTEMPTS):
        doc = make(rng)
        doc.update({"format": "bpsim", "version": 1,
                    "title": f"Exercise: {kind}, seed {seed}",
                    "notes": "Work out the first step by hand — each node's value, its "
                             "gradient, each parameter's gradient and its update — then "
                             "check your answers (Step ▸ Exercise, or bpsim exercise check).",
                    "regularization": {"kind": "none", "lambda": 0}, "view": {}})
        doc["training"] = {"learning_rate": float(rng.choice(RATES)), "optimizer": "gd",
                           "batch": "full", "shuffle": False, "seed": seed, "epsilon": None,
                           "max_steps": 100}
        if _all_hand_friendly(Session.from_loaded(loads(json_text(doc)))):
            return doc
    raise BpsimError(f"no hand-friendly {kind} found for seed {seed}")


def json_text(doc: dict) -> str:
    import json
    return json.dumps(doc, ensure_ascii=False, indent=1)


def _all_hand_friendly(session: Session) -> bool:
    _, trace = session.step_traced()
    if trace.diverged:
        return False
    values = []
    for m in trace.steps:
        if isinstance(m, ForwardStep):
            values += [m.out, m.z]
        elif isinstance(m, BackwardStep):
            values += [m.dout, m.dz, m.local] + [t.value for t in m.terms] + \
                [t.factor for t in m.terms] + [g.value for g in m.grads]
        elif isinstance(m, UpdateStep):
            values += [m.grads, m.after]
        else:
            values += [np.asarray(m.cost), m.dy]
    flat = np.concatenate([np.ravel(np.asarray(v, float)) for v in values if v is not None])
    # every ReLU passing its gradient on (a dead one makes half the exercise zeros)
    alive = all(np.all(m.z > 0) for m in trace.steps
                if isinstance(m, ForwardStep) and m.fn == "relu")
    # every number a hand writes, and a step that moves something
    return alive and all(hand_friendly(float(x)) for x in flat) and \
        bool(np.any(trace.steps[-1].grads))


def _pick(rng, choices) -> float:
    return float(rng.choice(choices))


def _circuit(rng) -> dict:
    """Two or three gates over three inputs, one input feeding two gates
    (its gradient sums two terms) half the time."""
    names = ["x", "y", "z"]
    nodes = [{"id": n, "kind": "input", "value": _pick(rng, INPUTS), "pos": [0, 120 * k]}
             for k, n in enumerate(names)]
    first = str(rng.choice(["add", "mul"]))
    second = "mul" if first == "add" else str(rng.choice(["add", "mul"]))
    a, b, c = (str(n) for n in rng.permutation(names))
    nodes.append({"id": "q", "kind": "op", "op": first, "pos": [160, 60]})
    nodes.append({"id": "f", "kind": "op", "op": second, "pos": [320, 120]})
    edges = [{"from": a, "to": "q"}, {"from": b, "to": "q"},
             {"from": "q", "to": "f"}, {"from": c, "to": "f"}]
    if rng.random() < 0.5:      # a fan-out: b feeds the output gate too
        edges.append({"from": b, "to": "f"})
    if rng.random() < 0.5:      # a unary gate at the end
        nodes[-1]["pos"] = [320, 120]
        op = str(rng.choice(["neg", "square"]))
        nodes.append({"id": "g", "kind": "op", "op": op, "pos": [460, 120]})
        edges.append({"from": "f", "to": "g"})
        outputs = ["g"]
    else:
        outputs = ["f"]
    # a circuit's parameters are params: two of the inputs become weights to train
    for node in nodes[:2]:
        node["kind"] = "param"
    return {"nodes": nodes, "edges": edges, "outputs": outputs,
            "loss": {"kind": "none", "reduction": "mean"}}


def _neuron(rng) -> dict:
    """One neuron (identity or ReLU) over two inputs, one sample, a squared error."""
    act = str(rng.choice(["identity", "relu"]))
    nodes = [{"id": "x1", "kind": "input", "pos": [0, 0]},
             {"id": "x2", "kind": "input", "pos": [0, 160]},
             {"id": "a", "kind": "neuron", "activation": act, "bias": _pick(rng, BIASES),
              "pos": [220, 80]}]
    edges = [{"from": x, "to": "a", "weight": _pick(rng, WEIGHTS)} for x in ("x1", "x2")]
    row = [_pick(rng, INPUTS), _pick(rng, INPUTS), float(rng.integers(-2, 3))]
    return {"nodes": nodes, "edges": edges, "outputs": ["a"],
            "loss": {"kind": "mse", "reduction": "mean"},
            "data": {"inputs": ["x1", "x2"], "targets": ["a"], "rows": [row]}}


def _layered(rng) -> dict:
    """A 2-2-1 network: ReLU hidden neurons, an identity output, one sample."""
    nodes = [{"id": "x1", "kind": "input", "pos": [0, 0]},
             {"id": "x2", "kind": "input", "pos": [0, 200]}]
    for k, h in enumerate(("h1", "h2")):
        nodes.append({"id": h, "kind": "neuron", "activation": "relu",
                      "bias": _pick(rng, BIASES), "pos": [220, 200 * k]})
    nodes.append({"id": "o", "kind": "neuron", "activation": "identity",
                  "bias": _pick(rng, BIASES), "pos": [440, 100]})
    edges = [{"from": x, "to": h, "weight": _pick(rng, WEIGHTS)}
             for h in ("h1", "h2") for x in ("x1", "x2")]
    edges += [{"from": h, "to": "o", "weight": _pick(rng, WEIGHTS)} for h in ("h1", "h2")]
    row = [_pick(rng, INPUTS), _pick(rng, INPUTS), float(rng.integers(-2, 3))]
    return {"nodes": nodes, "edges": edges, "outputs": ["o"],
            "loss": {"kind": "mse", "reduction": "mean"},
            "data": {"inputs": ["x1", "x2"], "targets": ["o"], "rows": [row]}}


# --- exercises in the window ----------------------------------------------------------

HIDE = ("values", "locals", "gradients", "updates")     # what an exercise may hide


def asked_paths(micro, hide) -> list[str]:
    """The answers a micro-step asks for when ``hide`` (of HIDE) hides them:
    a computed node's value (and z), the cost; the local derivatives a
    backward step multiplies by (a gate's ∂out/∂input, a neuron's φ′(z)); a
    node's gradient (and δ) and the gradients of its parameters; each
    parameter updated."""
    from ..engine.trace import CostStep
    if isinstance(micro, ForwardStep) and "values" in hide and micro.operands:
        node = micro.node
        return ([f"nodes.{node}.z"] if micro.kind == "neuron" else []) + [f"nodes.{node}.out"]
    if isinstance(micro, CostStep) and "values" in hide:
        return ["cost"]
    if isinstance(micro, BackwardStep) and hide & {"gradients", "locals"}:
        node, out = micro.node, []
        if "locals" in hide:       # the local derivatives the chain rule multiplies by
            out += [f"locals.{t.consumer}.{node}" for t in micro.terms if t.through == "gate"]
            out += [f"nodes.{node}.local"] if micro.kind == "neuron" else []
        if "gradients" in hide:
            out += [f"nodes.{node}.dout"] + \
                ([f"nodes.{node}.dz"] if micro.kind == "neuron" else [])
            out += [f"grads.{g.name}" for g in micro.grads]
        return out
    if isinstance(micro, UpdateStep) and "updates" in hide and micro.after is not None:
        return [f"updated.{name}" for name in micro.names]
    return []


def path_label(path: str, notation=TEXT, names: dict[str, str] | None = None,
               kinds: dict[str, str] | None = None) -> str:
    """An answer's quantity as the explanation writes it: z_h1, a_h1,
    ∂C/∂a_h1, δ_h1, ∂C/∂w_x1→h1, w_x1→h1 (updated), C."""
    n = notation.named(names)
    if path == "cost":
        return "C"
    section, _, rest = path.partition(".")
    if section == "locals":
        gate, _, src = rest.partition(".")
        return f"∂{n.escape(n.called(gate))}/∂{n.escape(n.called(src))}"
    if section == "nodes":
        node, _, field_name = rest.rpartition(".")
        called = n.called(node)
        value = n.sub("a", called) if (kinds or {}).get(node) == "neuron" else n.escape(called)
        return {"z": n.sub("z", called), "dz": n.sub("δ", called), "out": value,
                "dout": "∂C/∂" + value, "local": f"φ′({n.sub('z', called)})"}[field_name]
    name = ParamName(rest)
    if name.kind == ParamName.WEIGHT:
        symbol = n.sub("w", "→".join(n.called(end) for end in name.edge.ends))
    elif name.kind == ParamName.BIAS:
        symbol = n.sub("b", n.called(name.node))
    else:
        symbol = n.escape(n.called(name.node))
    return f"∂C/∂{symbol}" if section == "grads" else f"{symbol} ←"


@dataclass
class Score:
    right: int = 0
    wrong: int = 0
    skipped: int = 0

    def add(self, verdicts: list[Verdict], skipped: int = 0) -> None:
        self.right += sum(v.correct for v in verdicts)
        self.wrong += sum(not v.correct for v in verdicts)
        self.skipped += skipped
