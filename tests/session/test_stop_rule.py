"""One stopping rule for every runner: in line, on a thread, in the training
process, the same reason and the same iteration for each way a run ends."""
import threading

import pytest

from bpsim.engine import StopReason
from bpsim.session.background import BackgroundRun
from bpsim.session.process_run import ProcessRun

from .test_process_run import run_until, session_of

NET = "single-weight-regression.bpsim.json"


def inline_end(**training):
    session = session_of(NET, **training)
    limit = training.get("max_steps")
    return session.train(limit or 10**6).stopped, session.iteration


def with_epsilon_met_at(**training) -> int:
    """The iteration whose update first falls below epsilon."""
    return inline_end(**training)[1]


CASES = {      # the example's own max_steps (100) would end the first two first
    "epsilon": dict(learning_rate=0.01, epsilon=1e-6, max_steps=None),
    "diverged": dict(learning_rate=0.5, max_steps=None),
    "max_steps": dict(learning_rate=0.01, max_steps=137),
}


@pytest.fixture(params=["epsilon", "diverged", "max_steps", "epsilon and max_steps"])
def case(request):
    if request.param == "epsilon and max_steps":
        met = with_epsilon_met_at(**CASES["epsilon"])
        return StopReason.EPSILON, dict(CASES["epsilon"], max_steps=met)
    return StopReason(request.param), CASES[request.param]


@pytest.mark.parametrize("runner", [BackgroundRun, ProcessRun])
def test_every_runner_stops_where_and_why_an_inline_run_does(case, runner):
    reason, training = case
    expected = inline_end(**training)
    assert expected[0] is reason
    session = session_of(NET, **training)
    run = runner(session, threading.RLock(), limit=training.get("max_steps"))
    run.start()
    run_until(run, 10**9)
    run.stop()
    assert (run.stopped, session.iteration) == expected
    assert isinstance(run.stopped, StopReason)

