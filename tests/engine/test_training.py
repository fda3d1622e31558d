"""Training: optimizers, batches, stopping rules and divergence as the contract says."""
import json

import numpy as np
import pytest

from bpsim.document import loads
from bpsim.engine.data import BatchPosition
from bpsim.session import Session


def linear_net(rows, **training) -> dict:
    """y = w·x + b, a neuron with identity activation, mse mean."""
    return {"format": "bpsim", "version": 1,
            "nodes": [{"id": "x", "kind": "input"},
                      {"id": "y", "kind": "neuron", "bias": 0.5}],
            "edges": [{"from": "x", "to": "y", "weight": -0.3}],
            "outputs": ["y"], "loss": {"kind": "mse", "reduction": "mean"},
            "training": {"learning_rate": 0.1, **training},
            "data": {"inputs": ["x"], "targets": ["y"], "rows": rows}}


ROWS = [[0.0, 1.0], [1.0, 3.0], [2.0, 5.0], [3.0, 7.0], [4.0, 9.0]]


def session(net) -> Session:
    return Session.from_loaded(loads(json.dumps(net)))


def grads_by_hand(w, b, rows):
    x, t = np.array(rows).T
    r = w * x + b - t
    return np.mean(r ** 2), np.mean(2 * r * x), np.mean(2 * r)


def test_gd_is_p_minus_eta_g():
    s = session(linear_net(ROWS))
    w, b = -0.3, 0.5
    for _ in range(3):
        cost, gw, gb = grads_by_hand(w, b, ROWS)
        assert s.step().cost == pytest.approx(cost, rel=1e-14)
        w, b = w - 0.1 * gw, b - 0.1 * gb
    assert s.parameters() == pytest.approx({"w:x->y": w, "b:y": b}, rel=1e-14)


def test_momentum_and_adam_follow_their_formulas():
    s = session(linear_net(ROWS, optimizer="momentum", momentum=0.8))
    w, b, vw, vb = -0.3, 0.5, 0.0, 0.0
    for _ in range(4):
        _, gw, gb = grads_by_hand(w, b, ROWS)
        vw, vb = 0.8 * vw + gw, 0.8 * vb + gb
        w, b = w - 0.1 * vw, b - 0.1 * vb
        s.step()
    assert s.parameters() == pytest.approx({"w:x->y": w, "b:y": b}, rel=1e-13)

    s = session(linear_net(ROWS, optimizer="adam", learning_rate=0.05, beta1=0.8, beta2=0.99))
    p = np.array([-0.3, 0.5])
    m = v = np.zeros(2)
    for t in range(1, 6):
        g = np.array(grads_by_hand(*p, ROWS)[1:])
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
        p = p - 0.05 * (m / (1 - 0.8 ** t)) / (np.sqrt(v / (1 - 0.99 ** t)) + 1e-8)
        s.step()
    assert list(s.parameters().values()) == pytest.approx(list(p), rel=1e-12)


def test_optimizers_match_torch():
    torch = pytest.importorskip("torch")
    for kind, extra in (("gd", {}), ("momentum", {"momentum": 0.7}),
                        ("adam", {"beta1": 0.85, "beta2": 0.995, "eps": 1e-6})):
        s = session(linear_net(ROWS, optimizer=kind, **extra))
        w = torch.tensor(-0.3, dtype=torch.float64, requires_grad=True)
        b = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
        if kind == "adam":
            opt = torch.optim.Adam([w, b], lr=0.1, betas=(0.85, 0.995), eps=1e-6)
        else:
            opt = torch.optim.SGD([w, b], lr=0.1, momentum=extra.get("momentum", 0.0))
        x, t = torch.tensor(ROWS, dtype=torch.float64).T
        for _ in range(10):
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(w * x + b, t)
            loss.backward()
            opt.step()
            assert s.step().cost == pytest.approx(loss.item(), rel=1e-10)
        assert s.parameters()["w:x->y"] == pytest.approx(w.item(), rel=1e-10), kind
        assert s.parameters()["b:y"] == pytest.approx(b.item(), rel=1e-10), kind


