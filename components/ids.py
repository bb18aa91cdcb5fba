"""Every component id on the page, in one place.

The first five are a stable public contract: browser tests and outside checks
find the page's parts by them, so they never change.
"""

DRAWING_PAD = "drawing-pad"
PREDICTED_DIGIT = "predicted-digit"
PROBABILITY_CHART = "probability-chart"
INPUT_PREVIEW = "input-preview"
CLEAR_BUTTON = "clear-button"

# The DashCanvas inside DRAWING_PAD; dash-canvas never writes its id into the DOM.
CANVAS = "drawing-canvas"
UNDO_BUTTON = "undo-button"
BRUSH_WIDTH = "brush-width"
PREDICTION_DETAIL = "prediction-detail"
PREDICTION_PANEL = "prediction-panel"
MODEL_NOTE = "model-note"
