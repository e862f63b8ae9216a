"""The one delete confirmation every app's pages use: GET shows what deleting would do, POST does it.

The page lists what stops the delete (then there is no button), what goes with it and the disk it frees, so a person
knows before they press; a refusal at POST time (something changed meanwhile) shows the page again with the reason.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat

from webapp.system.disk import DeletePlan


def delete_confirm_page(
    request: HttpRequest,
    *,
    what: str,
    plan: Callable[[], DeletePlan],
    delete: Callable[[], int],
    back_url: str,
    done_url: str,
) -> HttpResponse:
    """Confirm (GET) or delete (POST) `what`, e.g. "job #4"; `delete` returns the bytes it freed."""
    if request.method == "POST":
        try:
            freed = delete()
        except ValidationError as error:
            context = {"what": what, "plan": DeletePlan(blockers=error.messages), "back_url": back_url}
            return render(request, "_confirm_delete.html", context, status=400)
        messages.success(request, f"Deleted {what}: {filesizeformat(freed)} freed on disk.")
        return redirect(done_url)
    return render(request, "_confirm_delete.html", {"what": what, "plan": plan(), "back_url": back_url})
