"""What prints a page's metadata: `article_meta(article)` and friends."""

from django.conf import settings

from masthead.seo import structured
from masthead.templating import inclusion


def base() -> str:
    return settings.MASTHEAD_SITE_URL.rstrip("/")


@inclusion("seo/article_meta.html")
def article_meta(context, article):
    """Print canonical URL, OpenGraph, Twitter card and JSON-LD of an article."""
    return {
        "canonical": base() + article.get_absolute_url(),
        "description": structured.description(article),
        "properties": structured.open_graph(article, base()),
        "names": structured.twitter_card(article, base()),
        "json_ld": structured.json_ld(structured.news_article(article, base())),
    }


@inclusion("seo/page_meta.html")
def author_meta(context, author):
    """Print canonical URL and ProfilePage JSON-LD of an author page."""
    return {
        "canonical": base() + author.get_absolute_url(),
        "json_ld": structured.json_ld(structured.profile_page(author, base())),
    }


@inclusion("seo/page_meta.html")
def home_meta(context):
    """Print canonical URL and WebSite + Organization JSON-LD of the home page."""
    return {
        "canonical": base() + "/",
        "json_ld": structured.json_ld(structured.website(base())),
    }
