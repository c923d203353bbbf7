"""REST API for jobs (also served as "generations"), their images and reviews."""
