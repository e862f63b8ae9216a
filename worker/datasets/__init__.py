"""Dataset work of the worker: importing uploads into versions, and versions as kdcore training arrays."""

from worker.datasets.arrays import version_face_arrays
from worker.datasets.importer import DatasetImportError, import_run

__all__ = ["DatasetImportError", "import_run", "version_face_arrays"]
