"""REST API for configuration tables: model parameters, cost rates."""
