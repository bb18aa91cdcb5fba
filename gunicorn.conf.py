"""Gunicorn settings for the web dyno (Procfile) and the bench/ servers.

Sized for a 512 MB Heroku dyno: a few sync worker processes (WEB_CONCURRENCY,
which Heroku sets per dyno size), the app and its model loaded once in the
master before forking (preload_app) so the workers share those pages, and a
timeout below the Heroku router's 30 s limit.
"""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"

# One prediction is a few milliseconds of CPU, so plain processes serve the
# load; threads would only queue on the GIL and make the model share state.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"

# NumPy's OpenBLAS starts a thread per core and splits even the rasterizer's
# small centring products across them; between calls those threads spin on CPU
# the other workers need. A worker handles one drawing at a time, so one BLAS
# thread each (LiteRT runs one too). Set here, before preload_app imports NumPy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Import the app (and load the model) once; the workers fork from it and share
# its memory copy-on-write, and a broken model stops the boot instead of
# every worker crash-looping.
preload_app = True

# Heroku's router gives up after 30 s; a worker stuck longer is killed first.
timeout = 25
graceful_timeout = 20
keepalive = 5

# Request-line and header limits stay at gunicorn's defaults (4094 bytes a
# line, 100 headers); the body limit is the Flask app's (api.MAX_BODY_BYTES).

# gunicorn's run-time control socket (gunicornc) is not used on a dyno; without
# it, no file is written under $HOME and parallel servers (tests, bench) never
# share one socket path.
control_socket_disable = True
