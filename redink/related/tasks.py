from django_tasks import task

from .services import related_rebuild_level, related_recompute_lists, related_refresh_essay, related_section_renamed


@task()
def refresh_related(essay_id: int) -> None:
    """Bring the related lists one essay's change affects up to date."""
    related_refresh_essay(essay_id=essay_id)


@task()
def rebuild_related_level(level_id: int) -> None:
    """Recompute every related list of one level (after a bulk import into it)."""
    related_rebuild_level(level_id=level_id)


@task()
def recompute_related_lists(essay_ids: list[int]) -> None:
    """Recompute lists that lost an entry when an essay left the library."""
    related_recompute_lists(essay_ids=essay_ids)


@task()
def rename_related_section(section_id: int) -> None:
    """Show a renamed section's new name on the related cards of its essays."""
    related_section_renamed(section_id=section_id)
