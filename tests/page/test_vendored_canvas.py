"""The drawing pad's component is vendored (dash_canvas/, dash-canvas 0.1.0's
DashCanvas, MIT): `pip install -r requirements.txt` alone serves the page, and
serving never needs scikit-image or scikit-learn, which dash-canvas's wheel
would pull in."""

import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("skimage", "sklearn", "scipy")


def requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(Requirement(line).name.lower().replace("_", "-"))
    return names


def test_requirements_txt_alone_holds_what_serving_needs_and_nothing_heavy():
    names = requirement_names(ROOT / "requirements.txt")
    assert {"dash", "flask", "gunicorn", "ai-edge-litert", "pillow", "numpy"} <= names
    assert not names & {"dash-canvas", "scikit-image", "scikit-learn", "scipy"}
    assert not (ROOT / "requirements-nodeps.txt").exists()


def test_the_dashboard_uses_the_vendored_canvas_and_imports_nothing_heavy():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, dashboard, dash_canvas\n"
            "print(dash_canvas.__file__)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    where, heavy = result.stdout.strip().splitlines()[-2:]
    assert Path(where) == ROOT / "dash_canvas" / "__init__.py"
    assert heavy == "[]"


def test_the_vendored_canvas_keeps_its_licence():
    licence = (ROOT / "dash_canvas" / "LICENSE").read_text()
    assert "MIT License" in licence and "dash-canvas" in licence


def test_the_page_serves_the_canvas_bundles(client):
    assert client.get("/").status_code == 200  # Dash registers the page's scripts
    for name in ("dash_canvas.min.js", "async~canvas.js"):
        response = client.get(f"/_dash-component-suites/dash_canvas/{name}")
        assert response.status_code == 200, name
        assert len(response.get_data()) > 1000
