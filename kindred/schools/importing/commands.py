"""Kinds of file that higher apps teach `kindred import` to read (the registry keeps the layers).

The import command lives with the registry (schools), below the apps whose files it may also read
(a network's memberships belong to networks and impact). Such an app registers its kind from its
AppConfig.ready():

    import_command_register(ImportCommand(name="memberships", help="...", run=memberships_import))

`run(path=..., progress=...)` returns an ImportReport (with `arguments`, the kind's own options
are added to its subcommand, and those named in `options` passed to `run` too), or raises ImportFailed with every problem
(nothing stored) — as schools, measures and links do — so the command prints them alike.
"""

from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass

from kindred.schools.importing.report import ImportReport


@dataclass(frozen=True)
class ImportCommand:
    name: str
    help: str
    run: Callable[..., ImportReport]
    arguments: Callable[[ArgumentParser], None] | None = None  # adds the kind's own options
    options: tuple[str, ...] = ()  # the options (their dests) passed on to `run`


IMPORT_COMMANDS: dict[str, ImportCommand] = {}


def import_command_register(command: ImportCommand) -> None:
    """Let `kindred import NAME FILE` read a kind of file that a higher app owns."""
    IMPORT_COMMANDS[command.name] = command
