"""The web layer: `create_app()` builds the Dash dashboard and its Flask server.

Importing this package does nothing: the page, the API blueprint, Dash's route
guards and compression are imported and set up inside `create_app()`, which
also loads the model. A new part of the site is a blueprint module beside
web/api.py, listed in `blueprints()`.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None):
    """Build the dashboard (a dash.Dash; its Flask server is `.server`).

    config: {"classifier": DigitClassifier} to use instead of the shipped model;
    {"model_path", "card_path"} to load other files; {"settings": Settings} to
    use those settings as they are, or {"environ": {...}} to read them
    (web/settings.py, the corrections store's included) from that mapping
    instead of os.environ; {"switch_models": bool} whether the app
    serves the store's promoted model version (web/serving.py; by default only
    when it loads the shipped model itself). The store's engine is not built here: a
    worker builds its own on first use (corrections/engine.py)."""
    import dash

    from components.about_model import register_model_version
    from components.callbacks import register_callbacks
    from components.correction_form import register_correction_form
    from components.layout import APP_NAME, INDEX_STRING, build_layout
    from model.core.inference import load_classifier
    from web.api import CLASSIFIER_KEY
    from web.compression import register_compression
    from web.correction_sender import correction_sender
    from web.dash_guards import register_dash_guards
    from web.errors import register_error_handlers
    from web.limits import register_limits
    from web.responses import add_security_headers
    from web.serving import model_holder, register_model_switching
    from web.settings import SETTINGS_KEY, Settings

    config = dict(config or {})
    settings = config.get("settings") or Settings.from_env(config.get("environ"), with_store=True)
    shipped = config.get("classifier") or load_classifier(
        config.get("model_path"), config.get("card_path")
    )
    app = dash.Dash(
        __name__,
        title=APP_NAME,
        assets_folder=str(ROOT / "assets"),
        update_title=None,  # no "Updating..." flicker in the tab title on every stroke
        serve_locally=True,  # no CDN: the page must work offline and under a strict CSP
        index_string=INDEX_STRING,
    )
    server = app.server
    # Every route and callback reads with the model the process serves now
    # (the shipped file until the store promotes a version: web/serving.py).
    switching = config.get("switch_models", "classifier" not in config)
    holder = model_holder(shipped, settings if switching else None)
    classifier = register_model_switching(server, holder)
    app.layout = build_layout(shipped.card, settings.store.disabled_reason)
    register_callbacks(app, classifier)
    register_model_version(app, classifier)
    register_correction_form(app, correction_sender(classifier))
    server.extensions[CLASSIFIER_KEY] = classifier
    server.extensions[SETTINGS_KEY] = settings
    register_error_handlers(server)
    for blueprint in blueprints():
        server.register_blueprint(blueprint)
    register_limits(server)
    server.after_request(add_security_headers)
    register_dash_guards(app)
    register_compression(server)
    return app


def blueprints() -> list:
    """The Flask blueprints the server registers: the parts of the site
    outside Dash. A new one is a module beside web/api.py, listed here."""
    from web.api import api
    from web.corrections_api import corrections_api
    from web.model_review import model_review
    from web.models_api import models_api
    from web.pages import pages

    return [api, corrections_api, models_api, pages, model_review]
