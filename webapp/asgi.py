"""The ASGI application uvicorn serves: Django for HTTP, Channels for WebSockets."""

import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
# Django must be set up before the routing imports consumers (and through them, models).
django_http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from webapp.routing import websocket_urlpatterns  # noqa: E402
from webapp.system.uploads import RequestSizeLimit  # noqa: E402

# WhiteNoise streams static files from a synchronous iterator; Django adapts it under ASGI, which is fine
# for our small static files, and says so once per process. The note is known and not actionable.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")

application = ProtocolTypeRouter(
    {
        # Oversized uploads are refused with 413 before Django spools their body to disk.
        "http": RequestSizeLimit(django_http),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
