"""Users sign in with their email; teams own every stored object through `TeamOwned`."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

EMAIL_MAX_LENGTH = 254  # EmailField's default, and the longest address SMTP allows


class UserManager(BaseUserManager["User"]):
    """Creates users keyed by email, and finds them by email whatever its case."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        """Login looks users up here: `Alice@Example.com` and `alice@example.com` are one account.

        Text longer than any stored email matches no account, and is never sent to the database (a 100,000-character
        `iexact` is a LIKE pattern that SQLite refuses with an error).
        """
        if username is None or len(username) > EMAIL_MAX_LENGTH:
            raise self.model.DoesNotExist(f"no account has an email of {len(username or '')} characters")
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        """A normal account; the password is hashed, never stored."""
        if not email:
            raise ValueError("an email address is required, got an empty one")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        """An account that may also use /admin/ (what `manage.py createsuperuser` calls)."""
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Django's user, keyed by email instead of a separate username."""

    # ignore[assignment]: None removes AbstractUser's username field (Django's documented way), which its stubs
    # type as str.
    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True, max_length=EMAIL_MAX_LENGTH)

    # ignore[assignment]: our email-keyed manager replaces AbstractUser's django.contrib.auth UserManager, which its
    # stubs require there.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email


class Team(models.Model):
    """A group of people who share datasets, jobs, recordings and reviews."""

    name = models.CharField(max_length=100)
    members = models.ManyToManyField(User, through="Membership", related_name="teams")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One user in one team; a user may belong to several teams."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("user", "team"), name="one_membership_per_user_and_team"),)

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


class TeamOwned(models.Model):
    """Base of every stored object a feature adds: it belongs to exactly one team.

    Read such objects only through `accounts.selectors.team_scope` / `team_object_get`, so that one
    team can never see another's rows.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
