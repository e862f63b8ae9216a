"""The dashboard: the current team at a glance. It reads every app, so it sits above them all."""
