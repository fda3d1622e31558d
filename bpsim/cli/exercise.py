"""``bpsim exercise new`` and ``bpsim exercise check``: a teacher's exercises
and their grading, without the window."""
from __future__ import annotations

import sys

from ..document import load, loads, save
from ..document.reader import parse_json, read_text
from ..errors import BpsimError
from ..session import Session
from ..session.exercise import DIAGNOSES, Checker, json_text, new_exercise, score
from .commands import check_writable, dump_json
from .exits import EXIT_OK


def exercise(args) -> int:
    return new(args) if args.action == "new" else check(args)


def new(args) -> int:
    check_writable(args.out)
    doc = loads(json_text(new_exercise(args.kind, args.seed))).document
    save(doc, args.out)
    return EXIT_OK


def check(args) -> int:
    checker = Checker(Session.from_loaded(load(args.file)))
    try:
        answers = parse_json(read_text(args.answers))
        verdicts = checker.check(answers)
    except BpsimError as exc:
        raise exc.with_file(args.answers)
    right, total = score(verdicts)
    if args.format == "json":
        sys.stdout.write(dump_json({"format": "bpsim-exercise", "version": 1,
                                    "answers": [v.as_json() for v in verdicts],
                                    "score": right, "of": total}) + "\n")
        return EXIT_OK
    width = max((len(v.path) for v in verdicts), default=4)
    for v in verdicts:
        verdict = "right" if v.correct else f"wrong: {v.diagnosis} ({DIAGNOSES[v.diagnosis]})"
        print(f"{v.path:<{width}}  given {_shown(v.given)}, expected {_shown(v.expected)}: "
              f"{verdict}")
        if not v.correct and v.worked:
            print(f"{'':<{width}}  worked: {v.worked}")
    print(f"score: {right} of {total}")
    return EXIT_OK


def _shown(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(f"{x:.6g}" for x in value) + "]"
    return f"{value:.6g}"
