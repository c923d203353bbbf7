"""Schema helpers: document a FilterSet's query parameters on views that are not lists."""

from drf_spectacular.utils import OpenApiParameter


def filterset_parameters(filterset_class) -> list[OpenApiParameter]:
    """One optional string query parameter per filter, with its help text."""
    return [
        OpenApiParameter(name, str, OpenApiParameter.QUERY, required=False,
                         description=str(flt.extra.get("help_text", "")))
        for name, flt in filterset_class.base_filters.items()
        if name not in ("sort", "order")
    ]
