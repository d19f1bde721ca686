"""Progress reporting shared by terminal commands and background jobs.

Long work takes a `Progress` callback: `progress(done, total, message)`. On a terminal it
drives a tqdm bar; in the worker it updates the `Job` row (at most a few times a second),
so a page can show how far the job has got. The engine sees only the callback.

A message is stored on the job and read later by someone else, perhaps in another language, so it
is passed in English, as a gettext message id (marked with `gettext_noop`), never translated where
it is said: `progress(n, total, gettext_noop("writing schools"))`. One with numbers or names in it is
a `Said`: `Said(gettext_noop("%(n)d digests written"), n=12)`. The job keeps the id and the
parameters (`Job.message`, `Job.message_params`) and the page words them in the reader's language
(`Job.display_message`, `worded`); the terminal words them in the active language.

A value may itself be a `Said` (a name Kindred gives, worded in the reader's language too) or a
datetime (written the reader's way, in the site's time zone). A known failure is raised with a `Said`
(its first argument, or its `said`): a failed job keeps it like a message (`said_of`).
"""

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from tqdm import tqdm

Progress = Callable[[int, int | None, str], None]


class Said(str):
    """A progress message with parameters: its English text (a gettext message id) and the values
    for its placeholders. It is a str (the English, filled in), so every Progress takes it."""

    text: str
    params: dict

    def __new__(cls, text: str, **params) -> "Said":
        said = super().__new__(cls, text % params if params else text)
        said.text, said.params = text, params
        return said

    @classmethod
    def kept(cls, text: str, params: dict | None) -> "Said":
        """A message as it was stored (`stored_message`: its values as JSON keeps them), to be said again
        (a value of another Said, a failure's message). Its own text is the message id."""
        said = super().__new__(cls, text)
        said.text, said.params = text, dict(params or {})
        return said


def listed(items: list[Said]) -> Said:
    """`items` said one after another ("CSV, UTF-8, comma-separated"), each worded for the reader."""
    said = items[0]
    for item in items[1:]:
        said = Said(gettext_noop("%(list)s, %(item)s"), list=said, item=item)
    return said


def said(value) -> str:
    """`value` in the active language: a `Said` worded (its message id and values), anything else as it
    is (a page drawn at once, such as the mapping builder, shows what the reader reads notes with)."""
    if isinstance(value, Said):
        return worded(*stored_message(value, length=2000))
    return value


def worded(text: str, params: dict | None = None) -> str:
    """A stored progress message in the active language: `text` is its English (a gettext message
    id); one that is no message id (a file's name, an error's text) is shown as it is."""
    if not text:
        return ""  # gettext("") is the catalogue's header
    translated = gettext(text)
    if not params:
        return translated
    values = {name: _worded_value(value) for name, value in params.items()}
    try:
        return translated % values
    except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
        return text % values


def _worded_value(value):
    """A stored parameter as the reader reads it: a stored `Said` worded, a stored time written."""
    if isinstance(value, dict) and "text" in value:
        return worded(value["text"], value.get("params"))
    if isinstance(value, dict) and "datetime" in value:
        return date_format(timezone.localtime(datetime.fromisoformat(value["datetime"])), "DATETIME_FORMAT")
    return value


def _stored_value(value):
    """A parameter as JSON keeps it: a `Said` as its text and parameters, a datetime in ISO 8601."""
    if isinstance(value, Said):
        return {"text": value.text, "params": {k: _stored_value(v) for k, v in value.params.items()}}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    return value


def said_of(error: BaseException) -> Said | None:
    """The message a known failure was raised with (its first argument, or its `said`), if any."""
    said = getattr(error, "said", None)
    if isinstance(said, Said):
        return said
    if error.args and isinstance(error.args[0], Said):
        return error.args[0]
    return None


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
            bar.set_postfix_str(worded(*stored_message(message)), refresh=False)
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
        job.done, (job.message, job.message_params) = done, stored_message(message)
        if total is not None:
            job.total = total
        job.save(update_fields=["done", "total", "message", "message_params"])

    return report


def stored_message(message: str, *, length: int = 300) -> tuple[str, dict]:
    """What is stored of a message: its English text (at most `length` characters) and its parameters."""
    if isinstance(message, Said):
        return message.text[:length], {k: _stored_value(v) for k, v in message.params.items()}
    return message[:length], {}
