"""robots.txt and the sitemaps, with no empty sitemap ever served."""

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from masthead.seo.sitemaps import SITEMAPS, news_articles


def filled_sitemaps() -> dict:
    """Return the sitemaps with at least one URL: an empty urlset is invalid."""
    sitemaps = {name: sitemap_class() for name, sitemap_class in SITEMAPS.items()}
    return {
        name: sitemap for name, sitemap in sitemaps.items() if sitemap.paginator.count
    }


@require_GET
def sitemap_index(request):
    """List the sitemap files, one per kind and page of 50,000."""
    return sitemap_views.index(
        request,
        filled_sitemaps(),
        template_name="seo/sitemap_index.xml",
        sitemap_url_name="seo:sitemap-section",
    )


@require_GET
def sitemap_section(request, section):
    """Serve one sitemap file; 404 for a kind that has nothing to list."""
    sitemaps = filled_sitemaps()
    if section not in sitemaps:
        raise Http404("No such sitemap")
    return sitemap_views.sitemap(
        request, sitemaps, section=section, template_name="seo/sitemap.xml"
    )


@require_GET
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


@require_GET
def robots_txt(request):
    """Keep crawlers out of the newsroom and previews; point them to the sitemaps."""
    base = request.build_absolute_uri("/").rstrip("/")
    return render(request, "seo/robots.txt", {"base": base}, content_type="text/plain")
