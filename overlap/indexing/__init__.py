"""Corpus store operations: adding documents, what is stored, removing, views without some."""
