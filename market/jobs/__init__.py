"""Scheduled work: the monitor's jobs, their run records and the scheduler process."""
