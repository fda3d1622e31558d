"""Exercises: answers checked against the first step, a wrong one's mistake
named, and new exercises whose every number is worked by hand."""
import json

import numpy as np
import pytest

from bpsim.document import load, loads
from bpsim.errors import BpsimError
from bpsim.paths import examples_dir
from bpsim.session import Session
from bpsim.session.exercise import Checker, close, hand_friendly, new_exercise
from bpsim.engine.trace import BackwardStep, ForwardStep, UpdateStep


def checker(name: str) -> Checker:
    return Checker(Session.from_loaded(load(examples_dir() / name)))


def verdict(c: Checker, path: str, value):
    section, _, rest = path.partition(".")
    if section == "nodes":
        node, _, field = rest.rpartition(".")
        answers = {"nodes": {node: {field: value}}}
    elif section == "locals":
        gate, _, src = rest.partition(".")
        answers = {"locals": {gate: {src: value}}}
    else:
        answers = {section: {rest: value}}
    [v] = c.check(answers)
    return v


CIRCUIT = "circuit-x-plus-y-times-z.bpsim.json"   # q = x + y = 3, f = q·z = −12


@pytest.mark.parametrize("path, given", [
    ("nodes.q.out", 3), ("nodes.q.out", "3"), ("nodes.f.out", [-12]),
    ("nodes.q.dout", -4), ("nodes.z.dout", 3), ("nodes.x.dout", "-4"),
    ("nodes.f.out", -12.005),                  # within the digits shown
])
def test_a_right_answer_is_right_within_the_digits_shown(path, given):
    v = verdict(checker(CIRCUIT), path, given)
    assert v.correct and v.diagnosis is None


@pytest.mark.parametrize("path, given, diagnosis", [
    ("nodes.q.dout", 4, "sign"),                 # −z, not z
    ("nodes.z.dout", -4, "local-derivative"),    # ∂(q·z)/∂z taken as z, not q
    ("nodes.x.dout", 1, "upstream"),             # ∂q/∂x alone: ∂f/∂q left out
    ("nodes.x.dout", 8, "local-derivative"),     # x·∂f/∂q: its own value as the factor
    ("nodes.f.out", 3, "missing-term"),          # q·z with z left out
    ("nodes.q.dout", 17, "other"),
])
def test_a_wrong_answer_names_the_factor_that_is_off(path, given, diagnosis):
    v = verdict(checker(CIRCUIT), path, given)
    assert not v.correct and v.diagnosis == diagnosis
    assert v.worked                              # the formula with its numbers


def test_a_fan_out_sum_missing_a_consumers_term_is_named():
    """x1 feeds h1 and h2: ∂C/∂x1 sums both terms."""
    c = checker("xor-2-2-1.bpsim.json")
    b = c.backward["x1"]
    one = (b.dout - b.terms[1].value).tolist()        # h2's term left out
    v = verdict(c, "nodes.x1.dout", one)
    assert v.diagnosis == "missing-term"
    assert "w_x1→h1·δ_h1 + w_x1→h2·δ_h2" in v.worked


def test_a_neurons_mistakes_each_named():
    c = checker("xor-2-2-1.bpsim.json")
    b, f = c.backward["h1"], c.forward["h1"]
    names = list(c.update.names)
    k = names.index("w:x1->h1")
    g, before = float(c.update.grads[k]), float(c.update.before[k])
    cases = [
        ("nodes.h1.out", f.z.tolist(), "activation"),            # a = z: φ left out
        ("nodes.h1.dz", b.dout.tolist(), "local-derivative"),     # σ′(z) left out
        ("nodes.h1.dz", (b.a * b.dout).tolist(), "local-derivative"),   # σ, not σ′
        ("nodes.h1.dz", b.local.tolist(), "upstream"),            # ∂C/∂a left out
        ("grads.w:x1->h1", -g, "sign"),
        ("grads.w:x1->h1", float(np.sum(b.dz)), "local-derivative"),    # x1 left out
        ("grads.b:o", float(np.mean(c.backward["o"].dz)), "mean"),      # a mean, not a sum
        ("updated.w:x1->h1", before - g, "learning-rate"),        # η left out
        ("updated.w:x1->h1", before + 2 * g, "sign"),             # p + η·g
    ]
    for path, given, diagnosis in cases:
        v = verdict(c, path, given)
        assert (v.correct, v.diagnosis) == (False, diagnosis), path


def test_a_forgotten_one_over_n_of_the_mean_is_named():
    """The loss's mean over the batch's four rows: ∂L/∂y without its 1/4."""
    c = checker("xor-2-2-1.bpsim.json")
    v = verdict(c, "nodes.o.dout", (c.backward["o"].dout * 4).tolist())
    assert v.diagnosis == "mean"


