from django_tasks import task

from .services import search_sync_essay


@task()
def sync_essay(essay_id: int) -> None:
    """Bring one essay's search rows in step with the catalogue."""
    search_sync_essay(essay_id=essay_id)
