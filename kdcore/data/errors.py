"""The one exception type for bad dataset input, so importers can catch it and show its message to a user."""


class DatasetError(ValueError):
    """A dataset could not be read as given.

    The message says what was expected and what arrived (a header, a row number, a folder name), so the web importer
    can show it verbatim. Unreadable single images are not errors: readers skip them and list them in
    ``FaceArrays.skipped``.
    """
