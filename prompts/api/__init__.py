"""REST API for prompt versions (document 001) and dynamic prompting (document 004)."""
