"""Models: the ResEmoteNet teacher and Mini-ResEmoteNet students, built by name."""

from kdcore.models import resemotenet as _resemotenet  # noqa: F401  (registers the builders)
from kdcore.models._registry import create_model, list_models, register_model
from kdcore.models.build import build_model, model_kwargs
from kdcore.models.resemotenet import ResEmoteNet

__all__ = ["ResEmoteNet", "build_model", "create_model", "list_models", "model_kwargs", "register_model"]
