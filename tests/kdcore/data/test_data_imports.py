"""kdcore.data stays importable without torch, so the web process can validate uploads cheaply."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_it_imports_without_torch_or_frameworks() -> None:
    code = (
        "import sys, kdcore.data; "
        "loaded = sorted({'torch', 'django', 'celery', 'cv2', 'av'} & set(sys.modules)); "
        "assert not loaded, loaded"
    )

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=REPO_ROOT)

    assert result.returncode == 0, result.stderr
