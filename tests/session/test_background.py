"""Training on a worker thread: the same numbers as training in line, the
session's stopping rules, and the lock a window reads under."""
import json
import threading
import time

from bpsim.document import load, loads
from bpsim.paths import examples_dir
from bpsim.session import Session
from bpsim.session.background import BackgroundRun

XOR = examples_dir() / "xor-2-2-1.bpsim.json"


def xor_session() -> Session:
    return Session.from_loaded(load(XOR))


def run_until(run: BackgroundRun, steps: int, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while run.running and run.steps < steps and time.monotonic() < end:
        time.sleep(0.005)
        with run.reading():
            run.take()               # as a window does each frame: ask for a traced step


def test_a_background_run_gives_the_numbers_of_an_inline_one():
    session = xor_session()
    run = BackgroundRun(session, threading.RLock())
    run.start()
    run_until(run, 300)
    run.stop()
    assert run.stopped is None and run.error is None
    n = session.iteration
    assert n >= 300 and n == run.steps
    inline = xor_session()
    inline.train(n)
    assert session.history.costs == inline.history.costs          # bit for bit
    assert (session.state.theta == inline.state.theta).all()


def test_it_hands_over_traced_steps_of_the_session_it_trains():
    session = xor_session()
    run = BackgroundRun(session, threading.RLock())
    run.start()
    traced = None
    end = time.monotonic() + 10
    while traced is None and time.monotonic() < end:
        time.sleep(0.002)
        with run.reading():
            traced = run.take()
            iteration = session.iteration
    run.stop()
    result, trace = traced
    assert trace.step == result.step <= iteration
    assert trace.cost == session.history.costs[trace.step - 1]


def test_it_stops_by_itself_on_divergence_and_on_epsilon():
    net = json.loads((examples_dir() / "single-weight-regression.bpsim.json").read_text())
    net["training"]["learning_rate"] = 0.5                    # far too large: it blows up
    session = Session.from_loaded(loads(json.dumps(net), "blowup.bpsim.json"))
    run = BackgroundRun(session, threading.RLock())
    run.start()
    run_until(run, 10**9)
    run.stop()
    assert run.stopped == "diverged" and session.diverged
    assert all(c == c and abs(c) != float("inf") for c in session.history.costs)

    net["training"]["learning_rate"] = 0.01
    net["training"]["epsilon"] = 1e-6
    session = Session.from_loaded(loads(json.dumps(net), "converges.bpsim.json"))
    run = BackgroundRun(session, threading.RLock())
    run.start()
    run_until(run, 10**9)
    run.stop()
    assert run.stopped == "epsilon"


def test_nothing_trains_while_a_reader_holds_the_lock():
    session = xor_session()
    run = BackgroundRun(session, threading.RLock())
    run.start()
    run_until(run, 20)
    with run.reading():
        before = session.iteration
        time.sleep(0.05)
        assert session.iteration == before
    run_until(run, before + 20)
    run.stop()
    assert session.iteration > before


def test_a_run_with_a_limit_takes_exactly_that_many_steps():
    """max_steps: the window gives a run the steps left; in chunks or traced
    one by one, it stops at the last and says why."""
    from bpsim.session.process_run import ProcessRun
    for make in (BackgroundRun, ProcessRun):
        session = xor_session()
        session.train(5)
        run = make(session, threading.RLock(), limit=37)
        run.start()
        end = time.monotonic() + 20
        while run.running and time.monotonic() < end:
            time.sleep(0.002)
            with run.reading():
                run.take()
        run.stop()
        assert run.stopped == "max_steps", make
        assert session.iteration == 5 + 37 and run.steps == 37, make
