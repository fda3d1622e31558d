"""No child process outlives the window's process, however it ends: killed
while a run trains at full speed and a grid is being computed, its training
process, grid process and multiprocessing's helpers end within seconds."""
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads the process table from /proc")

# The window's process, as far as its children can tell: the training process
# warmed up from a thread that ends at once and a first grid asked for from a
# thread that ends (as the window's warm-up and pool threads do), then Run at
# speed max with no end, a long grid under way, and frames taken until it is
# killed.  It prints its children's pids once the run has sent steps.
WINDOW = """
import json, sys, threading, time
import numpy as np
from bpsim.document import load
from bpsim.paths import examples_dir
from bpsim.session import Session, grid_process, process_run
from bpsim.session.grid_process import grid_surface
from bpsim.session.process_run import ProcessRun, warm_up

def in_a_thread_that_ends(work):
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()

session = Session.from_loaded(load(examples_dir() / "circle-with-test-split.bpsim.json"))
names = tuple(session.param_names[:2])
here = session.parameters()

def grid(n):
    values = tuple(np.linspace(here[k] - 1, here[k] + 1, n) for k in names)
    grid_surface(session.trainer, session.state.theta.copy(), session.settings, names, values)

in_a_thread_that_ends(warm_up)
in_a_thread_that_ends(lambda: grid(5))
time.sleep(0.5)          # a child killed with the thread that started it is gone by now
training = process_run._Server._instance.process
grids = grid_process._Server._instance.process
assert training.is_alive() and grids.is_alive(), "a child died with the thread that started it"

run = ProcessRun(session, threading.RLock())
run.start()
assert process_run._Server._instance.process is training
threading.Thread(target=grid, args=(600,), daemon=True).start()    # tens of seconds of work
while run.steps < 200:
    time.sleep(0.015)
    with run.reading():
        run.take()
assert run.running and run.error is None, run.error
print(json.dumps({"training": training.pid, "grids": grids.pid}), flush=True)
while True:
    time.sleep(0.015)
    with run.reading():
        run.take()
"""

STARTUP_S = 60       # a loaded machine starts three interpreters slowly
GONE_WITHIN_S = 3


def stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, or None if there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()     # the name in () may hold spaces
    return fields[0], int(fields[1]), int(fields[19])


def state(pid: int) -> str:
    """R running or runnable, S waiting, Z a zombie, ...; "gone" if there is none."""
    return (stat(pid) or ("gone",))[0]


def descendants(root: int) -> dict[int, int]:
    """Every process below ``root``: pid → start time (which tells a pid
    reused by a new process from the one seen)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (s := stat(int(entry.name))) is not None:
            table[int(entry.name)] = s
    found, parents = {}, {root}
    while parents:
        children = {pid for pid, (_, ppid, _) in table.items() if ppid in parents} - found.keys()
        found.update({pid: table[pid][2] for pid in children})
        parents = children
    return found


def alive(pid: int, started: int) -> bool:
    """The process seen is still running.  A zombie counts as gone: it is
    dead, only not yet reaped (the container's init may never reap it)."""
    s = stat(pid)
    return s is not None and s[2] == started and s[0] not in "ZX"


def wait_for_line(window: subprocess.Popen, errors: Path) -> str:
    ready, _, _ = select.select([window.stdout], [], [], STARTUP_S)
    line = window.stdout.readline() if ready else ""
    if not line:
        window.kill()
        window.wait()
        pytest.fail(f"the window's process printed no pids:\n{errors.read_text()}")
    return line


def test_the_children_end_when_the_window_is_killed(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(root)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    errors = tmp_path / "stderr"
    # stderr to a file, and stdout never read to its end: the children hold
    # both too, and a pipe's end would wait for them
    with errors.open("w") as err:
        window = subprocess.Popen([sys.executable, "-c", WINDOW], cwd=root, env=env,
                                  text=True, stdout=subprocess.PIPE, stderr=err)
    children = {}
    try:
        pids = json.loads(wait_for_line(window, errors))
        children = descendants(window.pid)
        assert {pids["training"], pids["grids"]} <= children.keys()
        # the grid process is computing, not waiting for a request
        end = time.monotonic() + 5
        while state(pids["grids"]) != "R" and time.monotonic() < end:
            time.sleep(0.01)
        assert state(pids["grids"]) == "R"

        os.kill(window.pid, signal.SIGKILL)
        window.wait()
        end = time.monotonic() + GONE_WITHIN_S
        while any(alive(pid, t) for pid, t in children.items()) and time.monotonic() < end:
            time.sleep(0.02)
        names = {pid: name for name, pid in pids.items()}
        left = [names.get(pid, pid) for pid, t in children.items() if alive(pid, t)]
        assert not left, f"outlived the window by {GONE_WITHIN_S} s: {left}"
    finally:
        children = children or descendants(window.pid)
        if window.poll() is None:
            window.kill()
            window.wait()
        window.stdout.close()
        for pid, t in children.items():      # a failed run leaves no process behind
            if alive(pid, t):
                os.kill(pid, signal.SIGKILL)
