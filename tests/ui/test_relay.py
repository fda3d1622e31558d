"""The relay brings announcements made on any thread to the window's, a
burst of them as one delivery."""
import threading

from PySide6.QtCore import QCoreApplication, QThread

from bpsim.session.events import Events
from bpsim.ui.relay import Relay


def test_a_burst_from_a_worker_thread_arrives_once_in_the_windows_thread(qtbot):
    relay = Relay()
    events = Events()
    relay.follow(events)
    got = []
    relay.announced.connect(lambda names: got.append((names, QThread.currentThread())))

    def worker():
        for _ in range(1000):
            events.iteration_changed.emit()
        events.history_changed.emit()
    with qtbot.waitSignal(relay.announced, timeout=2000):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    QCoreApplication.processEvents()     # nothing else was queued behind it
    assert len(got) == 1
    names, thread_of_delivery = got[0]
    assert names == {"iteration_changed", "history_changed"}
    assert thread_of_delivery is relay.thread()


def test_what_the_window_shows_at_once_is_not_delivered_again(qtbot):
    relay = Relay()
    events = Events()
    relay.follow(events)
    got = []
    relay.announced.connect(got.append)
    events.stepped.emit()
    assert relay.discard() == {"stepped"}      # a refresh of the window's own
    QCoreApplication.processEvents()           # the queued delivery finds nothing
    assert got == []


def test_a_relay_following_another_network_forgets_the_first(qtbot):
    relay = Relay()
    first, second = Events(), Events()
    relay.follow(first)
    relay.follow(second)
    got = []
    relay.announced.connect(got.append)
    first.rebuilt.emit()
    second.stepped.emit()
    qtbot.waitUntil(lambda: bool(got), timeout=2000)
    assert got == [frozenset({"stepped"})]
    assert len(first.rebuilt) == 0
