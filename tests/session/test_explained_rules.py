"""The explanation writes each local derivative by its rule, then with the
numbers, as the notes do; the numbers, evaluated, are what the line says
(issue 19, point 1)."""
from __future__ import annotations

import pytest

from bpsim.document import load
from bpsim.engine.losses import LOSSES
from bpsim.engine.trace import BackwardStep, CostStep, UpdateStep
from bpsim.paths import examples_dir
from bpsim.session.explain import TEXT, Numbers, explain
from bpsim.session.session import Session
from tests.engine.test_rules import evaluate


def _traced(name: str, **training) -> tuple[Session, object]:
    loaded = load(examples_dir() / name)
    for key, value in training.items():
        setattr(loaded.document.training, key, value)
    session = Session.from_loaded(loaded)
    for _ in range(2):            # the optimizer's state is not zero
        session.step_traced()
    return session, session.step_traced()[1]


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_an_updates_lines_evaluate_to_what_they_say_and_the_last_to_the_new_value(optimizer):
    session, trace = _traced("xor-2-2-1.bpsim.json", optimizer=optimizer)
    update = trace.steps[-1]
    assert isinstance(update, UpdateStep) and update.optimizer == optimizer
    kinds = {n.id: n.kind for n in session.document.nodes}
    lines = explain(update, kinds, TEXT, Numbers(digits=17), trace=trace).lines
    per = {"gd": 1, "momentum": 2, "adam": 5}[optimizer]
    assert len(lines) == per * len(update.names) + 1 and lines[-1].what == "‖Δp‖₂"
    for k in range(len(update.names)):
        for line in lines[per * k:per * (k + 1)]:
            assert evaluate(line.numbers) == pytest.approx(float(line.result), rel=1e-9)
        assert float(lines[per * (k + 1) - 1].result) == pytest.approx(update.after[k], rel=1e-12)
    assert float(lines[-1].result) == pytest.approx(update.delta_norm, rel=1e-12)


def test_a_circuits_local_derivatives_are_written_by_their_rules_with_the_notes_numbers():
    session, trace = _traced("sigmoid-neuron-gates.bpsim.json")
    kinds = {n.id: n.kind for n in session.document.nodes}
    local = []
    for step in trace.steps:
        if isinstance(step, BackwardStep):
            for line in explain(step, kinds, TEXT, Numbers(digits=17),
                                loss_kind=session.document.loss.kind, trace=trace).lines:
                if line.rule:
                    local.append(line)
                    if line.numbers:
                        assert evaluate(line.numbers) == pytest.approx(float(line.result),
                                                                       rel=1e-9)
    rules = {line.what: line.rule for line in local}
    # the notes' worked example: d(1/x)/dx = −1/x², d(eˣ)/dx = eˣ, and so on
    assert rules["∂f/∂p"] == "−1/p²" and rules["∂e/∂n"] == "e^n"
    assert rules["∂n/∂s"] == "−1" and rules["∂p/∂e"] == "1" and rules["∂m1/∂w1"] == "x1"
    inverse = next(line for line in local if line.what == "∂f/∂p")
    assert inverse.symbols == "∂(1/p)/∂p"


def test_a_sigmoid_output_under_cross_entropy_has_delta_a_minus_t_over_n():
    session, trace = _traced("logistic-regression.bpsim.json")
    kinds = {n.id: n.kind for n in session.document.nodes}
    step = next(s for s in trace.steps if isinstance(s, BackwardStep) and s.kind == "neuron")
    lines = explain(step, kinds, TEXT, Numbers(digits=6), loss_kind="bce", trace=trace).lines
    simplified = next(line for line in lines if "(a_a − t_a)/n" in line.symbols)
    assert simplified.what == "δ_a" and simplified.result == Numbers(digits=6).values(step.dz)
    sigma = next(line for line in lines if line.rule)
    assert sigma.what == "σ′(z_a)" and sigma.rule == "σ(z_a)·(1 − σ(z_a))"


@pytest.mark.parametrize("kind, lam, formula, rule, numbers", [
    ("l2", 0.1, "λ·Σw²", "+ 2·λ·w_", "+ 2·0.1·"),
    ("l1", 0.05, "λ·Σ|w|", "+ λ·sign(w_", "+ 0.05·sign("),
])
def test_the_cost_with_a_penalty_shows_loss_penalty_and_their_sum(kind, lam, formula, rule,
                                                                  numbers):
    session, trace = _traced("xor-2-2-1.bpsim.json")
    session.change_settings(regularization=kind, lam=lam)
    trace = session.step_traced()[1]
    kinds = {n.id: n.kind for n in session.document.nodes}
    cost = next(s for s in trace.steps if isinstance(s, CostStep))
    lines = {line.what: line for line in explain(cost, kinds, TEXT, Numbers(digits=17)).lines}
    assert "λ" not in lines["L"].symbols                    # the loss is the loss alone
    assert lines["penalty"].symbols == formula
    assert evaluate(lines["penalty"].numbers) == pytest.approx(cost.penalty, rel=1e-9)
    assert float(lines["C"].result) == pytest.approx(cost.loss + cost.penalty, rel=1e-12)
    # a weight's gradient: the penalty's part by its rule ((sub)gradient), with its numbers
    backward = next(s for s in trace.steps if isinstance(s, BackwardStep) and s.kind == "neuron")
    weight = next(line for line in explain(backward, kinds, TEXT, Numbers(digits=6),
                                           loss_kind="mse", trace=trace).lines
                  if line.what.startswith("∂C/∂w"))
    assert rule in weight.symbols and numbers in weight.numbers


def test_softmax_ces_rule_over_n_keeps_its_parentheses():
    from bpsim.session.explain import _over
    assert _over(LOSSES["softmax_ce"].rule, "n") == "(softmax(y)·Σt − t)/n"
    assert _over(LOSSES["mse"].rule, "n") == "2·(y − t)/n"
    assert _over(LOSSES["hinge"].rule, "n") == "(−t if t·y < 1, else 0)/n"


def test_hinge_and_perceptron_show_the_zero_one_loss_beside_them():
    import json

    import numpy as np

    from bpsim.document import loads
    doc = {"format": "bpsim", "version": 1,
           "nodes": [{"id": "x1", "kind": "input"}, {"id": "x2", "kind": "input"},
                     {"id": "o", "kind": "neuron", "activation": "identity", "bias": 0.1}],
           "edges": [{"from": "x1", "to": "o", "weight": 0.5},
                     {"from": "x2", "to": "o", "weight": -0.25}],
           "outputs": ["o"], "loss": {"kind": "perceptron"},
           "data": {"generator": "gauss", "samples": 40, "seed": 3, "labels": "pm1",
                    "inputs": ["x1", "x2"], "targets": ["o"]}}
    for kind in ("perceptron", "hinge"):
        doc["loss"]["kind"] = kind
        session = Session.from_loaded(loads(json.dumps(doc)))
        trace = session.step_traced()[1]
        cost = next(s for s in trace.steps if isinstance(s, CostStep))
        line = next(line for line in explain(cost, {"x1": "input", "x2": "input", "o": "neuron"},
                                             TEXT, Numbers(digits=6)).lines
                    if line.what == "zero-one")
        wrong = int(np.sum(cost.t * cost.y <= 0))
        assert line.symbols == "errors/rows" and line.numbers == f"{wrong}/40"
        assert float(line.result) == pytest.approx(wrong / 40) and 0 < wrong < 40
