from django_tasks import task


@task()
def refresh_essay_derivatives(essay_id: int) -> None:
    """Bring what lives outside the essay's row (search rows) in step with it. Safe to repeat."""
    from redink.search.services import search_sync_essay

    search_sync_essay(essay_id=essay_id)
