"""The reader: a drawing in, the digits it shows out. No TensorFlow.

In layers, each importing only those below it: core (the input contract,
inference, errors, what a prediction is), inputs (dash-canvas JSON, images),
character (one character to the model's 28x28 input), numbers (a drawing split
into characters and read left to right), and evidence (what the model looked
at). training/ is the only part that imports TensorFlow; shipped/ holds the
model file and its card.
"""
