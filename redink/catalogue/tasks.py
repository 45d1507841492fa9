from django_tasks import task


@task()
def refresh_essay_derivatives(essay_id: int) -> None:
    """Bring what lives outside the essay's row (search rows, originality signature, related lists)
    in step with it. Safe to repeat."""
    from redink.related.tasks import refresh_related
    from redink.search.services import search_sync_essay
    from redink.submissions.originality.essays import essays_sign

    search_sync_essay(essay_id=essay_id)
    essays_sign(essay_ids=[essay_id])
    # Its own task, so a slow or failing related refresh never holds up the search index.
    refresh_related.enqueue(essay_id)
