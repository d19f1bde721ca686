"""kindred framework load FILE [--code C --name N] | kindred framework export CODE [--version N] [--format yaml|csv]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindred.frameworks import loading, selectors, services
from kindred.frameworks.models import Framework

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class Command(BaseCommand):
    help = "Load a self-evaluation framework from YAML or CSV (a changed file makes a new version), or export one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load a framework file, or 'examples' for the two that ship")
        load.add_argument("file")
        load.add_argument("--code", default="", help="the framework's code (CSV files)")
        load.add_argument("--name", default="", help="the framework's name (CSV files)")
        export = sub.add_parser("export", help="write a framework version to standard output")
        export.add_argument("code")
        export.add_argument("--version", type=int, help="the version number (default: the latest)")
        export.add_argument("--format", choices=["yaml", "csv"], default="yaml")

    def handle(self, *args, action, **options):
        if action == "load":
            paths = (
                sorted(EXAMPLES.glob("*.yaml")) if options["file"] == "examples" else [Path(options["file"])]
            )
            for path in paths:
                self._load(path, options["code"], options["name"])
        else:
            self._export(options["code"], options["version"], options["format"])

    def _load(self, path: Path, code: str, name: str) -> None:
        try:
            content = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            if path.suffix.lower() == ".csv":
                if not code or not name:
                    raise CommandError("A CSV framework needs --code and --name.")
                spec = loading.read_csv(content, code=code, name=name)
            else:
                spec = loading.read_yaml(content)
        except loading.FrameworkFileError as error:
            lines = "\n".join(f"  {where}: {message}" for where, message in error.problems)
            raise CommandError(f"Nothing was loaded from {path}:\n{lines}") from None
        version, created = services.framework_load(spec=spec, by=None)
        self.stdout.write(f"{'Loaded' if created else 'Unchanged'}: {version}")

    def _export(self, code: str, number: int | None, fmt: str) -> None:
        framework = Framework.objects.filter(code=code).first()
        if framework is None:
            raise CommandError(f"No framework with code {code!r}.")
        version = framework.versions.filter(number=number).first() if number else framework.latest_version()
        if version is None:
            raise CommandError(f"{framework.name} has no version {number}.")
        spec = selectors.version_spec(version)
        self.stdout.write(loading.write_yaml(spec) if fmt == "yaml" else loading.write_csv(spec), ending="")
