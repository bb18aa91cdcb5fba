"""Compressed responses and cache headers.

A first visit loads about 6.7 MB of JavaScript, 4.7 MB of it plotly.min.js;
Brotli (or gzip, for a client without it) brings that under 2 MB. Static files
(Dash's component suites and /assets/) are compressed once per worker, at a
higher Brotli quality, and kept: they never change while the process runs, and
compressing plotly.min.js again on every request would cost 0.15 s of CPU each
time. Their cache key is the file, not the URL, so fingerprint or query-string
variants of a file cannot grow the cache. Everything else (the page, callback
answers) is compressed per response by flask-compress, at its defaults.

Cache headers: Dash already gives fingerprinted component-suite URLs a one-year
max-age; /assets/ URLs carry the file's modification time (`?m=`), so they get
the same. The API's answers are `no-store` (web/responses.py).
"""

import gzip

import brotli
import flask
from dash.fingerprint import check_fingerprint
from flask_compress import Compress

ALGORITHMS = ("br", "gzip")
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
# plotly.min.js: 1,472 kB with gzip 6, 1,267 kB with Brotli 6 (0.15 s, once per
# worker), 1,110 kB with Brotli 11 (11 s: too slow to do at start-up).
STATIC_BR_QUALITY = 6
STATIC_GZIP_LEVEL = 6
ONE_YEAR = 365 * 24 * 3600


def register_compression(server: flask.Flask) -> None:
    """Compress `server`'s responses for clients that accept Brotli or gzip."""
    server.config.update(
        COMPRESS_ALGORITHM=list(ALGORITHMS),
        COMPRESS_ALGORITHM_STREAMING=["br"],
        COMPRESS_REGISTER=False,  # called below, after the static files' own path
    )
    compress = Compress(server)
    static_cache: dict[tuple[str, str], bytes] = {}

    def compressed(response: flask.Response) -> flask.Response:
        request = flask.request
        if request.path.startswith("/assets/") and "m" in request.args:
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
        if not request.path.startswith(STATIC_PREFIXES) or response.status_code != 200:
            return compress.after_request(response)
        response.vary.add("Accept-Encoding")
        algorithm = _chosen(request)
        if algorithm is None or response.mimetype not in compress.compress_mimetypes_set:
            return response
        key = (_file_of(request.path), algorithm)
        data = static_cache.get(key)
        if data is None:
            response.direct_passthrough = False  # a file response: read it here
            data = _static_compress(response.get_data(), algorithm)
            static_cache[key] = data
        response.direct_passthrough = False
        response.set_data(data)
        response.headers["Content-Encoding"] = algorithm
        etag, weak = response.get_etag()
        if etag:
            response.set_etag(f"{etag}:{algorithm}", weak=weak)
        return response

    server.after_request(compressed)


def _chosen(request) -> str | None:
    accepted = request.accept_encodings
    for algorithm in ALGORITHMS:
        if accepted[algorithm] > 0:
            return algorithm
    return None


def _file_of(path: str) -> str:
    """The file a static URL names: component-suite fingerprints removed."""
    if path.startswith("/_dash-component-suites/"):
        return check_fingerprint(path)[0]
    return path


def _static_compress(data: bytes, algorithm: str) -> bytes:
    if algorithm == "br":
        return brotli.compress(data, quality=STATIC_BR_QUALITY)
    return gzip.compress(data, STATIC_GZIP_LEVEL, mtime=0)
