"""Tags that print a page's metadata: `{% article_meta article %}` and friends."""

from django import template
from django.conf import settings

from masthead.seo import structured

register = template.Library()


def base() -> str:
    return settings.MASTHEAD_SITE_URL.rstrip("/")


@register.inclusion_tag("seo/article_meta.html")
def article_meta(article):
    """Print canonical URL, OpenGraph, Twitter card and JSON-LD of an article."""
    return {
        "canonical": base() + article.get_absolute_url(),
        "description": structured.description(article),
        "properties": structured.open_graph(article, base()),
        "names": structured.twitter_card(article, base()),
        "json_ld": structured.json_ld(structured.news_article(article, base())),
    }


@register.inclusion_tag("seo/page_meta.html")
def author_meta(author):
    """Print canonical URL and ProfilePage JSON-LD of an author page."""
    return {
        "canonical": base() + author.get_absolute_url(),
        "json_ld": structured.json_ld(structured.profile_page(author, base())),
    }


@register.inclusion_tag("seo/page_meta.html")
def home_meta():
    """Print canonical URL and WebSite + Organization JSON-LD of the home page."""
    return {
        "canonical": base() + "/",
        "json_ld": structured.json_ld(structured.website(base())),
    }


@register.simple_tag
def canonical_url(path):
    return base() + path
