"""The reference server in the classic style, for side-by-side benchmarks only.

This is how the classic version of this app serves: Flask with TensorFlow
imported in the web process and Keras `model.predict` called on every request.
It answers the same two requests as the real app (POST /predict with a `digit`
PNG data URL, POST /api/predict with dash-canvas json_data) and uses the same
preprocessing, so the comparison isolates the serving stack: TensorFlow/Keras
in the web process versus the shipped .tflite model with LiteRT.

The network is model/digit_cnn.keras when the training has written one, else
model.network's architecture with the trained weights (model/digit_cnn.weights.h5),
else that architecture freshly initialised (timing and memory do not depend on
the weights' values). Not shipped: requirements.txt has no TensorFlow.
"""

import os
from pathlib import Path

import flask
import keras
import numpy as np

from model.character.preprocess import preprocess_canvas, preprocess_image
from model.core.contract import to_model_batch
from model.core.errors import InvalidInput
from model.training.network import build_model
from web.errors import reader_status

MODEL_DIR = Path(__file__).resolve().parent.parent / "model" / "shipped"
KERAS_MODEL = MODEL_DIR / "digit_cnn.keras"
KERAS_WEIGHTS = MODEL_DIR / "digit_cnn.weights.h5"


def load_model() -> tuple[keras.Model, str]:
    path = Path(os.environ.get("CLASSIC_KERAS_MODEL", KERAS_MODEL))
    if path.exists():
        return keras.models.load_model(path), str(path)
    model = build_model()
    if KERAS_WEIGHTS.exists():
        model.load_weights(KERAS_WEIGHTS)
        return model, f"build_model() with {KERAS_WEIGHTS.name}"
    return model, "build_model() with fresh weights"


model, model_source = load_model()
app = flask.Flask(__name__)


def answer(preprocessed):
    if preprocessed.empty:
        return flask.jsonify(digit=None, confidence=0.0, probabilities=[0.1] * 10, empty=True)
    probabilities = model.predict(to_model_batch(preprocessed.image), verbose=0)[0]
    digit = int(np.argmax(probabilities))
    return flask.jsonify(
        digit=digit,
        confidence=float(probabilities[digit]),
        probabilities=[float(p) for p in probabilities],
        empty=False,
    )


@app.post("/predict")
def form_predict():
    try:
        return answer(preprocess_image(flask.request.form["digit"]))
    except InvalidInput as error:
        return flask.jsonify(error=str(error)), reader_status(error)


@app.post("/api/predict")
def api_predict():
    body = flask.request.get_json()
    try:
        return answer(preprocess_canvas(body["canvas"], body.get("width"), body.get("height")))
    except InvalidInput as error:
        return flask.jsonify(error=str(error)), reader_status(error)


@app.get("/healthz")
def healthz():
    return flask.jsonify(status="ok", model=model_source)
