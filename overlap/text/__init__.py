"""Text layer: normalisation, tokens with offsets, shingles."""
