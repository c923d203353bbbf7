"""REST API for configuration tables: model parameters (document 004)."""
