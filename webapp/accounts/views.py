"""Pages for signing in and out, the first-run sign-up, and switching team."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from webapp.accounts import selectors, services
from webapp.accounts.forms import EmailAuthenticationForm, FirstRunForm
from webapp.accounts.middleware import TEAM_SESSION_KEY
from webapp.ids import id_parse


@method_decorator(login_not_required, name="dispatch")
class StudioLoginView(LoginView):
    """Django's login page; while nobody has signed up it sends visitors to the first-run page."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not selectors.user_any_exists():
            return redirect("accounts:first_run")
        return super().dispatch(request, *args, **kwargs)


@login_not_required
def first_run_view(request: HttpRequest) -> HttpResponse:
    """Create the first account and its team; gone (redirects to login) once anyone exists."""
    if selectors.user_any_exists():
        return redirect("accounts:login")
    form = FirstRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.first_user_create(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                team_name=form.cleaned_data["team_name"],
            )
        except ValidationError as error:  # password rules, taken email, or someone signed up meanwhile
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Your account and team are ready.")
            return redirect("dashboard")
    return render(request, "accounts/first_run.html", {"form": form})


@require_POST
def team_switch_view(request: HttpRequest) -> HttpResponse:
    """Remember which of the user's teams new objects go to; a team they are not in is refused."""
    team_id = id_parse(request.POST.get("team_id"))
    if team_id is not None and selectors.user_is_member(user=request.user, team_id=team_id):
        request.session[TEAM_SESSION_KEY] = team_id
    else:
        messages.error(request, "You are not a member of that team.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)
