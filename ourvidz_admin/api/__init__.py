"""Shared pieces of the REST API under /api/: permissions, pagination, errors, strict serializers."""
