"""The entry point: `app` and `server` built by `web.create_app()`.

gunicorn serves `dashboard:server` (Procfile); `python dashboard.py` runs the
development server on 127.0.0.1:8050 (HOST and PORT override it; DASH_DEBUG=1
turns on Dash's debug mode, which is never on otherwise).
"""

import os

from web import create_app

app = create_app()
server = app.server


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8050"))
    app.run(host=host, port=port, debug=os.environ.get("DASH_DEBUG") == "1")


if __name__ == "__main__":
    main()
