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


# what Qt's X11 plugin needs beyond X itself, on Debian and Ubuntu (Qt 6.5 on)
XCB_PACKAGES = ("libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 "
                "libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 "
                "libxkbcommon-x11-0")


def xcb_problem() -> str | None:
    """Why Qt's X11 plugin cannot load here, or None.  A system library it
    needs is missing on many fresh Linux installs, and Qt then aborts with a
    screenful about plugins: the loader names the library, bpsim says that."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform not in ("", "xcb") or \
            not os.environ.get("DISPLAY") or (not platform and os.environ.get("WAYLAND_DISPLAY")):
        return None
    import ctypes
    import re

    import PySide6
    plugin = os.path.join(os.path.dirname(PySide6.__file__), "Qt", "plugins", "platforms",
                          "libqxcb.so")
    if not os.path.exists(plugin):
        return None          # another layout: Qt says what it finds
    try:
        ctypes.CDLL(plugin)
    except OSError as exc:
        missing = re.search(r"([\w.+-]+\.so[\w.]*): cannot open shared object file", str(exc))
        what = f"the system library {missing.group(1)} is missing" if missing else str(exc)
        return (f"error: Qt cannot open a window on this X display: {what} (Debian/Ubuntu: "
                f"apt install {XCB_PACKAGES})")
    return None


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
    problem = xcb_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        size = parse_size(args.size)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from ..engine.threads import pin_blas_to_one_thread
    from PySide6.QtCore import QTimer

    from .main_window import MainWindow
    from .recovery import ErrorReporter, offer_recovery

    pin_blas_to_one_thread()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("bpsim")
    app.setOrganizationName("bpsim")
    window = MainWindow()
    if not screenshot:
        reporter = ErrorReporter(window)
        reporter.install()
    if screenshot:
        window.resize(*size)
    if args.file and screenshot:
        if not window.files.open_path(args.file, quiet=True):
            print(window.files.last_error, file=sys.stderr)
            return 2
    elif args.file:
        if not window.files.open_path(args.file):
            window.files.open_example()      # the error is in a dialog; the app still opens
    else:
        window.files.open_example()
    window.show()
    if screenshot:
        return take_screenshot(app, window, screenshot, args.advance)
    # over the window, once it shows: work a crash left behind
    QTimer.singleShot(0, lambda: offer_recovery(window))
    return app.exec()


def take_screenshot(app, window, out: str, advance: int) -> int:
    from PySide6.QtCore import QCoreApplication, QEvent
    window.plots.build()
    for _ in range(max(advance, 0)):
        window.stepping.step("forward")
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
