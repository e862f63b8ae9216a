"""The one exception type for bad dataset input, so importers can catch it and show its message to a user."""


class DatasetError(ValueError):
    """A dataset could not be read as given.

    The message says what was expected and what arrived (a header, a row number, a folder name), so the web importer
    can show it verbatim. It is permanent: the same input fails the same way, so importers offer no retry (a fault
    of the machine, such as a full disk, is another exception type). Unreadable single images are not errors:
    readers skip them and list them in ``FaceArrays.skipped``.
    """
