"""REST API for jobs (document 001's "generations"), their images and reviews."""
