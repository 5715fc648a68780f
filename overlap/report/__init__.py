"""Reports of a scan: the JSON findings contract, CSV tables and the terminal summary."""
