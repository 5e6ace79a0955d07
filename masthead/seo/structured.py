"""What search engines and social networks read of a page: JSON-LD and OpenGraph.

Every function takes the objects and `base`, the site's public address
(MASTHEAD_SITE_URL), and returns plain data; templates only print it.
"""

import json

from django.conf import settings
from django.utils.html import mark_safe

from masthead.templating import iso_datetime, static_url
from masthead.text.markup import body_text
from masthead.text.summary import summary


def iso_duration(seconds: int) -> str:
    """Return `seconds` as an ISO 8601 duration: 97 → "PT1M37S"."""
    minutes, seconds = divmod(seconds, 60)
    return f"PT{minutes}M{seconds}S" if minutes else f"PT{seconds}S"


def absolute(base: str, path: str) -> str:
    return path if path.startswith(("http://", "https://")) else base + path


def logo_url(base: str) -> str:
    return absolute(
        base, settings.MASTHEAD_SITE_LOGO or static_url("masthead/logo.png")
    )


def description(article) -> str:
    """Return the standfirst, or else the first sentences of the body."""
    return (
        article.standfirst or summary(body_text(article.body_html)) or article.headline
    )


def organization(base: str) -> dict:
    data = {
        "@type": "Organization",
        "name": settings.MASTHEAD_SITE_NAME,
        "url": base + "/",
        "logo": {"@type": "ImageObject", "url": logo_url(base)},
    }
    if settings.MASTHEAD_SOCIAL_LINKS:
        data["sameAs"] = list(settings.MASTHEAD_SOCIAL_LINKS)
    return data


def person(author, base: str) -> dict:
    return {
        "@type": "Person",
        "name": author.name,
        "url": base + author.get_absolute_url(),
    }


def news_article(article, base: str) -> list[dict]:
    """Return the NewsArticle and BreadcrumbList of `article`."""
    url = base + article.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        # Google shows at most 110 characters of a headline.
        "headline": article.headline[:110],
        "description": description(article),
        "datePublished": iso_datetime(article.published_at),
        "dateModified": iso_datetime(article.updated_at or article.published_at),
        "author": [person(author, base) for author in article.byline],
        "publisher": organization(base),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tag_list],
        "wordCount": article.word_count,
        "timeRequired": iso_duration(article.read_time_seconds),
        "inLanguage": settings.LANGUAGE_CODE,
        "url": url,
    }
    if article.image:
        data["image"] = [absolute(base, article.image.url)]
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            crumb(1, settings.MASTHEAD_SITE_NAME, base + "/"),
            crumb(2, article.section.name, base + article.section.get_absolute_url()),
            crumb(3, article.headline, url),
        ],
    }
    return [data, breadcrumbs]


def crumb(position: int, name: str, url: str) -> dict:
    return {"@type": "ListItem", "position": position, "name": name, "item": url}


def profile_page(author, base: str) -> list[dict]:
    """Return the ProfilePage of an author page, its main entity a Person."""
    entity = person(author, base)
    if author.bio:
        entity["description"] = author.bio
    if author.photo:
        entity["image"] = absolute(base, author.photo.url)
    links = [link.url for link in author.link_list]
    if links:
        entity["sameAs"] = links
    return [
        {
            "@context": "https://schema.org",
            "@type": "ProfilePage",
            "url": base + author.get_absolute_url(),
            "mainEntity": entity,
        }
    ]


def website(base: str) -> list[dict]:
    """Return the WebSite and Organization of the home page."""
    return [
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": settings.MASTHEAD_SITE_NAME,
            "url": base + "/",
            "description": settings.MASTHEAD_SITE_TAGLINE,
            "inLanguage": settings.LANGUAGE_CODE,
        },
        {"@context": "https://schema.org", **organization(base)},
    ]


def json_ld(data) -> str:
    """Return `data` as JSON safe inside <script>: no "</script>" can close it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)


def open_graph(article, base: str) -> list[tuple[str, str]]:
    """Return the OpenGraph and Twitter card (property, content) pairs of `article`."""
    url = base + article.get_absolute_url()
    pairs = [
        ("og:type", "article"),
        ("og:site_name", settings.MASTHEAD_SITE_NAME),
        ("og:title", article.headline),
        ("og:description", description(article)),
        ("og:url", url),
        ("og:locale", settings.LANGUAGE_CODE.replace("-", "_")),
        ("article:published_time", iso_datetime(article.published_at)),
        (
            "article:modified_time",
            iso_datetime(article.updated_at or article.published_at),
        ),
        *(("article:author", base + a.get_absolute_url()) for a in article.byline),
        ("article:section", article.section.name),
        *(("article:tag", tag.name) for tag in article.tag_list),
    ]
    if article.image:
        pairs += [
            ("og:image", absolute(base, article.image.url)),
            ("og:image:alt", article.image_alt or article.headline),
        ]
    return pairs


def twitter_card(article, base: str) -> list[tuple[str, str]]:
    pairs = [
        ("twitter:card", "summary_large_image" if article.image else "summary"),
        ("twitter:title", article.headline),
        ("twitter:description", description(article)),
    ]
    if settings.MASTHEAD_TWITTER_HANDLE:
        pairs.append(("twitter:site", settings.MASTHEAD_TWITTER_HANDLE))
    if article.image:
        pairs.append(("twitter:image", absolute(base, article.image.url)))
    return pairs
