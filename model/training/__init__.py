"""Training: the only part of the project that imports TensorFlow and Keras.

One module per job: config (every setting of a run), data (the training sets),
augment, network, train, export, card, evaluate. The web process never imports
this package.
"""
