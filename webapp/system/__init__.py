"""System: dashboard, health, worker heartbeats, the ping round trip and the process supervisor."""
