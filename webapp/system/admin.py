"""Admin page for pings."""

from django.contrib import admin

from webapp.system.models import Ping


@admin.register(Ping)
class PingAdmin(admin.ModelAdmin):
    """Pings, newest first."""

    list_display = ("id", "team", "status", "worker_hostname", "created_at", "completed_at")
    list_filter = ("status",)
