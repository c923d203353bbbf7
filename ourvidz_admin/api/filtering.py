"""The API's FilterSet backend: a bad query parameter is a 400 naming it, whatever the value holds.

django-filter's own backend formats each message with ``%`` (``message % ()``),
so a message that quotes a value containing ``%`` (``?rating=%25``) crashed
with a 500. Here the messages are taken as Django renders them.
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError


class FilterBackend(DjangoFilterBackend):
    """``DjangoFilterBackend`` whose validation errors are the FilterSet form's messages, unformatted."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
        return filterset.qs
