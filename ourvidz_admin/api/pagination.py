"""Pagination that stays fast at any depth of a million-row table.

``?page=&limit=`` (limit at most 200) reports ``count`` from
``estimated_count`` (exact up to ``ADMIN_COUNT_CAP``, the planner's estimate
above it, with ``count_is_estimate``): never a full-table ``COUNT``.
``?pagination=cursor`` switches to keyset pagination over
``(-created_at, -id)`` on the views that offer it (``cursor_ordering``),
whose cost does not grow with depth.
"""

from django.conf import settings
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ourvidz_admin.admin.paginators import estimated_count

MAX_LIMIT = 200
DEFAULT_LIMIT = 20
MAX_PAGE = 1_000_000


class _Params(serializers.Serializer):
    # Bounded so that OFFSET stays a 64-bit integer on every database.
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=1)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)
    pagination = serializers.ChoiceField(choices=["page", "cursor"], default="page")


class _Cursor(CursorPagination):
    cursor_query_param = "cursor"
    page_size_query_param = None


class PortalPagination(BasePagination):
    """Page/limit pagination with an estimated count, or cursor pagination on request."""

    def paginate_queryset(self, queryset, request, view=None):
        params = _Params(data=request.query_params)
        if not params.is_valid():
            raise ValidationError(params.errors)
        self.request, self.limit = request, params.validated_data["limit"]
        self.mode = params.validated_data["pagination"]
        if self.mode == "cursor":
            ordering = getattr(view, "cursor_ordering", None)
            if not ordering:
                raise ValidationError({"pagination": ["Cursor pagination is not offered on this list."]})
            self.cursor = _Cursor()
            self.cursor.ordering, self.cursor.page_size = ordering, self.limit
            return self.cursor.paginate_queryset(queryset, request, view)
        self.page = params.validated_data["page"]
        cap = settings.ADMIN_COUNT_CAP
        self.count = estimated_count(queryset, cap)
        self.count_is_estimate = self.count > cap
        offset = (self.page - 1) * self.limit
        rows = list(queryset[offset: offset + self.limit + 1])
        self.has_next = len(rows) > self.limit
        return rows[: self.limit]

    def get_paginated_response(self, data):
        if self.mode == "cursor":
            return Response({"next": self.cursor.get_next_link(), "previous": self.cursor.get_previous_link(),
                             "results": data})
        url = self.request.build_absolute_uri()
        previous = None
        if self.page > 1:
            previous = (replace_query_param(url, "page", self.page - 1) if self.page > 2
                        else remove_query_param(url, "page"))
        return Response({
            "count": self.count,
            "count_is_estimate": self.count_is_estimate,
            "page": self.page,
            "limit": self.limit,
            "next": replace_query_param(url, "page", self.page + 1) if self.has_next else None,
            "previous": previous,
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "count": {"type": "integer", "description": "Exact up to the cap, else the planner's estimate."},
                "count_is_estimate": {"type": "boolean"},
                "page": {"type": "integer"},
                "limit": {"type": "integer"},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        def param(name, schema, description):
            return {"name": name, "required": False, "in": "query", "description": description, "schema": schema}

        params = [
            param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                  "Page number (page/limit pagination)."),
            param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "Rows per page (max 200)."),
        ]
        if getattr(view, "cursor_ordering", None):
            params += [
                param("pagination", {"type": "string", "enum": ["page", "cursor"]},
                      "'cursor' for keyset pagination over (-created_at, -id)."),
                param("cursor", {"type": "string"}, "The opaque cursor of a next/previous link."),
            ]
        return params
