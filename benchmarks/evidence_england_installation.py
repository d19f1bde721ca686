"""England 2018/19 as an installation sees it: the real files imported as docs/importing.md says, then
`kindred families --no-fit` and `kindred performance`; prints, per measure, the noise model used, the
pupil SD and its bound, the share of schools flagged and why a measure has no verdicts (JSON).

These are the figures of docs/methods.md ("England 2018/19 as an installation"). Into a fresh SQLite
file (a temporary directory; --database-url for PostgreSQL, whose database must exist and be empty)
it migrates, imports every file of `catalogue.ENGLAND_2019_FILES` from ../shared/data/england-2019,
recomputes and reads the stored `MeasureFit` rows (pooled) and the run's installation self-check.

    .venv/bin/python benchmarks/evidence_england_installation.py [--database-url URL]
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "england-2019"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"{DATA} not found", file=sys.stderr)
        return 1
    scratch = tempfile.mkdtemp(prefix="kd_evidence_england_")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch}/db.sqlite3"
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "kindred-benchmark-only-not-secret")
    os.environ.setdefault("KINDRED_VAR_DIR", scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from kindred.evidence.models import EvidenceRun, MeasureFit
    from kindred.schools.catalogue import ENGLAND_2019_FILES
    from kindred.schools.importing import schools_import

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    for mapping, file in ENGLAND_2019_FILES:
        report = schools_import(path=DATA / file, mapping=mapping)
        if report.problems:
            print(json.dumps({"file": file, "problems": report.problems[:3]}), file=sys.stderr)
            return 1
    imported = time.perf_counter() - started
    call_command("families", "--no-fit", verbosity=0)
    status = 0
    try:
        call_command("performance", verbosity=0)
    except SystemExit as stop:  # not published: the figures still say why
        status = int(stop.code or 0)
    run = EvidenceRun.objects.filter(kind="performance").order_by("-pk").first()
    fits = MeasureFit.all_runs.filter(run=run).select_related("measure").order_by("measure__code", "year")
    measures = {}
    for fit in fits:
        row = {
            "status": fit.status,
            "reason": fit.reason,
            "reason_figures": fit.reason_figures,
            "schools": fit.schools,
            "unit": fit.unit,
            "noise model": fit.pupil_sd_method,
            "pupil_sd": None if fit.pupil_sd is None else round(fit.pupil_sd, 3),
            "pupil_sd_range": [fit.pupil_sd_low, fit.pupil_sd_high]
            if fit.pupil_sd_high is not None
            else None,
            "pupil_sd_bound": fit.pupil_sd_bound,
            "expected_model": fit.expected_model,
            "r2": None if fit.r2 is None else round(fit.r2, 3),
            "tau": None if fit.tau is None else round(fit.tau, 4),
            "strengths": fit.strengths,
            "needs": fit.needs,
            "flagged_share": round(fit.flagged_share, 4),
            "spread_ratio": None if fit.spread_ratio is None else round(fit.spread_ratio, 3),
        }
        measures.setdefault(fit.measure.code, {})[str(fit.year or "pooled")] = row
    print(
        json.dumps(
            {
                "database": os.environ["DATABASE_URL"].split(":", 1)[0],
                "import_seconds": round(imported, 1),
                "total_seconds": round(time.perf_counter() - started, 1),
                "run status": run.status if run else None,
                "performance exit status": status,
                "self-check": run.checks if run else None,
                "measures": measures,
            },
            indent=1,
            default=str,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
