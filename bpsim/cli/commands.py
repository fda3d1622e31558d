"""trace, train and gradcheck: the contract's outputs, on top of a Session."""
from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from ..document import load, save
from ..errors import BpsimError
from ..engine.trace import BackwardStep, ForwardStep, IterationTrace
from ..session import Session, max_relative_error
from ..session.explain import explain, render_markdown, render_text
from .main import EXIT_DIVERGED, EXIT_OK

DEFAULT_TRAIN_STEPS = 100


def finite_or_none(value):
    """Strict JSON: every non-finite number becomes null, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return finite_or_none(value.tolist())
    if isinstance(value, np.floating):
        return finite_or_none(float(value))
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(v) for v in value]
    return value


def dump_json(obj) -> str:
    return json.dumps(finite_or_none(obj), allow_nan=False)


def _session(path: str) -> Session:
    return Session.from_loaded(load(path))


# --- trace --------------------------------------------------------------------

def trace_json(session: Session, trace: IterationTrace) -> dict:
    """One step of ``trace --format json``."""
    update = trace.steps[-1]
    cost_step = next(s for s in trace.steps if s.phase == "cost")
    forward = {s.node: s for s in trace.steps if isinstance(s, ForwardStep)}
    backward = {s.node: s for s in trace.steps if isinstance(s, BackwardStep)}
    nodes = {}
    for node in session.document.nodes:
        f, b = forward[node.id], backward[node.id]
        entry = {}
        if node.kind == "neuron":
            entry["z"] = f.z
        entry["out"] = f.out
        if node.kind == "neuron":
            entry["dz"] = b.dz
        entry["dout"] = b.dout
        nodes[node.id] = entry
    step = {"step": trace.step, "rows": [int(r) for r in trace.rows],
            "cost": trace.cost, "loss": cost_step.loss, "penalty": cost_step.penalty,
            "nodes": nodes,
            "params": dict(zip(update.names, update.before.tolist())),
            "grads": dict(zip(update.names, update.grads.tolist()))}
    if update.after is not None:
        step["updated"] = dict(zip(update.names, update.after.tolist()))
    return step


def trace(args) -> int:
    session = _session(args.file)
    kinds = {n.id: n.kind for n in session.document.nodes}
    traces: list[IterationTrace] = []
    for _ in range(args.steps):
        result, tr = session.step_traced()
        traces.append(tr)
        if result.diverged:
            break
    diverged = traces[-1].diverged
    out = sys.stdout
    if args.format == "json":
        out.write(dump_json({"format": "bpsim-trace", "version": 1,
                             "steps": [trace_json(session, t) for t in traces]}) + "\n")
    else:
        render = render_markdown if args.format == "markdown" else render_text
        title = session.document.title or Path(args.file).name
        if args.format == "markdown":
            out.write(f"# {title}\n\n")
        else:
            out.write(f"{title}\n{'=' * len(title)}\n")
        for t in traces:
            rows = ", ".join(str(int(r)) for r in t.rows)
            head = f"Step {t.step} (rows {rows})"
            out.write(f"\n## {head}\n\n" if args.format == "markdown" else f"\n{head}\n")
            for k, micro in enumerate(t.steps, 1):
                out.write(render(explain(micro, kinds, loss_kind=session.document.loss.kind),
                                 k) + "\n")
            if t.diverged:
                out.write("\nDiverged: the cost or an updated parameter is not finite; "
                          "the update was not applied.\n")
    return EXIT_DIVERGED if diverged else EXIT_OK


# --- train --------------------------------------------------------------------

class Progress:
    """A one-line progress bar on a terminal's stderr (silent otherwise)."""

    def __init__(self, total: int, stream=None):
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.last = 0.0

    def __call__(self, result) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and result.step < self.total):
            return
        self.last = now
        done = result.step
        width = 30
        filled = int(width * done / self.total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} "
                          f"cost {result.cost:.6g}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def check_writable(out: str) -> None:
    """Refuse an --out that cannot be written before any training is done."""
    folder = Path(out).parent
    if not folder.is_dir():
        raise BpsimError(f'no such folder "{folder}"', file=out)
    if Path(out).is_dir():
        raise BpsimError("is a directory", file=out)


def train(args) -> int:
    if args.out:
        check_writable(args.out)
    session = _session(args.file)
    settings = session.settings
    steps = args.steps or settings.max_steps or DEFAULT_TRAIN_STEPS
    progress = Progress(steps) if args.format == "text" else None
    run = session.train(steps, on_step=progress)
    if progress:
        progress.close()
    if args.out:
        save(session.trained_document(), args.out)
    params = session.parameters(run.state)
    if args.format == "json":
        report = {"format": "bpsim-train", "version": 1, "steps": run.state.step,
                  "costs": run.costs, "params": params, "stopped": run.stopped}
        if session.dataset.test_count:
            report["test_costs"] = run.test_costs
        sys.stdout.write(dump_json(report) + "\n")
    else:
        first = run.costs[0] if run.costs else float("nan")
        last = run.costs[-1] if run.costs else float("nan")
        print(f"{run.state.step} steps, cost {first:.6g} -> {last:.6g}, stopped: {run.stopped}")
        if run.test_costs:
            print(f"test cost {run.test_costs[0]:.6g} -> {run.test_costs[-1]:.6g}")
        width = max((len(n) for n in params), default=0)
        for name, value in params.items():
            print(f"  {name:<{width}}  {value: .10g}")
        if args.out:
            print(f"wrote {args.out}")
    return EXIT_DIVERGED if run.stopped == "diverged" else EXIT_OK


# --- gradcheck ------------------------------------------------------------------

def gradcheck(args) -> int:
    session = _session(args.file)
    checks = session.gradient_check()
    worst = max_relative_error(checks)
    if args.format == "json":
        sys.stdout.write(dump_json({
            "max_rel_error": worst,
            "params": {k: {"analytic": a, "numeric": n} for k, (a, n) in checks.items()},
        }) + "\n")
    else:
        width = max((len(n) for n in checks), default=4)
        print(f"{'param':<{width}}  {'analytic':>16}  {'numeric':>16}")
        for name, (a, n) in checks.items():
            print(f"{name:<{width}}  {a:16.10g}  {n:16.10g}")
        print(f"max relative error: {worst:.3g}")
    return EXIT_OK
