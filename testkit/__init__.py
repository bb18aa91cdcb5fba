"""What the tests and the benchmarks share: one home for each helper, so that a
figure in the README and the test that guards it are made the same way.

stats (percentiles), payloads (canvas JSON and data URLs), fixtures (committed
sample data), servers (gunicorn as the Procfile runs it), browser (headless
Chromium). Nothing here is imported by the web process.
"""
