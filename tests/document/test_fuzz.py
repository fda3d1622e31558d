"""The loader fuzzed: mutated example files give a network or one clean
BpsimError, never another exception, never a hang, and bounded memory.

Each case starts from a file of ``resources/examples/``, changes its JSON
(wrong types, missing and extra keys, huge, negative and non-finite numbers,
unicode ids) and may then cut or change its text.  The runs are derandomized,
so CI sees the same cases every time.
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import signal

try:
    import resource
except ImportError:     # Windows: the alarm alone bounds a case
    resource = None

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpsim.cli.main import main
from bpsim.document import loads, parse_document, parse_json, to_json
from bpsim.engine import ACTIVATIONS, GATES, GENERATORS, LOSSES, NODE_KINDS, OPTIMIZERS, \
    REDUCTIONS, REGULARIZATIONS
from bpsim.errors import BpsimError
from bpsim.paths import examples, examples_dir

EXAMPLES = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in examples()}

# Per case: far above what a file within the limits takes (a 16 MB file
# parses in a second into a few hundred MB), far below what a runaway would.
SECONDS = 20
HEADROOM = 2 ** 30

NUMBERS = st.one_of(
    st.sampled_from([0, 1, -1, 2, 0.5, -0.5, 1e-300, 5e-324, 1e308, -1e308, 2 ** 53 + 1,
                     2 ** 63, -2 ** 63, 10 ** 5, 10 ** 7, 10 ** 9, 10 ** 14, 10 ** 400,
                     -10 ** 400, math.inf, -math.inf, math.nan, 1.0, 2.0, 0.999999]),
    st.integers(),
    st.floats(),
)
# The format's own words, so that a changed kind, loss or gate is often one
# the reader knows and the case goes on to the graph, the data and the engine.
WORDS = sorted({*NODE_KINDS, *ACTIVATIONS, *GATES, *LOSSES, *REDUCTIONS, *REGULARIZATIONS,
                *OPTIMIZERS, *GENERATORS, "full", "sgd", "01", "pm1", "bpsim"})
TEXTS = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(["", "x", "x1", "x2", "o", "h1", "y", "f", "q", "é", "ŷ", "日本",
                     "x" * 5000, "\x1b[2J", "\u202e", "a\x00b", "\ud800", "x\udfff", "..",
                     "../x.csv", "/dev/zero", "points.csv"]),
    st.text(max_size=12),
)
LEAVES = st.one_of(st.none(), st.booleans(), NUMBERS, TEXTS)
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXTS, inner, max_size=4)), max_leaves=8)


def _places(doc) -> list[tuple[object, object]]:
    """Every (container, key or index) in a parsed document, the innermost
    first (Hypothesis draws small indices more often than others, and the
    top-level keys are few)."""
    out = []
    stack = [doc]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) \
            if isinstance(node, list) else ()
        for key, value in items:
            out.append((node, key))
            stack.append(value)
    return out[::-1]


def _strings(doc) -> list[str]:
    """The document's own ids and words."""
    return sorted({v for c, k in _places(doc) for v in (c[k], k) if isinstance(v, str)})


