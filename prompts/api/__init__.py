"""REST API for prompt versions and dynamic prompting (templates, rules, characters, resolution)."""