def test_answers_written_as_on_paper_and_bad_ones_refused_by_their_path():
    c = checker(CIRCUIT)
    assert verdict(c, "nodes.q.out", "6/2").correct
    assert verdict(c, "nodes.q.out", "−3").diagnosis == "sign"      # a typographic minus
    for answers, where in [({"nodes": {"h9": {"out": 1}}}, "nodes.h9.out"),
                           ({"nodes": {"q": {"dz": 1}}}, "nodes.q.dz"),
                           ({"nodes": {"q": {"out": "abc"}}}, "nodes.q.out"),
                           ({"nodes": {"q": {"value": 1}}}, "nodes.q.value"),
                           ({"grads": {"w:a->b": 1}}, "grads.w:a->b"),
                           ({"answers": {}}, "answers"),
                           ({"nodes": {"q": {"out": [1, 2]}}}, "nodes.q.out")]:
        with pytest.raises(BpsimError) as info:
            c.check(answers)
        assert info.value.path == where


def test_close_is_relative_far_from_zero_and_absolute_near_it():
    assert close(1.0009, 1.0) and not close(1.002, 1.0)
    assert close(5e-7, 0.0) and not close(2e-6, 0.0)
    assert close(np.array([1.0, 0.0]), np.array([1.0005, 1e-7]))


@pytest.mark.parametrize("kind", ["circuit", "neuron", "layered"])
def test_new_exercises_are_worked_by_hand_for_200_seeds(kind):
    seen = set()
    for seed in range(200):
        doc = new_exercise(kind, seed)
        session = Session.from_loaded(loads(json.dumps(doc)))
        _, trace = session.step_traced()
        values = []
        for m in trace.steps:
            if isinstance(m, ForwardStep):
                values += [m.out, m.z]
            elif isinstance(m, BackwardStep):
                values += [m.dout, m.dz, m.local] + [t.factor for t in m.terms] + \
                    [g.value for g in m.grads]
            elif isinstance(m, UpdateStep):
                values += [m.before, m.grads, m.after]
        flat = np.concatenate([np.ravel(np.asarray(v, float)) for v in values if v is not None])
        bad = [x for x in flat if not hand_friendly(float(x))]
        assert not bad, (kind, seed, bad)
        assert np.any(trace.steps[-1].grads)          # the step moves something
        seen.add(json.dumps(doc["nodes"]) + json.dumps(doc["edges"]))
    assert len(seen) > 150                             # seeds give different exercises
    assert new_exercise(kind, 7) == new_exercise(kind, 7)


def test_hand_friendly_numbers():
    for x in (0.5, -2.5, 0.125, 0.0625, 12.75, 0.0, 999.5):
        assert hand_friendly(x), x
    for x in (1 / 3, 0.73105, 12345.0, 0.00001, float("nan")):
        assert not hand_friendly(x), x


def test_the_worked_formula_is_the_line_that_computes_the_number_asked():
    c = checker("xor-2-2-1.bpsim.json")
    starts = {"nodes.h1.z": "z_h1 = ", "nodes.h1.out": "a_h1 = σ(z_h1)",
              "nodes.h1.dz": "δ_h1 = ", "nodes.h1.dout": "∂C/∂a_h1 = w_h1→o·δ_o",
              "grads.b:h1": "∂C/∂b_h1 = ", "grads.w:x2->h1": "∂C/∂w_x2→h1 = ",
              "updated.b:o": "b_o ← b_o − η·g"}
    for path, start in starts.items():
        v = verdict(c, path, 123.0 if not path.startswith("nodes") else [123.0] * 4)
        assert v.worked.startswith(start), (path, v.worked)


def test_local_derivatives_are_asked_at_the_backward_step_that_multiplies_by_them():
    from bpsim.session.exercise import asked_paths
    c = checker(CIRCUIT)
    asked = [p for m in c.trace.steps for p in asked_paths(m, {"locals"})]
    assert asked == ["locals.f.q", "locals.f.z", "locals.q.y", "locals.q.x"]
    assert verdict(c, "locals.f.q", -4).correct                 # ∂(q·z)/∂q = z
    wrong = verdict(c, "locals.f.q", 3)                         # q, its own value
    assert wrong.diagnosis == "local-derivative"
    assert wrong.worked == "∂f/∂q = ∂(q·z)/∂q = z = -4"
    assert verdict(c, "locals.q.x", 1).correct
    neuron = checker("sigmoid-neuron.bpsim.json")
    a = float(neuron.forward["a"].out[0])
    assert verdict(neuron, "nodes.a.local", a * (1 - a)).correct
    sigma = verdict(neuron, "nodes.a.local", a)                 # σ, not σ′
    assert sigma.diagnosis == "activation" and sigma.worked.startswith("σ′(z_a) = ")
    with pytest.raises(BpsimError):
        c.check({"locals": {"f": {"x": 1}}})                    # x feeds q, not f
