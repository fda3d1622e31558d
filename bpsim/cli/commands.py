"""trace, train and gradcheck: the contract's outputs, on top of a Session."""
from __future__ import annotations

import contextlib
import json
import math
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np

from ..document import load, save
from ..document.limits import check_trace
from ..errors import BpsimError
from ..engine import Phase, StopReason
from ..engine.trace import BackwardStep, ForwardStep, IterationTrace
from ..session import Session, max_relative_error
from ..session.explain import explain, formula_names, render_markdown, render_text
from ..session.handout import handout, traced_step
from .exits import EXIT_DIVERGED, EXIT_OK

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
    cost_step = next(s for s in trace.steps if s.phase == Phase.COST)
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
    # beyond the contract's keys: each micro-step's explanation, a local
    # derivative's line with its rule in symbols
    kinds = {n.id: n.kind for n in session.document.nodes}
    names = formula_names(session.document.nodes)
    step["explanation"] = [_explained(explain(micro, kinds, loss_kind=session.document.loss.kind,
                                              trace=trace, names=names))
                           for micro in trace.steps]
    return step


def _explained(expl) -> dict:
    lines = []
    for line in expl.lines:
        entry = {"what": line.what, "relation": line.relation, "symbols": line.symbols,
                 "numbers": line.numbers, "result": line.result}
        if line.rule:
            entry["rule"] = line.rule
        lines.append(entry)
    return {"title": expl.title, "lines": lines}


# The bidirectional embeddings, overrides and isolates: they reorder the
# text that follows them on the terminal.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def terminal_text(text: str) -> str:
    """The file's own text as one line a terminal prints as written: C0 and
    C1 controls (ESC starts a sequence that drives the terminal), line and
    paragraph separators and bidirectional controls are shown escaped
    (``\\x1b``), and so is a byte of a file name that is not UTF-8 (Python
    keeps it as a lone surrogate, which the terminal's encoding refuses)."""
    return "".join(repr(c)[1:-1] if c in _BIDI_CONTROLS
                   or unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") else c
                   for c in text)


def trace(args) -> int:
    """Each step is written as soon as it is traced and then dropped: memory
    holds one step, however many are asked for (within ``check_trace``)."""
    session = _session(args.file)
    # The first batch is the largest.
    rows = session.trainer.next_batch(session.state.position, session.settings)[0]
    try:
        check_trace(args.steps, len(rows), session.document)
    except BpsimError as exc:
        raise exc.with_file(args.file)
    kinds = {n.id: n.kind for n in session.document.nodes}
    names = formula_names(session.document.nodes)
    out = sys.stdout
    render = render_markdown if args.format == "markdown" else render_text
    if args.format == "html":
        return _trace_html(args, session)
    if args.format == "json":
        out.write("{" + dump_json({"format": "bpsim-trace", "version": 1})[1:-1] + ', "steps": [')
    else:
        title = terminal_text(session.document.title or Path(args.file).name)
        out.write(f"# {title}\n\n" if args.format == "markdown"
                  else f"{title}\n{'=' * len(title)}\n")
    diverged = False
    for k in range(args.steps):
        result, t = session.step_traced()
        diverged = t.diverged
        if args.format == "json":
            out.write((", " if k else "") + dump_json(trace_json(session, t)))
        else:
            head = f"Step {t.step} (rows {', '.join(str(int(r)) for r in t.rows)})"
            out.write(f"\n## {head}\n\n" if args.format == "markdown" else f"\n{head}\n")
            for number, micro in enumerate(t.steps, 1):
                out.write(render(explain(micro, kinds, loss_kind=session.document.loss.kind,
                                         trace=t, names=names), number) + "\n")
            if diverged:
                out.write("\nDiverged: the cost or an updated parameter is not finite; "
                          "the update was not applied.\n")
        if result.diverged:
            break
    if args.format == "json":
        out.write("]}\n")
    return EXIT_DIVERGED if diverged else EXIT_OK


def _trace_html(args, session) -> int:
    """``trace --format html``: the handout, written once every step is
    traced (a page is one document)."""
    steps, diverged = [], False
    for _ in range(args.steps):
        result, t = session.step_traced()
        diverged = t.diverged
        steps.append(traced_step(session.document, t))
        if result.diverged:
            break
    title = session.document.title or Path(args.file).name
    sys.stdout.write(handout(title, session.document.notes, steps))
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


# A run of any length keeps the steps of a chunk or two at a time: a chunk's
# costs are written (or looked at) and dropped while the next one trains.
CHUNK_STEPS = 4096


