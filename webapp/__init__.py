"""The Studio's Django project: settings, routing and one app per domain."""
