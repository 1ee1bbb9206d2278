"""Where to go after a form: a `next` taken from the request, only if it is a path of this site."""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str = "home", *, field: str = "next") -> str:
    """The request's `next` (POST, then GET) when it is an absolute path on this site, else
    `default` (a URL or a view name, resolved here). A relative `next` ("env") would be
    resolved against the current URL or, given to redirect(), reversed as a view name;
    "//host" and "https://host" lead elsewhere: all of them are ignored."""
    target = request.POST.get(field) or request.GET.get(field) or ""
    if is_site_path(request, target):
        return target
    return resolve_url(default)


def is_site_path(request, target: str | None) -> bool:
    """True for "/a/path?q=1" on this site; False for relative paths, other hosts, schemes."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
