"""Background entry points: each takes ids, loads, calls a service, and is safe to run twice."""

from django_tasks import task


@task()
def process_submission(submission_id: int) -> None:
    from .services.processing import submission_process

    submission_process(submission_id=submission_id)


@task()
def send_submission_email(submission_id: int) -> None:
    from .services.notify import submission_email_send

    submission_email_send(submission_id=submission_id)


@task()
def send_takedown_email(takedown_id: int) -> None:
    from .services.notify import takedown_email_send

    takedown_email_send(takedown_id=takedown_id)


@task()
def send_takedown_acknowledgement(takedown_id: int) -> None:
    from .services.takedowns import takedown_acknowledgement_send

    takedown_acknowledgement_send(takedown_id=takedown_id)
