"""Whether a process still runs: what tells a crash's leftovers from work in use."""
from __future__ import annotations

import os


def process_alive(pid: int) -> bool:
    """Whether a process of that id runs (this one always does)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":         # os.kill(pid, 0) would end the process there
        import ctypes
        kernel = ctypes.windll.kernel32
        handle = kernel.OpenProcess(0x1000, False, pid)     # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        kernel.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True                  # another user's process
    return True
