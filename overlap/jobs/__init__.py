"""Job files (``pipelines/*.toml``): their specs, how a run runs them, and their logs."""
