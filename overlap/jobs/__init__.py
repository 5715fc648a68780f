"""Jobs that compose ingest, text, sketch, align and store into user-level operations."""
