"""The entry point: `app` and `server` built by `web.create_app()`.

gunicorn serves `dashboard:server` (Procfile); `python dashboard.py` runs the
development server on 127.0.0.1:8050 (web/settings.py: HOST and PORT override
it; DASH_DEBUG=1 turns on Dash's debug mode, which is never on otherwise).
"""

from web import create_app
from web.settings import Settings

app = create_app()
server = app.server


def main() -> None:
    settings = Settings.from_env()
    host, port = settings.dev_address
    app.run(host=host, port=port, debug=settings.debug)


if __name__ == "__main__":
    main()
