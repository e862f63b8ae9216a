"""Admin pages for datasets: read-mostly views for administrators (versions are immutable)."""

from django.contrib import admin

from webapp.datasets.models import Dataset, DatasetImport, DatasetVersion


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    """Datasets, newest first."""

    list_display = ("id", "name", "team", "created_by", "created_at")
    search_fields = ("name",)


@admin.register(DatasetVersion)
class DatasetVersionAdmin(admin.ModelAdmin):
    """Versions; nothing here edits items."""

    list_display = ("id", "dataset", "number", "item_count", "image_size", "fingerprint", "created_at")
    readonly_fields = ("counts", "fingerprint", "item_count", "image_size", "parent")


@admin.register(DatasetImport)
class DatasetImportAdmin(admin.ModelAdmin):
    """Imports with their outcome."""

    list_display = ("id", "dataset", "original_name", "status", "progress", "skipped_count", "created_at")
    list_filter = ("status", "kind")
