"""App config for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, teams and memberships."""

    name = "webapp.accounts"
    label = "accounts"
    verbose_name = "Accounts and teams"
