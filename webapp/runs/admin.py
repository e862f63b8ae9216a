"""Admin pages for jobs: read what happened; state changes go through the Studio's pages and API."""

from django.contrib import admin

from webapp.runs.models import Run, RunEpoch


class RunEpochInline(admin.TabularInline):
    """The epochs a job recorded."""

    model = RunEpoch
    extra = 0
    fields = ("epoch", "event", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    """Jobs, newest first."""

    list_display = ("id", "team", "status", "queue", "worker_hostname", "created_at", "finished_at")
    list_filter = ("status", "queue")
    readonly_fields = ("status", "worker_hostname", "heartbeat_at", "started_at", "finished_at", "progress")
    inlines = (RunEpochInline,)
