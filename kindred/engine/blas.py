"""One BLAS thread for the engine's dense algebra.

The engine's matrices are small (tens of columns, tens of thousands of rows), and OpenBLAS's worker
threads cost more than they save on them: they spin while waiting for work and take the core that the
rest of the computation needs. On the 2-core development machine the relative performance of 38,000
schools × 10 measures × 3 years took 12.4 s with OpenBLAS's default two threads and 4.0 s with one
(benchmarks/README.md, "Evidence recompute"). The engine's entry points therefore run with one BLAS
thread (threadpoolctl: entering and leaving costs about 0.2 ms). Work that is parallel by nature
should be split across processes instead.
"""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from threadpoolctl import threadpool_limits

P = ParamSpec("P")
R = TypeVar("R")


def one_blas_thread(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` with BLAS limited to one thread (restored afterwards, also on error)."""

    @functools.wraps(function)
    def limited(*args: P.args, **kwargs: P.kwargs) -> R:
        with threadpool_limits(limits=1, user_api="blas"):
            return function(*args, **kwargs)

    return limited
