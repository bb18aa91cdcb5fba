"""One character to the model's 28x28 input: strokes rasterized, image ink
normalized, centred and grown to the pad's pen; preprocess is the facade."""
