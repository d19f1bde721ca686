"""The engine's entry points run with one BLAS thread, and give the threads back afterwards."""

import numpy as np
from threadpoolctl import threadpool_info

from kindred.engine.blas import one_blas_thread
from kindred.engine.performance import relative_performance_table


def blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_one_blas_thread_inside_and_the_setting_restored_after():
    before = blas_threads()
    assert before, "numpy's BLAS is loaded"

    @one_blas_thread
    def inside() -> list[int]:
        np.ones((4, 4)) @ np.ones((4, 4))
        return blas_threads()

    assert inside() == [1] * len(before)
    assert blas_threads() == before


def test_the_relative_performance_entry_point_is_limited():
    assert relative_performance_table.__wrapped__ is not None
