"""The shape of every staff list: filter (django-filter), search, sort, keyset pages."""

from .pagination import keyset_page


def list_context(
    request,
    queryset,
    *,
    filterset_class,
    sort_options: dict,
    default_sort: str,
    page_size: int = 50,
    filterset_kwargs: dict | None = None,
) -> dict:
    """Filter, sort and page `queryset` (already scoped to the user) from request.GET.

    sort_options maps a sort key ("number", "-number") to an ordering ending in a unique
    column. Returns the context a list template needs.
    """
    filterset = filterset_class(
        request.GET or None, queryset=queryset, request=request, **(filterset_kwargs or {})
    )
    filtered = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    sort = request.GET.get("sort", default_sort)
    if sort not in sort_options:
        sort = default_sort
    page = keyset_page(
        filtered,
        ordering=list(sort_options[sort]),
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        last=request.GET.get("last") == "1",
        page_size=page_size,
    )
    return {"filter": filterset, "page": page, "rows": page.rows, "sort": sort}
