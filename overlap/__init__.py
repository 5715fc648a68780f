"""overlap: batch plagiarism and source-overlap checking with attribution."""

__version__ = "0.1.0"
