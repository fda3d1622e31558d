"""The landscape's descent path, kept up to date a frame at a time, is the
path read from scratch: the two parameters at every state the history
keeps, up to the iteration shown, as the history grows (and thins its older
states), after a rewind, after steps forgotten, a new start, a value set by
hand and a history thinned for an undo step; and a frame looks at the
states new since the last, not at every state kept."""
from types import SimpleNamespace

import numpy as np
import pytest

from bpsim.document import load
from bpsim.paths import examples_dir
from bpsim.session import History, Session
from bpsim.ui.plots.landscape import LandscapePlot

NAMES = ("w:x1->h1", "b:o")


def session(recent: int = 50) -> Session:
    s = Session.from_loaded(load(examples_dir() / "xor-2-2-1.bpsim.json"))
    # a few states kept in full, then one in 20: the history thins within a test
    s.history = History(recent=recent, every=20)
    s.rebuild()
    return s


def from_scratch(s: Session, names=NAMES) -> np.ndarray:
    """The path read plainly: the reference."""
    c = s.trainer.compiled
    a, b = (int(c.param_theta[s.param_names.index(n)]) for n in names)
    kept = sorted(s.history.kept_items(), key=lambda item: item[0])
    return np.array([(state.theta[a], state.theta[b]) for k, state in kept
                     if k <= s.iteration]).reshape(-1, 2)


@pytest.fixture
def plot(qtbot):
    widget = LandscapePlot(SimpleNamespace(workspace=None, running=False))
    qtbot.addWidget(widget)
    return widget


def assert_path(plot, s: Session, names=NAMES) -> None:
    path = plot.path_points(s, names)
    assert path.shape == from_scratch(s, names).shape
    assert path.tobytes() == from_scratch(s, names).tobytes()


def run(plot, s: Session, steps: int, rng) -> None:
    """Train ``steps`` steps a few at a time, as frames of Run see them."""
    done = 0
    while done < steps:
        chunk = min(steps - done, int(rng.integers(1, 70)))
        s.train(chunk)
        done += chunk
        assert_path(plot, s)


def test_the_path_grows_as_the_history_does(plot):
    rng = np.random.default_rng(0)
    s = session()
    assert_path(plot, s)                 # the start alone
    run(plot, s, 1500, rng)
    assert s.history.kept() < 200        # thinned as it grew
    assert_path(plot, s, NAMES[::-1])    # the other way round
    assert_path(plot, s)


def test_a_rewind_shows_the_path_up_to_there(plot):
    rng = np.random.default_rng(1)
    s = session()
    run(plot, s, 1200, rng)
    for iteration in (1190, 1160, 700, 620, 3, 0, 1200):   # kept, recent, thinned, the start
        s.goto(iteration)
        assert_path(plot, s)
    s.goto(1000)
    s.train(5)                           # the steps after 1000 are forgotten
    assert s.history.length == 1005
    assert_path(plot, s)
    run(plot, s, 300, rng)


def test_a_new_history_is_read_from_its_start(plot):
    rng = np.random.default_rng(2)
    s = session()
    run(plot, s, 400, rng)
    s.rebuild()                          # the same history object, started again
    assert_path(plot, s)
    run(plot, s, 300, rng)
    s.change_settings(learning_rate=0.5)     # at the end: nothing forgotten
    run(plot, s, 300, rng)


def test_a_value_set_by_hand_moves_the_paths_end(plot):
    rng = np.random.default_rng(3)
    s = session(recent=10_000)           # nothing thinned: the value set is the change
    run(plot, s, 200, rng)
    s.set_value(NAMES[0], 2.5)           # at the last iteration: the same history
    assert_path(plot, s)
    assert plot.path_points(s, NAMES)[-1][0] == 2.5
    run(plot, s, 100, rng)


def test_a_history_thinned_for_an_undo_step_is_read_again(plot):
    """Reset hands the history to an undo step, which may thin it; Undo
    brings it back, the landscape perhaps hidden all the while (it read
    no other path in between)."""
    rng = np.random.default_rng(4)
    s = session(recent=10_000)
    run(plot, s, 300, rng)
    parts = s.detach()
    s.rebuild()
    s.train(60)
    parts.history.thin(40)
    s.attach(parts)
    assert_path(plot, s)
    run(plot, s, 100, rng)


@pytest.mark.parametrize("recent", [50, 10_000])     # thinning as it grows, or not yet
def test_a_frame_looks_at_the_new_states_only(plot, monkeypatch, recent):
    rng = np.random.default_rng(5)
    s = session(recent)
    run(plot, s, 3000, rng)
    looked = []
    h = s.history
    kept_items, kept_from, has_state = h.kept_items, h.kept_from, h.has_state
    monkeypatch.setattr(h, "kept_items", lambda: (looked.append(h.kept()), kept_items())[1])
    monkeypatch.setattr(h, "kept_from",
                        lambda k: (lambda found: (looked.append(len(found)), found)[1])(
                            kept_from(k)))
    monkeypatch.setattr(h, "has_state", lambda k: (looked.append(1), has_state(k))[1])
    s.train(30)
    path = plot.path_points(s, NAMES).copy()
    assert 0 < sum(looked) <= 2 * 30 + 2 < h.kept()
    assert path.tobytes() == from_scratch(s).tobytes()


def test_closing_with_a_grid_computing_ends_it_instead_of_waiting(window, monkeypatch):
    """At idle priority on a busy machine the grid process could take
    seconds to answer a window that closes: it is ended, and the grid it
    was computing is computed nowhere else."""
    from bpsim.paths import examples_dir
    from bpsim.session import grid_process
    window.files.open_path(examples_dir() / "circle-with-test-split.bpsim.json")
    plot = window.plots.landscape
    plot.settle()
    monkeypatch.setattr(grid_process, "surface",
                        lambda *a: pytest.fail("the grid given up was computed here"))
    plot.resolution.setValue(200)            # a grid that takes a while
    window.stepping.step("iteration")
    plot.refresh()
    assert plot.busy
    server = grid_process._Server._instance
    plot.stop()
    assert server is not None and server.abandoned
    server.process.join(5)                   # killed: reaped as soon as the kernel is done
    assert server.process.exitcode is not None and server.process.exitcode < 0
    assert grid_process._Server._instance is None      # the next grid starts another
