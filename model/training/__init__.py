"""Training: the only part of the project that imports TensorFlow and Keras.

One module per job: data (the training sets), augment, network, train, export,
evaluate. The web process never imports this package.
"""
