"""Background tasks of the schools app."""

from django_tasks import task

from kindred.core.jobs import job_run
from kindred.core.models import Job
from kindred.schools.generation import country_generate


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
