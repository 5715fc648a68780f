"""Meaning, not words: restatements of source sentences found with a sentence encoder."""
