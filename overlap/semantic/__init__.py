"""Sentence encoders: the model behind the semantic pass (overlap.scanning.restatements)."""