def _runs(session: Session, steps: int, on_step=None):
    """Up to ``steps`` iterations under the contract's stopping rules, as
    runs of at most CHUNK_STEPS steps; the session is left at the last state
    (what --out writes).  ``Session.train`` would record every step in the
    history, to go back to, and the command line never goes back: the
    trainer runs alone.  (The other thing the session's run adds, changes
    planned at later iterations, a file just loaded has none of.)"""
    trainer, settings, state = session.trainer, session.settings, session.state
    left = steps
    while left > 0:
        run = trainer.run(state, settings, min(left, CHUNK_STEPS), on_step=on_step)
        state = run.state
        left -= len(run.costs)
        yield run
        if run.stopped != StopReason.MAX_STEPS:
            break
    session.state = state


def json_numbers(values) -> str:
    """A list of numbers as JSON writes them (``repr``; a non-finite one is null)."""
    values = np.asarray(values, dtype=float)
    texts = map(repr, values.tolist())
    if not np.isfinite(values).all():
        texts = (t if math.isfinite(v) else "null" for t, v in zip(texts, values.tolist()))
    return ", ".join(texts)


def _members(obj: dict) -> str:
    """``obj``'s members as JSON writes them, without the braces."""
    return dump_json(obj)[1:-1]


def train(args) -> int:
    if args.out:
        check_writable(args.out)
    session = _session(args.file)
    settings = session.settings
    steps = args.steps or settings.max_steps or DEFAULT_TRAIN_STEPS
    if args.format == "json":
        return _train_json(session, steps, args.out)
    progress = Progress(steps)
    first = last = first_test = last_test = None
    stopped = StopReason.MAX_STEPS
    for run in _runs(session, steps, progress):
        if run.costs:
            first = run.costs[0] if first is None else first
            last = run.costs[-1]
        if run.test_costs:
            first_test = run.test_costs[0] if first_test is None else first_test
            last_test = run.test_costs[-1]
        stopped = run.stopped
    progress.close()
    if args.out:
        save(session.trained_document(), args.out)
    nan = float("nan")
    print(f"{session.state.step} steps, cost {nan if first is None else first:.6g} -> "
          f"{nan if last is None else last:.6g}, stopped: {stopped}")
    if first_test is not None:
        print(f"test cost {first_test:.6g} -> {last_test:.6g}")
    params = session.parameters()
    width = max((len(n) for n in params), default=0)
    for name, value in params.items():
        print(f"  {name:<{width}}  {value: .10g}")
    if args.out:
        print(f"wrote {args.out}")
    return EXIT_DIVERGED if stopped == StopReason.DIVERGED else EXIT_OK


def _train_json(session: Session, steps: int, out_file: str | None) -> int:
    """``train --format json`` with the costs written chunk by chunk as they
    come (``steps``, known at the end, follows them).  The test costs wait in
    a temporary file as float64, 8 bytes a step on disk, and come last.
    Memory holds a chunk or two, however many steps.  (An --out that cannot
    be written after all leaves the JSON unfinished, and exits 2.)"""
    out = sys.stdout
    out.write("{" + _members({"format": "bpsim-train", "version": 1}) + ', "costs": [')
    stopped, separator = StopReason.MAX_STEPS, ""
    split = session.dataset.test_count > 0
    with tempfile.TemporaryFile() if split else contextlib.nullcontext() as tests:
        for run in _runs(session, steps):
            if run.costs:
                out.write(separator + json_numbers(run.costs))
                separator = ", "
            if split:
                tests.write(np.asarray(run.test_costs, dtype=float).tobytes())
            stopped = run.stopped
        if out_file:
            save(session.trained_document(), out_file)
        out.write("], " + _members({"steps": session.state.step, "params": session.parameters(),
                                    "stopped": stopped}))
        if split:
            out.write(', "test_costs": [')
            tests.seek(0)
            separator = ""
            while chunk := tests.read(8 * CHUNK_STEPS):
                out.write(separator + json_numbers(np.frombuffer(chunk)))
                separator = ", "
            out.write("]")
    out.write("}\n")
    return EXIT_DIVERGED if stopped == StopReason.DIVERGED else EXIT_OK


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


def export_code(args) -> int:
    """``bpsim export``: the network as a standalone script or notebook."""
    from ..document.writer import write_atomically
    from ..session.codegen import export_code as code_of
    if args.out:
        check_writable(args.out)
    text = code_of(_session(args.file), args.to)
    if args.out:
        write_atomically(args.out, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK
