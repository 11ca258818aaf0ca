"""Embeddings: frozen-encoder features (pooling, on-disk cache), light classifiers, MTEB tasks."""
