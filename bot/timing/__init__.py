"""Timing: the timekeeper and job runner, reminders, recurring check-ins and extensions."""
