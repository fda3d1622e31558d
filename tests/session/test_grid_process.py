"""Landscape grids in a process of their own: the same numbers as computed
here, the graph sent again when the trainer changes, errors said, and a
dead process replaced (or stood in for) without a lost grid."""
import numpy as np
import pytest

from bpsim.document import load
from bpsim.paths import examples_dir
from bpsim.session import Session
from bpsim.session.grid_process import GridError, _Server, grid_surface, surface


def session_of(name: str) -> Session:
    return Session.from_loaded(load(examples_dir() / name))


def request(s: Session, names=None, n=9):
    names = names or tuple(s.param_names[:2])
    here = s.parameters()
    values = tuple(np.linspace(here[k] - 1, here[k] + 1, n + i) for i, k in enumerate(names))
    return s.trainer, s.state.theta, s.settings, names, values


def assert_same(a, b):
    for field in ("grid", "shown", "x", "y"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))   # bit for bit
    assert a.logged == b.logged


def test_the_process_computes_what_this_process_would():
    s = session_of("circle-with-test-split.bpsim.json")
    args = request(s)
    got = grid_surface(*args)
    assert got.grid.shape == (10, 9) and np.isfinite(got.grid).all()
    assert len(got.x) and len(got.x) == len(got.y)       # contour lines came with it
    assert_same(got, surface(*args))
    assert _Server._instance is not None and _Server._instance.process.is_alive()


def test_a_new_trainer_is_sent_to_the_process():
    xor, circle = session_of("xor-2-2-1.bpsim.json"), session_of("circle-with-test-split.bpsim.json")
    for s in (xor, circle, xor):         # each answer is of the network asked about
        args = request(s, n=5)
        assert_same(grid_surface(*args), surface(*args))
    s = session_of("xor-2-2-1.bpsim.json")
    s.train(3)                           # same network, other weights
    args = request(s, n=5)
    assert_same(grid_surface(*args), surface(*args))


def test_an_error_in_the_process_is_said_and_the_process_serves_on():
    s = session_of("xor-2-2-1.bpsim.json")
    name = s.param_names[0]
    with pytest.raises(GridError, match="two different ones"):
        grid_surface(*request(s, names=(name, name)))
    args = request(s)
    assert_same(grid_surface(*args), surface(*args))


def test_a_killed_process_is_replaced():
    s = session_of("xor-2-2-1.bpsim.json")
    args = request(s)
    grid_surface(*args)
    server = _Server._instance
    server.process.kill()
    server.process.join(5)
    assert_same(grid_surface(*args), surface(*args))
    assert _Server._instance is not server and _Server._instance.process.is_alive()


def test_a_grid_the_process_cannot_answer_is_computed_here():
    s = session_of("xor-2-2-1.bpsim.json")
    args = request(s)
    grid_surface(*args)
    server = _Server._instance
    server.conn.close()              # as if it died in the middle of a request
    assert_same(grid_surface(*args), surface(*args))
    assert _Server._instance is None          # forgotten: the next grid starts another
    server.process.join(5)
    assert not server.process.is_alive()      # it saw its pipe close, and ended


def test_without_a_process_grids_are_computed_here(monkeypatch):
    monkeypatch.setattr(_Server, "unavailable", True)
    monkeypatch.setattr(_Server, "_instance", None)
    s = session_of("xor-2-2-1.bpsim.json")
    args = request(s)
    assert_same(grid_surface(*args), surface(*args))
    assert _Server._instance is None


def test_a_process_ended_at_the_exit_leaves_its_grid_uncomputed(monkeypatch):
    """At the interpreter's exit multiprocessing ends the grid process; a
    grid being waited for was then computed in the exiting process, which
    held the exit up for as long."""
    import bpsim.session.grid_process as grid_process
    s = session_of("xor-2-2-1.bpsim.json")
    args = request(s)
    grid_surface(*args)                              # a process serving

    def ended_at_the_exit(self, *a):
        _Server.closing = True                       # what the exit handler does
        raise EOFError
    monkeypatch.setattr(_Server, "closing", False)   # restored after the test
    monkeypatch.setattr(_Server, "surface", ended_at_the_exit)
    monkeypatch.setattr(grid_process, "surface", lambda *a: pytest.fail("computed here"))
    with pytest.raises(GridError, match="closing"):
        grid_surface(*args)
    # and once exiting, no process is started for a grid asked for
    monkeypatch.setattr(_Server, "get", classmethod(lambda cls: pytest.fail("started")))
    with pytest.raises(GridError, match="closing"):
        grid_surface(*args)


def test_a_process_given_up_ends_even_with_every_core_busy():
    """At idle priority the process's thread gets no CPU while the cores are
    busy, and it held the interpreter lock another thread would need: the
    window's side ends the process it gives up."""
    import os
    import subprocess
    import sys
    import time
    s = session_of("xor-2-2-1.bpsim.json")
    grid_surface(*request(s))
    server = _Server._instance
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(os.cpu_count() or 2)]
    try:
        time.sleep(0.3)
        _Server.forget(server)
        server.process.join(3)
        assert not server.process.is_alive()
    finally:
        for p in busy:
            p.kill()
            p.wait()


def test_a_grid_given_up_while_waited_for_closes_the_pipe_once():
    """abandon_grids from the window's thread while a worker waits on the
    pipe: the worker is told the window closes, and the pipe is closed by
    the worker, after its last read, not from under it (a file descriptor
    closed twice closed whatever file had been given its number between)."""
    import os
    import threading
    import time
    from bpsim.session.grid_process import abandon_grids
    s = session_of("circle-with-test-split.bpsim.json")
    grid_surface(*request(s))                   # the process is up and has the graph
    server = _Server._instance
    outcome = []

    def wait_for_big_grid():
        try:
            grid_surface(*request(s, n=600))
            outcome.append("computed")
        except GridError as exc:
            outcome.append(str(exc))
    worker = threading.Thread(target=wait_for_big_grid)
    worker.start()
    deadline = time.monotonic() + 5
    while not server.lock.locked() and time.monotonic() < deadline:
        time.sleep(0.001)
    assert server.lock.locked()                 # the worker is in its request
    abandon_grids()
    assert not server.conn.closed               # still the worker's to close
    bystander_read, bystander_write = os.pipe()  # may take a number the pipe frees
    try:
        worker.join(5)
        assert not worker.is_alive()
        assert outcome == ["the window is closing"]
        assert server.conn.closed
        os.write(bystander_write, b"x")         # untouched by the closing
        assert os.read(bystander_read, 1) == b"x"
    finally:
        os.close(bystander_read)
        os.close(bystander_write)
