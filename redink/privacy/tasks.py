"""Background entry points: each takes ids, loads, calls a service, and is safe to run twice."""

from django_tasks import task


@task()
def build_data_export(export_id: int) -> None:
    from .services_export import data_export_build

    data_export_build(export_id=export_id)
