"""Running Redink in production: the process stack, health checks, metrics, the scheduler,
backups and the database router."""
