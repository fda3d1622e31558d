"""Runs kept to compare: a run's settings over time and the iteration it
reached, enough to train it again to the same numbers (training is
deterministic), kept in the network file's free-form ``view`` section, which
the engine and the contract ignore.

A run is kept from a session's history: the settings it started with and
each change after, and the values set by hand along the way (by parameter
name), up to the iteration reached.  Replaying it trains a fresh session of
the document from the document's own values.
"""
from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from ..engine.names import ParamName
from ..engine.training import Settings
from ..errors import BpsimError
from .session import Session

MAX_RUNS = 8
VIEW_KEY = "runs"
SETTING_NAMES = tuple(f.name for f in fields(Settings))


@dataclass(frozen=True)
class KeptRun:
    name: str
    iterations: int
    timeline: tuple        # ((iteration, {setting: value}), ...), the first at 0
    edits: tuple = ()      # ((iteration, {parameter name: value}), ...)
    start: tuple = ()      # ((parameter name, value), ...) it started from
    costs: tuple = ()      # each step's cost (replayed, not stored in the file)
    # the named parameters after each iteration, 0 to ``iterations``
    # (replayed, not stored): its path on the loss landscape
    names: tuple = ()
    path: np.ndarray | None = field(default=None, compare=False)

    def as_view(self) -> dict:
        """What the file keeps: the recipe, not the costs."""
        return {"name": self.name, "iterations": self.iterations,
                "start": dict(self.start),
                "settings": [{"from": k, **s} for k, s in self.timeline],
                "values": [{"after": k, **v} for k, v in self.edits]}


def describe(settings: Settings) -> str:
    """A run's settings in a few words: "η 0.1 · gd · full"."""
    batch = settings.batch if settings.batch in ("full", "sgd") else f"batch {settings.batch}"
    return f"η {settings.learning_rate:g} · {settings.optimizer} · {batch}"


def keep(session: Session, name: str | None = None) -> KeptRun:
    """The session's run up to its current iteration."""
    history = session.history
    reached = session.iteration
    settings_changes, edited = history.changes()
    timeline = []
    for k, settings in settings_changes:
        if k <= reached:
            timeline.append((int(k), _plain(asdict(settings))))
    names = session.param_names
    where = {int(p): n for n, p in zip(names, session.trainer.compiled.param_theta)}
    edits = []
    for k in edited:
        if k <= reached:
            edits.append((int(k), {where[p]: float(v) for p, v in history.edits_at(k).items()
                                   if p in where}))
    costs = tuple(float(c) for c in history.costs.tolist()[:reached])
    # the values it started from: a network saved later holds trained ones
    start = tuple(session.parameters(session.state_at(0)).items())
    return KeptRun(name or describe(history.settings_at(0)), reached, tuple(timeline),
                   tuple(edits), start, costs)


def _plain(d: dict) -> dict:
    """JSON's own types: a setting may be a NumPy number."""
    out = {}
    for key, value in d.items():
        if isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out


def from_view(view: dict) -> list[KeptRun]:
    """The runs a file's view section keeps (without costs: ``replay``).
    One that does not read as a run is bad input, named by its place."""
    raw = view.get(VIEW_KEY, []) if isinstance(view, dict) else []
    if not isinstance(raw, list):
        raise BpsimError("must be a list of runs", f"view.{VIEW_KEY}")
    runs = []
    for i, item in enumerate(raw[:MAX_RUNS]):
        where = f"view.{VIEW_KEY}[{i}]"
        try:
            timeline = tuple((int(s["from"]), {k: v for k, v in s.items() if k != "from"})
                             for s in item["settings"])
            edits = tuple((int(e["after"]), {k: float(v) for k, v in e.items() if k != "after"})
                          for e in item.get("values", []))
            start = tuple((str(k), float(v)) for k, v in item.get("start", {}).items())
            run = KeptRun(str(item["name"]), int(item["iterations"]), timeline, edits, start)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise BpsimError(f"not a kept run ({exc})", where) from None
        if run.iterations < 0 or not timeline or timeline[0][0] != 0 or \
                any(set(s) - set(SETTING_NAMES) for _, s in timeline):
            raise BpsimError("not a kept run", where)
        runs.append(run)
    return runs


def replay(document, dataset, run: KeptRun) -> KeptRun:
    """``run`` trained again from the document's own values: its costs."""
    start = copy.deepcopy(document)
    # the values it started from, not the file's (saved later, they are trained)
    names = {str(e.name) for e in start.edges} | \
        {str(ParamName.bias(n.id)) for n in start.nodes if n.kind == "neuron"} | \
        {str(ParamName.param(n.id)) for n in start.nodes if n.kind == "param"}
    start.set_parameters({name: value for name, value in run.start if name in names})
    session = Session(start, dataset)
    path = [session.trainer.named(session.state.theta).copy()]

    def record(result) -> None:
        if result.after is not None:
            path.append(session.trainer.named(result.after.theta).copy())
    changes = sorted({k for k, _ in run.timeline} | {k for k, _ in run.edits})
    settings = dict(run.timeline)
    edits = dict(run.edits)
    for k, stop in zip(changes, changes[1:] + [run.iterations]):
        if k > run.iterations:
            break
        if k in settings:
            session.change_settings(**settings[k])
        for name, value in edits.get(k, {}).items():
            if name in session.param_names:
                session.set_value(name, value)
                path[-1] = session.trainer.named(session.state.theta).copy()
        if stop > session.iteration:
            result = session.train(stop - session.iteration, use_epsilon=False,
                                   on_step=record)
            if result.stopped == "diverged":
                break
    costs = tuple(float(c) for c in session.history.costs.tolist()[:run.iterations])
    return KeptRun(run.name, run.iterations, run.timeline, run.edits, run.start, costs,
                   tuple(session.param_names), np.array(path))


def with_runs(view: dict, runs: list[KeptRun]) -> dict:
    """The view section keeping ``runs`` (none: the key gone)."""
    out = dict(view)
    if runs:
        out[VIEW_KEY] = [r.as_view() for r in runs]
    else:
        out.pop(VIEW_KEY, None)
    return out


def runs_csv(runs: list[KeptRun]) -> str:
    """A column per run, a row per iteration (empty past a run's end)."""
    length = max((len(r.costs) for r in runs), default=0)
    lines = ["iteration," + ",".join('"' + r.name.replace('"', '""') + '"' for r in runs)]
    for k in range(length):
        cells = [repr(r.costs[k]) if k < len(r.costs) else "" for r in runs]
        lines.append(f"{k + 1}," + ",".join(cells))
    return "\n".join(lines) + "\n"
