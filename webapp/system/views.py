"""Pages of the system app: the status page, one ping, the sections' empty states, /healthz."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found

from webapp.system import selectors


@login_not_required
@never_cache
def healthz_view(request: HttpRequest) -> JsonResponse:
    """`{"ok": true}` (200) or `{"ok": false}` (503): public, for monitors. Signed-in users also get the database, Redis
    and the live workers (host names, queues, GPUs), which are nobody else's business."""
    health = selectors.health_get()
    body = health.as_dict() if request.user.is_authenticated else {"ok": health.ok}
    return JsonResponse(body, status=200 if health.ok else 503)


def status_view(request: HttpRequest) -> HttpResponse:
    """The same facts as /healthz, for people, plus a button that pings a worker end to end."""
    context = {"health": selectors.health_get(), "pings": selectors.ping_list(user=request.user)}
    return render(request, "system/status.html", context)


def ping_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One ping of the user's teams; another team's ping is a 404."""
    return render(request, "system/ping_detail.html", {"ping": selectors.ping_get(user=request.user, ping_id=pk)})


def section_view(request: HttpRequest, template_name: str) -> HttpResponse:
    """A section whose feature has not arrived yet: an honest empty state, no fake buttons."""
    return render(request, template_name)


def not_found_view(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a URL nothing serves: JSON under /api/ (as every API answer), the 404 page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
