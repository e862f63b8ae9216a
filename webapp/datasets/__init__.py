"""Datasets: uploads imported by a worker into immutable, content-addressed versions of labelled faces."""
