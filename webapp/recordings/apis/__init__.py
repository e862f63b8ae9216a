"""API of the recordings app, by entity: uploads, recordings and tasks, analyses."""
