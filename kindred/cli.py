"""The `kindred` console command: Django's management commands under one name.

`kindred migrate`, `kindred import schools FILE --mapping gias`, `kindred generate`,
`kindred demo`, `kindred worker` ... are the management commands of the project.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["demo"]:
        # The demo is a local development site: it runs by itself right after installing.
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kindred", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
