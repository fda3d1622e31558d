"""Starting the GUI: the application, the first network, screenshot mode."""
from __future__ import annotations

import os
import sys


def has_display() -> bool:
    """Whether Qt can open a window here (Linux without X or Wayland cannot)."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f'--size: expected WIDTHxHEIGHT like 1400x900, got "{text}"')
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise ValueError(f"--size: {w}x{h} is out of range (200 to 8000)")
    return w, h


def run_gui(args) -> int:
    screenshot = args.screenshot
    if screenshot and not os.environ.get("QT_QPA_PLATFORM") and not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"     # a screenshot needs no screen
    if not has_display():
        print("error: no display to open the bpsim window on (set DISPLAY, or use "
              "bpsim trace/train/gradcheck headless)", file=sys.stderr)
        return 2
    try:
        size = parse_size(args.size)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from ..engine.threads import pin_blas_to_one_thread
    from .main_window import MainWindow

    pin_blas_to_one_thread()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("bpsim")
    app.setOrganizationName("bpsim")
    window = MainWindow()
    if screenshot:
        window.resize(*size)
    if args.file and screenshot:
        if not window.open_path(args.file, quiet=True):
            print(window.last_error, file=sys.stderr)
            return 2
    elif args.file:
        if not window.open_path(args.file):
            window.open_example()      # the error is in a dialog; the app still opens
    else:
        window.open_example()
    window.show()
    if screenshot:
        return take_screenshot(app, window, screenshot, args.advance)
    return app.exec()


def take_screenshot(app, window, out: str, advance: int) -> int:
    from PySide6.QtCore import QCoreApplication, QEvent
    window.plots.build()
    for _ in range(max(advance, 0)):
        window.step("forward")
    app.processEvents()
    window.view.fit()
    window.refresh()
    app.processEvents()
    # the landscape's grid is computed off the UI thread: the picture waits for it
    window.plots.landscape.settle()
    # the tab bars Qt replaced while laying the docks out are deleted by the
    # event loop, which a screenshot never runs: over the plots otherwise
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    image = window.grab()
    if not image.save(out, "PNG"):
        print(f"error: {out}: cannot write the PNG", file=sys.stderr)
        return 2
    return 0
