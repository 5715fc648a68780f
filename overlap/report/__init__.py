"""Reports of a scan: the JSON findings contract, CSV/Parquet tables, HTML pages, terminal."""
