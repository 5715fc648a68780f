"""Review: what people decided about findings, and the rules that follow across scans."""
