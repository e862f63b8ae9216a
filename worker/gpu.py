"""Which GPUs this machine has, found without importing torch (which takes seconds and much memory)."""

import logging
import shutil
import subprocess
from pathlib import Path

logger = logging.getLogger(__name__)


def gpu_names() -> list[str]:
    """Names of the NVIDIA GPUs here, or [] on a CPU-only machine.

    Asks `nvidia-smi` when present; a driver device without it still counts as one unnamed GPU.
    """
    smi = shutil.which("nvidia-smi")
    if smi is not None:
        try:
            result = subprocess.run(
                [smi, "--query-gpu=name", "--format=csv,noheader"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as error:
            logger.warning("nvidia-smi failed, reporting no GPU: %s", error)
            return []
        return [line.strip() for line in result.stdout.splitlines() if line.strip()]
    return ["NVIDIA GPU"] if Path("/dev/nvidia0").exists() else []
