"""The shape of every staff list: filter (django-filter), search, sort, keyset pages."""

from django import forms

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
    filterset, filtered = apply_filters(
        request, queryset, filterset_class, **(filterset_kwargs or {})
    )
    _bootstrap_widgets(filterset.form)
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


def apply_filters(request, queryset, filterset_class, **filterset_kwargs):
    """(filterset, rows): the filters of request.GET applied to `queryset` (lists and their
    exports share them); invalid filter values filter nothing."""
    filterset = filterset_class(
        request.GET or None, queryset=queryset, request=request, **filterset_kwargs
    )
    if filterset.is_bound and filterset.is_valid():
        return filterset, filterset.qs
    return filterset, queryset


def _bootstrap_widgets(form) -> None:
    """Bootstrap classes on the filter widgets, so the filter bar renders them directly
    (crispy's per-field templates cost more than the rest of a list page)."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
