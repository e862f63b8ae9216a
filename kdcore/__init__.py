"""kdcore: ResEmoteNet teacher, Mini-ResEmoteNet students and knowledge distillation in plain PyTorch."""

__version__ = "0.1.0"
