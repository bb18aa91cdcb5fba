"""Gunicorn settings for the web dyno (Procfile) and the bench/ servers.

Sized for a 512 MB Heroku dyno: WEB_CONCURRENCY worker processes (2 unless
set), each serving GUNICORN_THREADS connections at once in threads
(web/worker.py says why); the app and its model loaded once in the master
before forking (preload_app) so the workers share those pages. Every
environment variable is read by web/settings.py.
"""

import os

from web import worker
from web.settings import Settings

settings = Settings.from_env()

bind = settings.bind
workers = settings.workers
# Connections one worker serves at once. Each is a thread (a few hundred kB of
# stack touched at most) that is idle while its client is slow.
threads = settings.threads
worker_connections = settings.threads
# One request a connection: a kept-alive connection would count against
# worker_connections while idle.
keepalive = 0
worker_class = "web.worker.JsonThreadWorker"

# NumPy's OpenBLAS starts a thread per core and splits even the rasterizer's
# small centring products across them; between calls those threads spin on CPU
# the other workers need. A worker handles one drawing at a time, so one BLAS
# thread each (LiteRT runs one too). Set here, before preload_app imports NumPy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# glibc's heaps kept near a worker's idle size (web/worker.py); set in the
# master, before it forks.
worker.tune_malloc()
post_request = worker.post_request

# Import the app (and load the model) once; the workers fork from it and share
# its memory copy-on-write, and a broken model stops the boot instead of
# every worker crash-looping.
preload_app = True

# Heroku's router gives up after 30 s; a worker whose event loop is stuck longer
# (a request holding the GIL in C code) is killed first. A slow request in a
# thread does not stop the loop: the app bounds each request's work instead.
timeout = 25
graceful_timeout = 20

# Request-line and header limits stay at gunicorn's defaults (4094 bytes a
# line, 100 headers); the body limit is the Flask app's (web/api.py).

# gunicorn's run-time control socket (gunicornc) is not used on a dyno; without
# it, no file is written under $HOME and parallel servers (tests, bench) never
# share one socket path.
control_socket_disable = True