def batches(n: int, batch, shuffle=False, seed=0, count=5):
    """The rows of ``count`` successive batches over n rows, and the position after."""
    s = session(linear_net([[float(i), 0.0] for i in range(n)], batch=batch, shuffle=shuffle,
                           seed=seed))
    pos, seen = BatchPosition(), []
    for _ in range(count):
        rows, _, _, pos = s.trainer.next_batch(pos, s.settings)
        seen.append(rows.tolist())
    return seen, pos


def test_minibatches_are_consecutive_and_the_last_one_smaller():
    seen, pos = batches(5, 2)
    assert seen == [[0, 1], [2, 3], [4], [0, 1], [2, 3]]
    assert pos == BatchPosition(1, 4)    # second epoch (0-based), next row 4
    assert batches(5, "sgd", count=1)[0] == [[0]]
    seen, pos = batches(5, "full", shuffle=True, count=1)
    assert seen == [[0, 1, 2, 3, 4]] and pos.epoch == 1


def test_batch_inputs_are_the_rows_data():
    s = session(linear_net(ROWS, batch=2, shuffle=True, seed=3))
    pos = BatchPosition()
    for _ in range(4):
        rows, x, t, pos = s.trainer.next_batch(pos, s.settings)
        np.testing.assert_array_equal(x[0], np.array(ROWS)[rows, 0])
        np.testing.assert_array_equal(t[0], np.array(ROWS)[rows, 1])


def test_shuffle_redraws_each_epoch_and_replays():
    orders = [batches(6, 3, shuffle=True, seed=42, count=6)[0] for _ in range(2)]
    assert orders[0] == orders[1]                         # same seed, same rows
    first, second = sum(orders[0][:2], []), sum(orders[0][2:4], [])
    assert sorted(first) == sorted(second) == list(range(6))   # each epoch sees every row
    assert first != second                                # re-drawn


def test_sgd_trace_reports_its_rows():
    s = session(linear_net(ROWS, batch="sgd"))
    rows = [s.step().evaluation.rows.tolist() for _ in range(6)]
    assert rows == [[0], [1], [2], [3], [4], [0]]


def test_epsilon_stops_after_applying_the_step():
    s = session(linear_net(ROWS, epsilon=1e-3, max_steps=100000, learning_rate=0.05))
    run = s.train(100000)
    assert run.stopped == "epsilon"
    assert run.state.step == len(run.costs)     # the step that met epsilon was applied
    assert s.iteration == run.state.step


def test_epsilon_wins_when_met_together_with_max_steps():
    net = linear_net(ROWS, epsilon=1e-3, learning_rate=0.05)
    n = session(net).train(100000).state.step
    run = session(dict(net, training={**net["training"], "max_steps": n})).train(n)
    assert run.stopped == "epsilon"


def test_divergence_stops_and_keeps_the_last_finite_state():
    s = session(linear_net(ROWS, learning_rate=5.0))
    run = s.train(1000)
    assert run.stopped == "diverged"
    assert all(np.isfinite(run.costs[:-1]))        # it ran finite until the last step
    assert run.state.step == len(run.costs) - 1     # the diverged step was not applied
    assert all(np.isfinite(list(s.parameters().values())))
    assert s.iteration == run.state.step


def test_test_fraction_holds_out_the_last_rows():
    net = linear_net(ROWS * 2)
    net["data"]["test_fraction"] = 0.3
    s = session(net)
    assert s.dataset.n_train == 7 and s.dataset.test_count == 3
    before = s.parameters()
    result = s.step()
    assert result.evaluation.rows.tolist() == list(range(7))
    test_rows = (ROWS * 2)[7:]
    cost, _, _ = grads_by_hand(before["w:x->y"], before["b:y"], test_rows)
    assert result.test_cost == pytest.approx(cost, rel=1e-14)


def test_missing_values_are_drawn_from_the_seed_like_torch_linear():
    net = linear_net(ROWS, seed=5)
    del net["edges"][0]["weight"]
    del net["nodes"][1]["bias"]
    a, b = loads(json.dumps(net)).document, loads(json.dumps(net)).document
    assert a.edges[0].weight == b.edges[0].weight       # same seed, same draw
    assert -1 <= a.edges[0].weight <= 1 and -1 <= a.node("y").bias <= 1   # fan_in 1
    net["training"]["seed"] = 6
    assert loads(json.dumps(net)).document.edges[0].weight != a.edges[0].weight
