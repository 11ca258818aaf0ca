"""Extractive question answering (SQuAD-style spans in a context)."""
