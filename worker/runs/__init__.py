"""Training and distillation jobs on the worker: claim, fit with kdcore, report live, store what they made."""
