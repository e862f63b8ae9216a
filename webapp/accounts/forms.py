"""Forms for signing in and for the first-run sign-up."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, asking for an email and saying plainly what went wrong."""

    # Replaces Django's class attribute; its stubs declare it per instance, so no ClassVar here (hence the noqa).
    error_messages: "dict[str, StrOrPromise]" = {  # noqa: RUF012
        "invalid_login": "That email and password don't match an account. Check both and try again.",
        "inactive": "This account is disabled. Ask a team owner to enable it.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget.attrs.update({"type": "email", "autocomplete": "email"})


class FirstRunForm(forms.Form):
    """The first account and its team; password rules are checked by the service."""

    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(
        label="Password (again)", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    team_name = forms.CharField(max_length=100, initial="My team", help_text="You can add people to it later.")

    def clean(self) -> dict[str, Any]:
        """Both password fields must match before the password rules are even asked."""
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data
