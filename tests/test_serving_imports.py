"""The web process serves with LiteRT alone: importing the app loads no
TensorFlow or Keras, and without LiteRT it stops with a clear error."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter at the project root, as gunicorn starts one."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_importing_the_dashboard_loads_no_tensorflow_or_keras():
    result = run_python(
        "import sys, dashboard\n"
        "assert dashboard.server is not None\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))\n"
        "print(loaded)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_without_litert_the_server_stops_with_a_clear_error_not_a_tensorflow_fallback():
    # A None entry in sys.modules makes `import ai_edge_litert` raise ImportError.
    result = run_python(
        "import sys\n"
        "sys.modules['ai_edge_litert'] = None\n"
        "sys.modules['ai_edge_litert.interpreter'] = None\n"
        "import dashboard\n"
    )
    assert result.returncode != 0
    assert "LiteRTMissing: LiteRT is not installed" in result.stderr
    assert "pip install -r requirements.txt" in result.stderr
    assert "tensorflow" not in result.stderr.lower()
