"""Admin pages for users and teams: how an owner adds people until a team page exists."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from webapp.accounts.models import Membership, Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, keyed by email."""

    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    """Members edited on the team's page."""

    model = Membership
    extra = 1


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Teams with their members inline."""

    list_display = ("name", "created_at")
    search_fields = ("name",)
    inlines = (MembershipInline,)
