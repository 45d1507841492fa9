from django_tasks import task


@task()
def purge_pages(paths: list[str]) -> None:
    """Purge these pages from nginx's cache again: with a read replica, the first purge may have
    been followed by a visitor's page read from a replica that had not yet caught up."""
    from .purge import purge_paths

    purge_paths(paths)