@st.composite
def mutated_json(draw) -> dict:
    doc = json.loads(json.dumps(EXAMPLES[draw(st.sampled_from(sorted(EXAMPLES)))]))
    for _ in range(draw(st.integers(1, 3))):
        places = _places(doc)
        container, key = places[draw(st.integers(0, len(places) - 1))]
        value = container[key]
        how = draw(st.sampled_from(["alike"] * 6 + ["replace", "delete", "add"]))
        if how == "alike" and isinstance(value, (int, float)) and not isinstance(value, bool):
            container[key] = draw(NUMBERS)
        elif how == "alike" and isinstance(value, str):
            container[key] = draw(st.sampled_from(_strings(doc)) | TEXTS)
        elif how == "alike" and isinstance(value, list) and value:
            k = draw(st.integers(0, len(value) - 1))
            container[key] = draw(st.sampled_from([value[:k] + value[k + 1:],
                                                   value + [value[k]]]))
        elif how == "delete":
            del container[key]
        elif how == "add" and isinstance(container, dict):
            container[draw(TEXTS)] = draw(VALUES)
        elif how == "add":
            container.insert(key, draw(VALUES))
        else:
            container[key] = draw(VALUES)
    if draw(st.integers(0, 4)) == 0:
        # Last, and once: a long list (nodes, edges, rows) or a long text.
        places = [(c, k) for c, k in _places(doc) if isinstance(c[k], (list, str)) and c[k]]
        if places:
            container, key = places[draw(st.integers(0, len(places) - 1))]
            value = container[key]
            n = draw(st.sampled_from([300, 3000, 300000]))
            if isinstance(value, str):
                container[key] = (value * (n // len(value) + 1))[:n]
            else:
                container[key] = value + [value[draw(st.integers(0, len(value) - 1))]] * n
    return doc


@st.composite
def mutated_text(draw) -> str:
    text = json.dumps(draw(mutated_json()), ensure_ascii=draw(st.booleans()))
    how = draw(st.sampled_from(["as is"] * 6 + ["truncate", "insert", "cut"]))
    if how == "truncate":
        text = text[:draw(st.integers(0, len(text)))]
    elif how == "insert":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["{", "}", "[", "]", ",", ":", '"', "\\",
                                                  "NaN", "-", "1e999", "\x00", "\ufeff"])) + \
            text[at:]
    elif how == "cut":
        a = draw(st.integers(0, len(text)))
        text = text[:a] + text[a + draw(st.integers(0, 50)):]
    return text


def _address_space() -> int | None:
    """This process's virtual size in bytes (Linux), or None."""
    if resource is None:
        return None
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except OSError:
        return None


@contextlib.contextmanager
def bounded():
    """Fail a case that runs past SECONDS, or (Linux) allocates more than
    HEADROOM beyond what the process holds: the address space is capped, so
    a runaway allocation fails as a MemoryError in the case instead of
    ending the test run."""
    def late(signum, frame):
        raise TimeoutError(f"a case ran past {SECONDS} s")

    alarm = hasattr(signal, "setitimer")
    if alarm:
        old = signal.signal(signal.SIGALRM, late)
        signal.setitimer(signal.ITIMER_REAL, SECONDS)
    size = _address_space()
    if size is not None:
        limits = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (size + HEADROOM, limits[1]))
    try:
        yield
    finally:
        if size is not None:
            resource.setrlimit(resource.RLIMIT_AS, limits)
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


# Derandomized: the same cases in every run.  No Hypothesis deadline: a
# case within the limits may take a second on a busy machine, and a hang is
# the alarm's to catch.
FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=1200,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def refused(exc: BpsimError) -> None:
    line = exc.one_line()
    assert line.startswith("error: fuzz.bpsim.json: ")
    assert len(line.splitlines()) == 1


def check_load(text: str) -> None:
    """``text`` loads, and saves to a file that loads to the same network,
    or it is refused in one line; so is it as a network still being drawn."""
    with bounded():
        try:
            doc = loads(text, "fuzz.bpsim.json", examples_dir()).document
        except BpsimError as exc:
            refused(exc)
        else:
            saved = to_json(doc)
            saved.encode("utf-8")
            assert loads(saved, "fuzz.bpsim.json", examples_dir()).document == doc
        try:
            parse_document(parse_json(text), complete=False)
        except BpsimError as exc:
            refused(exc.with_file("fuzz.bpsim.json"))


@FUZZ
@given(mutated_text())
def test_loader_gives_a_network_or_one_clean_error(text):
    check_load(text)


@settings(FUZZ, max_examples=300)
@given(mutated_json(), st.sampled_from(["text", "json", "markdown"]))
def test_trace_gives_output_or_one_clean_error(tmp_path_factory, doc, form):
    """``bpsim trace`` in-process: its output, or one line on stderr."""
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.bpsim.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    # stdout as a terminal's: UTF-8, refusing what is not text
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    with bounded(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["trace", str(path), "--steps", "2", "--format", form])
    out.flush()
    if code == 2:
        assert out.buffer.getvalue() == b""
        assert err.getvalue().startswith(f"error: {path}: ")
        assert len(err.getvalue().splitlines()) == 1
    else:
        assert code in (0, 3), code
        assert err.getvalue() == ""
        assert out.buffer.getvalue()
