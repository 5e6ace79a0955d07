"""robots.txt and the sitemaps, with no empty sitemap ever served."""

import math
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from masthead.memo import per_generation
from masthead.seo.sitemaps import SITEMAPS, news_articles
from masthead.templating import iso_datetime

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_summary() -> dict[str, tuple[int, object]]:
    """Return, per kind with at least one URL, its URL count and newest lastmod.

    An empty urlset is invalid, so kinds with nothing to list are left out.
    Read once per content generation.
    """

    def summary():
        found = {}
        for name, sitemap_class in SITEMAPS.items():
            sitemap = sitemap_class()
            if count := sitemap.count():
                found[name] = (count, sitemap.get_latest_lastmod())
        return found

    return per_generation("sitemaps", summary)


def sitemap_document(root: str, element: str, entries) -> HttpResponse:
    """Return a sitemaps.org `root` with an `element` per (location, lastmod).

    Written as plain strings, not through a template: a file holds up to
    50,000 URLs.
    """
    lines = [XML_DECLARATION, f'<{root} xmlns="{SITEMAP_NS}">\n']
    for location, lastmod in entries:
        lines.append(f"<{element}><loc>{escape(location)}</loc>")
        if lastmod:
            lines.append(f"<lastmod>{iso_datetime(lastmod)}</lastmod>")
        lines.append(f"</{element}>\n")
    lines.append(f"</{root}>\n")
    return HttpResponse("".join(lines), content_type="application/xml")


def file_count(name: str, urls: int) -> int:
    """Return how many files the sitemap `name` takes for `urls` URLs."""
    return math.ceil(urls / SITEMAPS[name].limit)


@require_safe
def sitemap_index(request):
    """List the sitemap files, one per kind and page of 50,000."""
    base = request.build_absolute_uri("/").rstrip("/")

    def files():
        for name, (count, lastmod) in sitemap_summary().items():
            location = base + reverse("seo:sitemap-section", kwargs={"section": name})
            for page in range(1, file_count(name, count) + 1):
                yield location + (f"?p={page}" if page > 1 else ""), lastmod

    return sitemap_document("sitemapindex", "sitemap", files())


@require_safe
def sitemap_section(request, section):
    """Serve one sitemap file; 404 for a kind that has nothing to list."""
    summary = sitemap_summary()
    if section not in summary:
        raise Http404("No such sitemap")
    page = request.GET.get("p", "1")
    if not page.isdigit() or not 1 <= int(page) <= file_count(
        section, summary[section][0]
    ):
        raise Http404("No such sitemap page")
    sitemap = SITEMAPS[section]()
    start = (int(page) - 1) * sitemap.limit
    base = request.build_absolute_uri("/").rstrip("/")
    urls = sitemap.entries(start, start + sitemap.limit)
    return sitemap_document(
        "urlset", "url", ((base + path, lastmod) for path, lastmod in urls)
    )


@require_safe
def news_sitemap(request):
    """List the last two days' articles in Google News's sitemap format."""
    articles = list(news_articles())
    if not articles:
        raise Http404("No article in the last two days")
    context = {
        "articles": articles,
        "base": request.build_absolute_uri("/").rstrip("/"),
        "publication": settings.MASTHEAD_SITE_NAME,
        "language": settings.LANGUAGE_CODE.split("-")[0],
    }
    return render(
        request, "seo/news_sitemap.xml", context, content_type="application/xml"
    )


@require_safe
def robots_txt(request):
    """Keep crawlers out of the newsroom and previews; point them to the sitemaps."""
    base = request.build_absolute_uri("/").rstrip("/")
    return render(request, "seo/robots.txt", {"base": base}, content_type="text/plain")
