"""The ``bpsim`` command: a headless subcommand (``bpsim.cli``) or the window
(``bpsim.ui``).  The one module that knows both, so that neither imports the
other."""
from __future__ import annotations

import argparse
import sys

from . import __version__
from .cli.exits import EXIT_BAD_INPUT
from .cli.main import COMMANDS, Parser
from .cli.main import main as run_command


def gui_parser() -> argparse.ArgumentParser:
    p = Parser(prog="bpsim", description="bpsim, a backpropagation simulator. "
               f"Headless commands: {', '.join(COMMANDS)} (bpsim COMMAND --help).")
    p.add_argument("--version", action="version", version=f"bpsim {__version__}")
    p.add_argument("file", nargs="?", help="a network file (*.bpsim.json) to open")
    p.add_argument("--screenshot", metavar="OUT.png",
                   help="open FILE, take --advance micro-steps, save a PNG of the window, exit")
    p.add_argument("--advance", type=int, default=0, metavar="N")
    p.add_argument("--size", default="1400x900", metavar="WxH")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        return run_command(argv)
    args = gui_parser().parse_args(argv)
    try:
        from .ui.app import run_gui
    except ImportError as exc:
        print(f"error: the bpsim window needs Qt (PySide6): {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
