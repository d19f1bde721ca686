"""Background tasks of the top layer: generating a country in the worker."""

from django_tasks import task

from kindred.accounts.generation import country_generate
from kindred.core.jobs import job_run
from kindred.core.models import Job


@task()
def generate_country_job(
    job_id: int, n_schools: int, seed: int, years: list[int], n_teachers: int | None = None
) -> None:
    """Generate a synthetic country in the worker, recording progress and a summary on the Job."""

    def work(progress):
        _country, summary = country_generate(
            n_schools=n_schools, seed=seed, years=years, n_teachers=n_teachers, progress=progress
        )
        return {"summary": summary.as_dict()}

    job_run(Job.objects.get(pk=job_id), work)
