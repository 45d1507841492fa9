"""Background entry points: each takes ids, loads, calls a service, and is safe to run twice."""

from django_tasks import task


@task()
def send_marking_email(kind: str, object_id: int) -> None:
    from .emails import marking_email_send

    marking_email_send(kind=kind, object_id=object_id)
