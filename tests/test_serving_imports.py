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


def test_importing_the_web_package_loads_nothing_and_opens_no_file():
    # Only create_app() builds the app: importing web (and its settings) must
    # not load the model, Dash or NumPy, nor read any file but its own source.
    result = run_python(
        "import sys\n"
        "opened = []\n"
        "def audit(event, args):\n"
        "    if event == 'open' and isinstance(args[0], str):\n"
        "        opened.append(args[0])\n"
        "sys.addaudithook(audit)\n"
        "import web, web.settings, web.worker\n"
        "heavy = ('dash', 'flask', 'numpy', 'model', 'components', 'ai_edge_litert')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
        "print([p for p in opened if not p.endswith(('.py', '.pyc'))])\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "[]"]


def test_create_app_uses_the_classifier_it_is_given_and_reads_no_environment(
    classifier, monkeypatch
):
    import model.core.inference
    from corrections.config import config_from_env
    from web import create_app
    from web.settings import Settings

    def no_loading(*args, **kwargs):
        raise AssertionError("create_app loaded a model it was not asked to")

    monkeypatch.setattr(model.core.inference, "load_classifier", no_loading)
    settings = Settings(store=config_from_env({}))
    monkeypatch.setenv("PORT", "not a port")  # read by Settings.from_env(), not here
    first = create_app({"classifier": classifier, "settings": settings})
    second = create_app({"classifier": classifier, "settings": settings})
    assert first.server is not second.server
    model = {"sha256": classifier.card["model_sha256"], "version": "shipped"}
    for app in (first, second):
        assert app.server.test_client().get("/healthz").get_json() == {
            "status": "ok",
            "model": model,
        }
