"""Recordings on the worker: prepare an upload (probe, poster, playable copy) and analyse it frame by frame."""
