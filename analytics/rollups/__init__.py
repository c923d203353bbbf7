"""Rollup tables kept current as jobs change and rebuilt exactly on demand: job buckets, prompt days,
Compel/preset aggregates, and the derived quality figures of jobs."""
