"""Progress reporting shared by terminal commands and background jobs.

Long work takes a `Progress` callback: `progress(done, total, message)`. On a terminal it
drives a tqdm bar; in the worker it updates the `Job` row (at most a few times a second),
so a page can show how far the job has got. The engine sees only the callback.
"""

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

Progress = Callable[[int, int | None, str], None]


def no_progress(done: int, total: int | None = None, message: str = "") -> None:
    """A Progress that reports nothing."""


@contextmanager
def terminal_progress(description: str, *, stream=None, enabled: bool = True) -> Iterator[Progress]:
    """A tqdm bar on the terminal (stderr), closed when the block ends."""
    bar = tqdm(
        desc=description, file=stream or sys.stderr, disable=not enabled, unit=" rows", dynamic_ncols=True
    )

    def report(done: int, total: int | None = None, message: str = "") -> None:
        if total is not None and bar.total != total:
            bar.total = total
        if message:
            bar.set_postfix_str(message, refresh=False)
        bar.update(done - bar.n)

    try:
        yield report
    finally:
        bar.close()


def job_progress(job, *, every_seconds: float = 0.5) -> Progress:
    """A Progress that stores done/total/message on `job`, throttled to `every_seconds`."""
    last = [0.0]

    def report(done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if now - last[0] < every_seconds and not finished:
            return
        last[0] = now
        job.done, job.message = done, message[:300]
        if total is not None:
            job.total = total
        job.save(update_fields=["done", "total", "message"])

    return report
