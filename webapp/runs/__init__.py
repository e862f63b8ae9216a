"""Runs: training and distillation jobs, their live progress, and the checkpoints they leave behind."""
