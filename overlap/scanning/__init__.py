"""The scan: submissions matched against a corpus store and each other into findings."""
