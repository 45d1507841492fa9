"""Writes for submissions, one module per flow: uploads, processing, moderation, takedowns, imports."""
