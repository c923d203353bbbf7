"""Jobs (the guide's ``jobs`` merged with the generator admin's ``generation``) and their images."""

from generations.models.images import GenerationImageInput, GenerationImageOutput, GenerationImageRating
from generations.models.jobs import Job

__all__ = ["Job", "GenerationImageInput", "GenerationImageOutput", "GenerationImageRating"]
