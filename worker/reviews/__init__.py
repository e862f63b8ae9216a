"""Review and relabel: ranking a dataset version's faces by how likely their labels are wrong.

Modules here may be loaded by file path from `benchmarks/` on a GPU box with no Django or Celery, so
`ranking` imports only numpy and cleanlab (an import-linter contract holds it to that).
"""
