"""REST API for analytics: rating distribution, prompt performance, dashboards, A/B tests and alerts."""
