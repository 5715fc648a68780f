"""Attribution analysis: reference lists, quotes, citations and finding kinds."""
