"""The course notes' worked examples come out of bpsim with their numbers."""
import numpy as np
import pytest

from bpsim.document import load, loads
from bpsim.engine import build_trace
from bpsim.paths import examples_dir
from bpsim.session import Session


def session(name: str) -> Session:
    return Session.from_loaded(load(examples_dir() / f"{name}.bpsim.json"))


def first_trace(s: Session):
    result, trace = s.step_traced()
    forward = {m.node: m for m in trace.steps if m.phase == "forward"}
    backward = {m.node: m for m in trace.steps if m.phase == "backward"}
    return result, forward, backward


def test_x_plus_y_times_z():
    result, fwd, bwd = first_trace(session("circuit-x-plus-y-times-z"))
    assert fwd["q"].out[0] == 3.0
    assert fwd["f"].out[0] == -12.0
    assert result.cost == -12.0
    assert [bwd[v].dout[0] for v in "xyzq"] == [-4.0, -4.0, 3.0, -4.0]


CS231N = {"w0": -0.196612, "w1": -0.393224, "w2": 0.196612}   # the notes round to ±0.2, ±0.39
CS231N_X = {"x0": 0.393224, "x1": -0.589836}


def test_sigmoid_neuron_built_from_gates():
    s = session("sigmoid-neuron-gates")
    result, fwd, bwd = first_trace(s)
    assert result.cost == pytest.approx(0.731059, abs=1e-6)
    assert fwd["s"].out[0] == 1.0    # w0·x0 + w1·x1 + w2
    grads = dict(zip(s.param_names, s.trainer.named(result.evaluation.grad)))
    for w, g in CS231N.items():
        assert grads[f"p:{w}"] == pytest.approx(g, abs=1e-6)
    for x, g in CS231N_X.items():
        assert bwd[x].dout[0] == pytest.approx(g, abs=1e-6)
    # the sigmoid gate's shortcut: ∂f/∂s = σ(1)(1 − σ(1)) ≈ 0.2
    assert bwd["s"].dout[0] == pytest.approx(0.196612, abs=1e-6)


def test_sigmoid_neuron_as_one_neuron_gives_the_same_numbers():
    s = session("sigmoid-neuron")
    result, fwd, bwd = first_trace(s)
    assert fwd["a"].z[0] == 1.0
    assert result.cost == pytest.approx(1 / (1 + np.exp(-1.0)), rel=1e-15)
    grads = dict(zip(s.param_names, s.trainer.named(result.evaluation.grad)))
    assert grads["w:x0->a"] == pytest.approx(CS231N["w0"], abs=1e-6)
    assert grads["w:x1->a"] == pytest.approx(CS231N["w1"], abs=1e-6)
    assert grads["b:a"] == pytest.approx(CS231N["w2"], abs=1e-6)
    for x, g in CS231N_X.items():
        assert bwd[x].dout[0] == pytest.approx(g, abs=1e-6)


def test_logistic_regression_matches_the_notes_loop():
    """The notes' algorithm: a loop over the m samples accumulating
    dz = a − y, dw += x·dz, db += dz, then dividing by m, then the update."""
    s = session("logistic-regression")
    doc = s.document
    rows = np.array(doc.data.rows)
    w = np.array([doc.edges[0].weight, doc.edges[1].weight])
    b = doc.node("a").bias
    lr = doc.training.learning_rate
    for _ in range(5):
        J, dw, db = 0.0, np.zeros(2), 0.0
        for x1, x2, y in rows:
            z = w[0] * x1 + w[1] * x2 + b
            a = 1 / (1 + np.exp(-z))
            J += -(y * np.log(a) + (1 - y) * np.log(1 - a))
            dz = a - y
            dw += np.array([x1, x2]) * dz
            db += dz
        m = len(rows)
        J, dw, db = J / m, dw / m, db / m
        result = s.step()
        g = dict(zip(s.param_names, s.trainer.named(result.evaluation.grad)))
        assert result.cost == pytest.approx(J, rel=1e-12)
        assert g["w:x1->a"] == pytest.approx(dw[0], rel=1e-10)
        assert g["w:x2->a"] == pytest.approx(dw[1], rel=1e-10)
        assert g["b:a"] == pytest.approx(db, rel=1e-10, abs=1e-15)
        w, b = w - lr * dw, b - lr * db
    p = s.parameters()
    assert [p["w:x1->a"], p["w:x2->a"], p["b:a"]] == pytest.approx([*w, b], rel=1e-10)


