"""Answer old WordPress addresses with a permanent redirect to their new home.

Two kinds of old address are kept in `Redirect`:

- a permalink path (``/2024/01/council-votes/``), looked up only when Masthead
  answers 404, so redirects never shadow a live page;
- a query address (``/?p=10``, ``/?page_id=20``, ``/?attachment_id=30``),
  looked up before the view, because ``/?p=10`` is the home page (200).
"""

from collections.abc import Callable

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)

from masthead.wordpress.models import Redirect

QUERY_KEYS = ("p", "page_id", "attachment_id")
READ_METHODS = ("GET", "HEAD")


def query_path(path: str, name: str, value: str) -> str:
    """Return how a query address is stored: "/?p=10"."""
    return f"{path}?{name}={value}"


def query_candidates(request: HttpRequest) -> list[str]:
    """Return the stored forms of the WordPress id queries in `request`."""
    return [
        query_path(request.path, name, request.GET[name])
        for name in QUERY_KEYS
        if request.GET.get(name, "").isdigit()
    ]


def path_candidates(path: str) -> list[str]:
    """Return `path` and its form with the trailing slash added or removed."""
    other = path[:-1] if path.endswith("/") else f"{path}/"
    return [path, other] if other else [path]


def redirect_target(candidates: list[str]) -> str | None:
    """Return the new path of the first stored candidate, or None."""
    if not candidates:
        return None
    found = dict(
        Redirect.objects.filter(old_path__in=candidates).values_list(
            "old_path", "new_path"
        )
    )
    return next((found[path] for path in candidates if path in found), None)


class WordPressRedirectMiddleware:
    """Redirect WordPress ids before the view, old permalinks after a 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in READ_METHODS:
            return self.get_response(request)
        candidates = query_candidates(request)
        if target := redirect_target(candidates):
            return HttpResponsePermanentRedirect(target)
        if candidates and request.path == "/":
            # As WordPress does for an id it does not know. It also keeps a
            # flood of /?p=random cheap: the page cache lets these through.
            raise Http404("No such WordPress post")
        response = self.get_response(request)
        if response.status_code == 404:
            if target := redirect_target(path_candidates(request.path)):
                return HttpResponsePermanentRedirect(target)
        return response
