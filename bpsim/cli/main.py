"""The headless subcommands of ``bpsim`` (contract §2): trace, train,
gradcheck, export, exercise."""
from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..errors import BpsimError
from .exits import EXIT_BAD_INPUT, EXIT_OK

COMMANDS = ("trace", "train", "gradcheck", "export", "exercise")


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in bpsim's one-line form (exit 2)."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see {self.prog} --help)\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def command_parser() -> argparse.ArgumentParser:
    p = Parser(prog="bpsim", description="Headless bpsim: trace, train and check a network.")
    p.add_argument("--version", action="version", version=f"bpsim {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    t = sub.add_parser("trace", help="print every micro-step of the first K iterations")
    t.add_argument("file")
    t.add_argument("--steps", type=_positive, default=1)
    t.add_argument("--format", choices=("text", "json", "markdown", "html"), default="text")
    r = sub.add_parser("train", help="train and report the costs and final parameters")
    r.add_argument("file")
    r.add_argument("--steps", type=_positive)
    r.add_argument("--out", help="write the trained network to this file")
    r.add_argument("--format", choices=("text", "json"), default="text")
    g = sub.add_parser("gradcheck", help="compare analytic and numeric gradients")
    g.add_argument("file")
    g.add_argument("--format", choices=("text", "json"), default="text")
    x = sub.add_parser("export", help="write a standalone script that trains the network")
    x.add_argument("file")
    x.add_argument("--to", choices=("numpy", "pytorch", "notebook"), required=True)
    x.add_argument("-o", "--out", help="the file to write (standard output without it)")
    e = sub.add_parser("exercise", help="make an exercise, or check answers to one")
    actions = e.add_subparsers(dest="action", required=True, parser_class=Parser)
    n = actions.add_parser("new", help="write a network whose first step is worked by hand")
    n.add_argument("--kind", choices=("circuit", "neuron", "layered"), required=True)
    n.add_argument("--seed", type=int, required=True)
    n.add_argument("-o", "--out", required=True, help="the network file to write")
    c = actions.add_parser("check", help="check answers about the first step of FILE")
    c.add_argument("file")
    c.add_argument("answers", help="a JSON file shaped like a step of trace --format json")
    c.add_argument("--format", choices=("text", "json"), default="text")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one headless command (``bpsim COMMAND ...``); the window is
    ``bpsim.main``'s to start."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = command_parser().parse_args(argv)
    from ..engine.threads import pin_blas_to_one_thread
    from . import commands, exercise
    pin_blas_to_one_thread()
    run = {"trace": commands.trace, "train": commands.train,
           "gradcheck": commands.gradcheck, "export": commands.export_code,
           "exercise": exercise.exercise}[args.command]
    try:
        return run(args)
    except BpsimError as exc:
        print(exc.one_line(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
