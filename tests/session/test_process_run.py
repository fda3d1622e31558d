"""Training in a process of its own: the steps it sends back make the same
history as training in line, and it stops by the session's rules."""
import json
import pickle
import threading
import time

import numpy as np
import pytest

from bpsim.document import load, loads
from bpsim.paths import examples_dir
from bpsim.session import Session
from bpsim.session.process_run import ProcessRun


def session_of(name: str, **training) -> Session:
    net = json.loads((examples_dir() / name).read_text())
    net["training"].update(training)
    return Session.from_loaded(loads(json.dumps(net), str(examples_dir() / name)))


def run_until(run: ProcessRun, steps: int, timeout: float = 30.0) -> list:
    """Take traced steps as a window does each frame, until enough steps."""
    traced = []
    end = time.monotonic() + timeout
    while run.running and run.steps < steps and time.monotonic() < end:
        time.sleep(0.01)
        with run.reading():
            got = run.take()
        if got is not None:
            traced.append(got[1])
    return traced


def test_the_steps_sent_back_make_the_history_of_an_inline_run():
    # Adam (optimizer state sent back too) and a test split (test costs too)
    session = session_of("circle-with-test-split.bpsim.json")
    run = ProcessRun(session, threading.RLock())
    run.start()
    traces = run_until(run, 400)
    run.stop()
    assert run.stopped is None and run.error is None
    n = session.iteration
    assert n >= 400 and n == run.steps == session.history.length
    inline = session_of("circle-with-test-split.bpsim.json")
    inline.train(n)
    assert session.history.costs == inline.history.costs             # bit for bit
    assert session.history.test_costs == inline.history.test_costs
    assert session.history.epochs == inline.history.epochs
    assert (session.state.theta == inline.state.theta).all()
    assert (session.state.optimizer.m == inline.state.optimizer.m).all()
    assert session.state.position == inline.state.position
    np.testing.assert_array_equal(session.history.grad_norms[-1], inline.history.grad_norms[-1])
    # the states kept for good own their arrays: none keeps a whole batch alive
    kept_for_good = [st for k, st in session.history.kept_items() if k and k % 100 == 0]
    assert kept_for_good and all(st.theta.base is None and st.optimizer.m.base is None
                                 for st in kept_for_good)
    # the traced steps are steps of this history
    assert traces
    for trace in traces:
        assert trace.cost == session.history.costs[trace.step - 1]
    # and going back replays to the same numbers
    session.goto(n // 2)
    session.train(n - n // 2)
    assert session.history.costs == inline.history.costs


def test_it_stops_by_itself_on_divergence_and_on_epsilon():
    session = session_of("single-weight-regression.bpsim.json", learning_rate=0.5)
    run = ProcessRun(session, threading.RLock())
    run.start()
    run_until(run, 10**9)
    run.stop()
    assert run.stopped == "diverged" and session.diverged
    assert all(np.isfinite(session.history.costs))

    session = session_of("single-weight-regression.bpsim.json", learning_rate=0.01,
                         epsilon=1e-6)
    run = ProcessRun(session, threading.RLock())
    run.start()
    run_until(run, 10**9)
    run.stop()
    assert run.stopped == "epsilon"
    inline = session_of("single-weight-regression.bpsim.json", learning_rate=0.01,
                        epsilon=1e-6)
    assert inline.train(10**6).stopped == "epsilon"
    assert inline.iteration == session.iteration


def test_only_settings_in_force_now_can_go_to_a_process():
    session = Session.from_loaded(load(examples_dir() / "xor-2-2-1.bpsim.json"))
    assert ProcessRun.usable(session)
    session.train(10)
    session.change_settings(learning_rate=0.5)
    session.goto(5)                  # going back: a change is planned at 10
    assert not ProcessRun.usable(session)


def test_a_thinned_trace_shows_the_batch_means_of_the_full_one():
    from bpsim.engine import assemble, record_trace
    from bpsim.session.display import display
    from bpsim.session.stepper import Stepper
    session = session_of("circle-with-test-split.bpsim.json")
    trainer, settings = session.trainer, session.settings
    result = trainer.step(session.state, settings)
    record = record_trace(trainer, result, settings)
    full = assemble(trainer.compiled, record)
    thin = assemble(trainer.compiled, pickle.loads(pickle.dumps(record.means())))
    assert len(full.rows) > 1 and (thin.rows == full.rows).all()
    assert all(m.out.shape == (1,) for m in thin.steps[:len(session.document.nodes)])
    stepper = Stepper(session)
    edges = [(e.src, e.dst) for e in session.document.edges]
    stepper.show_trace(full)
    expected = display(stepper, edges, None)
    stepper.show_trace(thin)
    shown = display(stepper, edges, None)
    for table, fields in ((expected.nodes, ("out", "z", "dout", "dz")),
                          (expected.edges, ("weight", "grad", "term"))):
        other = shown.nodes if table is expected.nodes else shown.edges
        for key, item in table.items():
            for name in fields:
                a, b = getattr(item, name), getattr(other[key], name)
                assert (a is None) == (b is None)
                if a is not None:
                    assert b == pytest.approx(a, rel=1e-12, abs=1e-15)
    # the update's arrays are per parameter: kept whole
    assert (thin.steps[-1].before == full.steps[-1].before).all()


def _fields(step):
    return {k: v for k, v in vars(step).items()}


def gates_over_rows() -> Session:
    """The sigmoid neuron drawn as gates, over five rows of inputs."""
    net = json.loads((examples_dir() / "sigmoid-neuron-gates.bpsim.json").read_text())
    inputs = [n["id"] for n in net["nodes"] if n["kind"] == "input"]
    rng = np.random.default_rng(3)
    net["data"] = {"inputs": inputs, "targets": [],
                   "rows": rng.normal(size=(5, len(inputs))).round(3).tolist()}
    return Session.from_loaded(loads(json.dumps(net), "gates.bpsim.json"))


GRADIENTS = ("dout", "dz", "dy", "loss_term", "delta", "upstream")


@pytest.mark.parametrize("name", ["circuit-x-plus-y-times-z.bpsim.json", "gates over rows",
                                  "sgd-versus-full-batch.bpsim.json",
                                  "circle-with-test-split.bpsim.json"])
def test_every_number_of_a_reduced_record_is_the_batch_mean_or_sum_of_the_full_one(name):
    """The forward values and local derivatives as batch means, the gradients
    as batch sums (what the parameters receive); gates too: their local
    derivatives and terms are reduced as products."""
    from bpsim.engine import assemble, record_trace
    session = gates_over_rows() if name == "gates over rows" else session_of(name)
    trainer, settings = session.trainer, session.settings
    result = trainer.step(session.state, settings)
    record = record_trace(trainer, result, settings)
    full = assemble(trainer.compiled, record)
    thin = assemble(trainer.compiled, record.means())
    n = len(full.rows)
    compared = 0

    def same(a, b, where):
        nonlocal compared
        if isinstance(a, np.ndarray):
            key = where.rsplit(".", 1)[-1]
            gradient = key in GRADIENTS or (key == "value" and ".terms[" in where)
            reduce = a.sum if gradient else a.mean
            expected = reduce(axis=-1, keepdims=True) if a.ndim and a.shape[-1] == n and \
                a is not full.rows and n > 1 else a
            if where.startswith("update"):
                expected = a               # per parameter, kept whole
            np.testing.assert_allclose(b, expected, rtol=1e-12, atol=1e-15, err_msg=where)
            compared += 1
        elif isinstance(a, tuple):
            assert len(a) == len(b), where
            for k, (x, y) in enumerate(zip(a, b)):
                same(x, y, f"{where}[{k}]")
        elif hasattr(a, "__dataclass_fields__"):
            for key, value in _fields(a).items():
                same(value, getattr(b, key), f"{where}.{key}")
        else:
            assert a == b or (a != a and b != b), where
    for k, (a, b) in enumerate(zip(full.steps, thin.steps)):
        same(a, b, f"{a.phase} {k}")
    assert compared >= 2 * len(full.steps)
