"""The errors of recording analysis (stdlib only, so the web app can catch them without loading PyAV)."""


class VideoError(ValueError):
    """A file that cannot be analysed, with a message a user can act on: what was expected and what arrived.

    A ``ValueError``, so ``python -m kdcore`` reports it as bad input (exit status 2) like every other input error.
    """


class VideoCancelled(Exception):  # noqa: N818 (an outcome, not a fault: the caller asked to stop)
    """``should_stop()`` answered True while a playable copy was being written; the partial file was removed."""
