"""API of the datasets app, under /api/datasets/."""
