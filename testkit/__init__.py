"""What the tests and the benchmarks share: one home for each helper, so that a
figure in the README and the test that guards it are made the same way.

stats (percentiles), payloads (canvas JSON and data URLs), fixtures (committed
sample data), servers (gunicorn as the Procfile runs it), browser (headless
Chromium), predict (one drawing read as one character), dash_requests (Dash's
callback request), evidence_check (is an evidence map faithful), numbers and
sure_digits (written numbers), hostile_corpus (bad input). Nothing here is
imported by the web process.
"""
