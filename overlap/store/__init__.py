"""The on-disk corpus: Parquet datasets plus a manifest with the settings that made them."""
