"""The site's URLs: reader pages first, the newsroom under /admin/."""

from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path, register_converter
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.static import serve

from masthead.pagination import PageNumberConverter

register_converter(PageNumberConverter, "page")

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "favicon.ico",
        RedirectView.as_view(
            # Lazy: the hashed asset name is known only once collectstatic ran.
            url=lazy(static, str)("masthead/favicon.ico"),
            permanent=True,
        ),
    ),
    # Uploaded images. nginx serves them in a scale-out set-up (deploy/); this
    # keeps the embedded default complete with no other server.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("", include("masthead.feeds.urls")),
    path("", include("masthead.seo.urls")),
    path("comments/", include("masthead.comments.urls")),
    path("", include("masthead.articles.urls")),
    path("author/", include("masthead.authors.urls")),
    # Last: a static page's address is a bare slug, so it must not shadow others.
    path("", include("masthead.pages.urls")),
]
