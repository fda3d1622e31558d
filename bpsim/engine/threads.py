"""One BLAS thread: on two cores a second one gains nothing sustained and
collapses when the GUI is busy on the other core."""
from __future__ import annotations

_limiter = None


def pin_blas_to_one_thread() -> None:
    """Limit BLAS to one thread for the rest of the process (idempotent)."""
    global _limiter
    if _limiter is None:
        from threadpoolctl import threadpool_limits
        _limiter = threadpool_limits(limits=1, user_api="blas")
