"""A longer run of the GUI's random walk (tests/ui/stress.py): many seeds,
many actions each, in a real (offscreen) window.

    python scripts/stress_gui.py --seeds 10 --actions 20000

Prints each seed's actions, time and checks; exits 1 at the first failure,
with the seed to replay it.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--actions", type=int, default=10000)
    args = parser.parse_args()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    from bpsim.ui.main_window import MainWindow
    from tests.ui.stress import Walk

    app = QApplication.instance() or QApplication([])
    failed = False

    def hook(kind, value, tb):      # an error in a slot fails the seed, as pytest-qt does
        nonlocal failed
        failed = True
        traceback.print_exception(kind, value, tb)
    sys.excepthook = hook
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HOME"] = folder        # settings, autosaves: never the user's
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            window = MainWindow(QSettings(str(Path(folder) / "s.ini"), QSettings.IniFormat))
            window.files.ask_to_save = lambda: QMessageBox.Discard
            window.resize(1400, 900)
            window.show()
            app.processEvents()
            window.plots.build()
            walk = Walk(window, Path(folder), seed)
            start = time.perf_counter()
            try:
                walk.run(args.actions)
                walk.undo_all_and_back()
            except Exception:
                traceback.print_exc()
                failed = True
            took = time.perf_counter() - start
            print(f"seed {seed}: {args.actions} actions, {walk.checks} checks, {took:.1f} s"
                  + (" FAILED" if failed else ""), flush=True)
            window.close()
            window.deleteLater()
            app.processEvents()
            if failed:
                print(f"replay: python scripts/stress_gui.py --first-seed {seed} --seeds 1 "
                      f"--actions {args.actions}")
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
