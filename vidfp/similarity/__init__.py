"""Frame-to-frame similarity, temporal alignment and pair scoring."""
