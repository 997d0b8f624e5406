from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Opaque cursors over the id: stable while rows are added, and no count query."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
