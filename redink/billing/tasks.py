from django_tasks import task


@task()
def reconcile_subscriptions() -> dict[str, int]:
    """The periodic reconciliation as a background task (enqueue it from cron or a scheduler). Safe to repeat."""
    from .reconcile import subscriptions_reconcile

    report = subscriptions_reconcile()
    return {"checked": report.checked, "repaired": len(report.repaired), "failed": len(report.failed)}
