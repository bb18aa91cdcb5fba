"""dash-canvas 0.1.0's DashCanvas component, vendored (MIT: see LICENSE here).

Only the component: its two browser bundles byte for byte as the 0.1.0 wheel
ships them, and its generated class (DashCanvas.py, ruff-formatted). The
wheel's metadata asks for scikit-image and scikit-learn, for image utilities
(dash_canvas.utils) this project never imports; vendoring the component keeps
`pip install -r requirements.txt` alone enough to serve, with neither. The
package keeps its name: Dash serves a component's scripts under its Python
package's name (/_dash-component-suites/dash_canvas/...), and the bundle
registers itself in the browser as window.dash_canvas.

The development bundles are left out: in debug mode Dash serves these same
minified ones.
"""

import json
from pathlib import Path

from .DashCanvas import DashCanvas

__all__ = ["DashCanvas"]

_package = json.loads((Path(__file__).parent / "package.json").read_text())
__version__ = _package["version"]

_js_dist = [
    {
        # fabric.js and react-sketch. Built as a chunk fetched once a canvas is
        # drawn; the page always draws one, so it is loaded with the page's
        # other scripts instead (the bundle's loader takes a chunk already there),
        # and the pad is on screen sooner.
        "relative_package_path": "async~canvas.js",
        "namespace": "dash_canvas",
    },
    {"relative_package_path": "dash_canvas.min.js", "namespace": "dash_canvas"},
]
_css_dist: list = []

DashCanvas._js_dist = _js_dist
DashCanvas._css_dist = _css_dist
