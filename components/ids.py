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
PREDICTION_DETAIL = "prediction-detail"
PREDICTION_PANEL = "prediction-panel"
MODEL_NOTE = "model-note"

# The compact answer above the pad on a phone (a copy of the answer, made in the browser).
ANSWER_STRIP = "answer-strip"
STRIP_DIGIT = "strip-digit"
STRIP_DETAIL = "strip-detail"

# Evidence: the digit whose evidence the preview shows (a dcc.Store; None: the
# plain input), the caption under the preview, and the ten digit buttons under
# the bars (pattern-matching ids {"type": EVIDENCE_TILE, "digit": 0-9}).
EVIDENCE_DIGIT = "evidence-digit"
PREVIEW_CAPTION = "preview-caption"
EVIDENCE_TILE = "evidence-tile"

# A drawing of several characters: the heading over the bars (it names the
# character they belong to), the row of character buttons under the answer
# (pattern-matching ids {"type": CHARACTER_TILE, "index": 0, 1, ...}, left to
# right), and the character the bars and preview show (a dcc.Store; None: the
# page's own choice, components/callbacks.default_character).
CHART_TITLE = "chart-title"
CHARACTER_TILES = "character-tiles"
CHARACTER_TILE = "character-tile"
SELECTED_CHARACTER = "selected-character"

ABOUT_MODEL = "about-model"
MODEL_VERSION = "model-version"
CONFUSION_MATRIX = "confusion-matrix"

# Corrections (components/correction_form.py): the form under the answer, its
# buttons and field, the line that says what happened, the note shown when
# corrections are off, and the saved corrections' delete tokens (a dcc.Store
# in the browser's localStorage).
CORRECTION_FORM = "correction-form"
RIGHT_BUTTON = "right-button"
WROTE_INPUT = "wrote-input"
SEND_BUTTON = "send-button"
CORRECTION_STATUS = "correction-status"
DELETE_BUTTON = "delete-correction-button"
CORRECTIONS_OFF_NOTE = "corrections-off-note"
SAVED_CORRECTIONS = "saved-corrections"
PRIVACY_LINK = "privacy-link"
