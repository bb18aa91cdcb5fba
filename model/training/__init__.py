"""Training: the only part of the project that imports TensorFlow and Keras.

One module per job: config (every setting of a run), data (the training sets),
augment, network, train, export, card, evaluate; and, without TensorFlow,
fetch_data (`make data`) with source_formats and unix_compress. The web process
never imports this package.
"""