def test_single_weight_regression_over_epochs():
    """h(x) = x·w, L(w) = Σ (x·w − y)², w ← w − η·Σ 2x(x·w − y)."""
    s = session("single-weight-regression")
    rows = np.array(s.document.data.rows)
    x, y = rows[:, 0], rows[:, 1]
    w, lr = 0.0, s.document.training.learning_rate
    costs = []
    for epoch in range(100):
        costs.append(np.sum((x * w - y) ** 2))
        w -= lr * np.sum(2 * x * (x * w - y))
    run = s.train(100)
    np.testing.assert_allclose(run.costs, costs, rtol=1e-12)
    assert s.parameters()["p:w"] == pytest.approx(w, rel=1e-12)
    # and it closes on the least-squares slope Σxy/Σx² by the same share
    # 2η·Σx² of the distance left at every step
    best = np.dot(x, y) / np.dot(x, x)
    assert w - best == pytest.approx((1 - 2 * lr * np.dot(x, x)) ** 100 * (0 - best), rel=1e-9)
    assert abs(w - best) < 0.01 * best


def test_a_node_feeding_two_others_sums_their_terms():
    """The place micrograd's first version got wrong: x1 feeds h1 and h2, so
    ∂C/∂x1 = w₁·δ_h1 + w₂·δ_h2, term by term."""
    s = session("xor-2-2-1")
    result, _, bwd = first_trace(s)
    step = bwd["x1"]
    assert [t.consumer for t in step.terms] == ["h1", "h2"]
    np.testing.assert_allclose(sum(t.value for t in step.terms), step.dout, rtol=1e-15)
    for t in step.terms:
        np.testing.assert_array_equal(t.value, t.factor * t.upstream)
        np.testing.assert_array_equal(t.upstream, bwd[t.consumer].dz)


def test_trace_is_read_from_the_same_pass_as_training():
    loaded = load(examples_dir() / "xor-2-2-1.bpsim.json")
    s = Session.from_loaded(loaded)
    result = s.trainer.step(s.state, s.settings)
    trace = build_trace(s.trainer, result, s.settings)
    update = trace.steps[-1]
    np.testing.assert_array_equal(update.grads, s.trainer.named(result.evaluation.grad))
    np.testing.assert_array_equal(update.after, s.trainer.named(result.after.theta))
    assert len(trace.steps) == 2 * len(loaded.document.nodes) + 2


def test_every_example_loads_traces_and_steps():
    for path in sorted(examples_dir().glob("*.bpsim.json")):
        s = Session.from_loaded(load(path))
        result, trace = s.step_traced()
        assert not result.diverged, path.name
        assert np.isfinite(trace.cost)
        s.train(5)
        assert s.iteration >= 2 or s.settings.epsilon is not None


def test_xor_plateaus_then_falls_as_its_notes_say():
    """Its notes tell the lecturer what Run will show: output near 0.5 for
    every input and a cost near 0.25 for some 500 iterations, then a cost
    below 0.01 by iteration 1000."""
    notes = load(examples_dir() / "xor-2-2-1.bpsim.json").document.notes
    assert "0.25" in notes and "below 0.01 by iteration 1000" in notes
    s = session("xor-2-2-1")
    s.train(500)
    result, forward, _ = first_trace(s)
    assert 0.2 < result.cost < 0.26
    assert np.all(np.abs(forward["o"].out - 0.5) < 0.1)
    s.train(1000 - s.iteration)
    assert s.iteration == 1000 and s.preview().cost < 0.01


def test_loads_without_a_file_name_still_works():
    text = (examples_dir() / "sigmoid-neuron.bpsim.json").read_text()
    assert loads(text).document.title == "A sigmoid neuron"
