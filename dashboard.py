"""The application factory: `create_app()` builds the Dash dashboard.

`app` and `server` at module level are what gunicorn serves
(`gunicorn dashboard:server`); `python dashboard.py` runs the development
server on 127.0.0.1:8050 (HOST and PORT override it; DASH_DEBUG=1 turns on
Dash's debug mode, which is never on otherwise).
"""

import os
from pathlib import Path

import dash

from api import register_api
from components.callbacks import register_callbacks
from components.layout import APP_NAME, INDEX_STRING, build_layout
from compression import register_compression
from dash_guards import register_dash_guards
from model.inference import load_classifier

ROOT = Path(__file__).resolve().parent
TITLE = APP_NAME


def create_app(config: dict | None = None) -> dash.Dash:
    """Build the dashboard. config: {"classifier": DigitClassifier} to use instead
    of the shipped model; {"model_path", "card_path"} to load other files."""
    config = dict(config or {})
    classifier = config.get("classifier") or load_classifier(
        config.get("model_path"), config.get("card_path")
    )
    app = dash.Dash(
        __name__,
        title=TITLE,
        assets_folder=str(ROOT / "assets"),
        update_title=None,  # no "Updating..." flicker in the tab title on every stroke
        serve_locally=True,  # no CDN: the page must work offline and under a strict CSP
        index_string=INDEX_STRING,
    )
    app.layout = build_layout(classifier.card)
    register_callbacks(app, classifier)
    register_api(app.server, classifier)
    register_dash_guards(app)
    register_compression(app.server)
    return app


app = create_app()
server = app.server


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8050"))
    app.run(host=host, port=port, debug=os.environ.get("DASH_DEBUG") == "1")


if __name__ == "__main__":
    main()
