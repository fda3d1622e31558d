"""The session's announcements: who is told what, once per move, and
listeners that stop listening; the next update always the one a fresh
computation gives."""
from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpsim.document import load
from bpsim.document.edits import RemoveElements, SetEdgeWeight, SetSection
from bpsim.paths import examples_dir
from bpsim.session import Session
from bpsim.session.events import Events, Signal, Subscriptions, Watch
from bpsim.session.stepper import Stepper
from bpsim.session.workspace import Workspace


def workspace(name="xor-2-2-1.bpsim.json") -> Workspace:
    return Workspace.from_loaded(load(examples_dir() / name))


class Heard:
    """Every announcement of ``events``, by name, in order."""

    def __init__(self, events: Events):
        self.names: list[str] = []
        self.subscriptions = Subscriptions()
        self.subscriptions.connect_all(events, lambda name: self.names.append(name))

    def take(self) -> list[str]:
        names, self.names = self.names, []
        return names


def test_a_signal_calls_its_slots_in_order_until_disconnected():
    signal = Signal("moved")
    calls = []
    first = signal.connect(lambda x: calls.append(("first", x)))
    signal.connect(lambda x: calls.append(("second", x)))
    signal.emit(1)
    first.disconnect()
    first.disconnect()                     # again: nothing
    signal.emit(2)
    assert calls == [("first", 1), ("second", 1), ("second", 2)]
    assert not first.connected and len(signal) == 1


def test_a_slot_disconnecting_during_an_emit_does_not_skip_the_next():
    signal = Signal("moved")
    calls = []
    own = signal.connect(lambda: (calls.append("a"), own.disconnect()))
    signal.connect(lambda: calls.append("b"))
    signal.emit()
    signal.emit()
    assert calls == ["a", "b", "b"]


def test_a_watch_reports_each_announcement_once_and_follows_a_new_network():
    a, b = Events(), Events()
    watch = Watch("iteration_changed", "rebuilt")
    assert watch.changed(a)                # never drawn: stale
    assert not watch.changed(a)
    a.stepped.emit()                       # not one it watches
    assert not watch.changed(a)
    a.iteration_changed.emit()
    a.rebuilt.emit()
    assert watch.changed(a) and not watch.changed(a)
    assert watch.changed(b)                # another network: everything new
    a.rebuilt.emit()                       # the old one is no longer heard
    assert not watch.changed(b)
    watch.close()
    assert len(b.rebuilt) == 0 and len(a.rebuilt) == 0


def test_stepping_announces_once_a_move_and_the_update_moves_the_iteration():
    ws = workspace()
    heard = Heard(ws.events)
    st = ws.stepper
    st.forward()
    assert heard.take() == ["stepped"]
    st.finish_iteration()                  # many micro-steps, the update among them
    names = heard.take()
    assert names.count("stepped") == 1 and names[-1] == "stepped"
    assert {"iteration_changed", "history_changed"} <= set(names)
    st.back()                              # over the update: the iteration goes back
    assert set(heard.take()) == {"iteration_changed", "stepped"}


def test_a_run_announces_once_however_many_steps_it_takes():
    ws = workspace()
    heard = Heard(ws.events)
    ws.session.train(50)
    assert heard.take() == ["iteration_changed", "history_changed"]
    assert ws.session.iteration == 50


def test_edits_announce_what_they_change():
    ws = workspace()
    heard = Heard(ws.events)
    edge = ws.document.edges[0]
    SetEdgeWeight(edge.src, edge.dst, 0.25).apply(ws.document)
    assert {"iteration_changed", "history_changed", "stepped"} == set(heard.take())
    training = ws.document.training
    SetSection("training", replace(training, learning_rate=training.learning_rate / 2)
               ).apply(ws.document)
    assert "settings_changed" in heard.take()
    ws.begin_edit()
    RemoveElements(["h1"]).apply(ws.document)
    ws.end_edit()
    assert heard.take().count("rebuilt") == 1      # one rebuild for the whole edit


def test_replaced_steppers_stop_listening():
    ws = workspace()
    listeners = len(ws.events.iteration_changed)
    for _ in range(20):
        ws.reset_training()
        edge = ws.document.edges[0]
        SetEdgeWeight(edge.src, edge.dst, edge.weight + 0.1).apply(ws.document)
    assert len(ws.events.iteration_changed) == listeners


def fresh_next_update(stepper: Stepper):
    """What next_update must say, computed from nothing kept."""
    update = stepper.trace.steps[-1]
    if not stepper.complete or update.after is None:
        return update.names, update.before, update.after
    following = stepper.session.preview().steps[-1]
    return following.names, following.before, following.after


MOVES = ("forward", "forward", "back", "finish_phase", "finish_iteration", "rewind")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(MOVES), st.booleans(), st.integers(0, 30)),
                min_size=500, max_size=500))
def test_the_next_update_is_always_the_one_a_fresh_computation_gives(walk):
    """20 000 moves in all, looking at the next update after some of them
    only: a cached answer must never outlive the walk it was computed for
    (the landscape's arrow and the tangent's landing point draw it)."""
    ws = workspace("sgd-versus-full-batch.bpsim.json")
    st_ = ws.stepper
    for move, look, k in walk:
        if move == "rewind":
            st_.show_iteration(min(k, st_.session.history.length))
        else:
            getattr(st_, move)()
        if look:
            names, before, after = st_.next_update()
            want = fresh_next_update(st_)
            assert list(names) == list(want[0])
            np.testing.assert_array_equal(before, want[1])
            if want[2] is None:
                assert after is None
            else:
                np.testing.assert_array_equal(after, want[2])
