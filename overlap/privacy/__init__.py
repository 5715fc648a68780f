"""Privacy: stable pseudonyms for student names in reports."""
