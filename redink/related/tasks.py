from django_tasks import task

from .services import related_refresh_essay


@task()
def refresh_related(essay_id: int) -> None:
    """Bring the related lists one essay's change affects up to date."""
    related_refresh_essay(essay_id=essay_id)
