"""The operations view of document 000: stage times and percentiles, peaks, success by job type, failure
trends, quality by tier and content mode, and the guide's goals; every figure read from rollups."""
