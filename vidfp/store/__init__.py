"""Storage: Parquet feature shards and the DuckDB catalog."""
