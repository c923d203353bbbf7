"""REST API for the generator admin's analytics (document 001): rating distribution, prompt performance."""
