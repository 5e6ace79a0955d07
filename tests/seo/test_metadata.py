"""What search engines and social networks read, extracted with extruct."""

import datetime
import json
import re
from pathlib import Path

import extruct
import lxml.html
import pytest
from django.utils import timezone

from masthead.articles.models import Article
from masthead.authors.models import AuthorLink
from tests.schemas import schema_path

ISO_8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$")


def extract(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    data = extruct.extract(html, syntaxes=["json-ld"], uniform=True)
    # Not uniform for OpenGraph: that form keeps one value of repeated properties.
    (graph,) = extruct.extract(html, syntaxes=["opengraph"])["opengraph"] or [None]
    data["opengraph"] = graph["properties"] if graph else []
    return data, html


def of_type(data, kind):
    return [item for item in data["json-ld"] if item.get("@type") == kind]


def schema_org_terms() -> set[str]:
    context = json.loads(Path(schema_path("schemaorgcontext-30.0.jsonld")).read_text())
    return set(context["@context"])


def keys_of(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys_of(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys_of(inner)


@pytest.fixture
def article(make_article, make_author, settings):
    settings.MASTHEAD_SITE_NAME = "The Daily Test"
    settings.MASTHEAD_TWITTER_HANDLE = "@dailytest"
    writer, guest = make_author("Zara Okafor"), make_author("Guest Writer")
    (settings.MEDIA_ROOT / "articles").mkdir(parents=True)
    (settings.MEDIA_ROOT / "articles" / "lead.jpg").write_bytes(b"\xff\xd8jpeg")
    return make_article(
        'Council & court: "<b>quotes</b>" </script><script>alert(1)</script>',
        authors=[writer, guest],
        tags=["Justice", "Courts"],
        standfirst="Three days of testimony begin.",
        image="articles/lead.jpg",
        image_alt="The court",
        body_source="word " * 320,
        updated_at=timezone.now(),
    )


@pytest.mark.django_db
def test_news_article_json_ld_has_every_required_property(client, article):
    data, _ = extract(client, article.get_absolute_url())
    (news,) = of_type(data, "NewsArticle")
    url = "http://127.0.0.1:8000" + article.get_absolute_url()
    assert news["headline"] == article.headline[:110]
    assert news["description"] == "Three days of testimony begin."
    assert ISO_8601.match(news["datePublished"]) and ISO_8601.match(
        news["dateModified"]
    )
    assert [(a["@type"], a["name"]) for a in news["author"]] == [
        ("Person", "Zara Okafor"),
        ("Person", "Guest Writer"),
    ]
    assert all(
        a["url"].startswith("http://127.0.0.1:8000/author/") for a in news["author"]
    )
    assert news["publisher"]["@type"] == "Organization"
    assert news["publisher"]["name"] == "The Daily Test"
    assert news["publisher"]["logo"]["url"].endswith(".png")
    assert news["image"] == ["http://127.0.0.1:8000/media/articles/lead.jpg"]
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert news["articleSection"] == article.section.name
    assert news["keywords"] == ["Courts", "Justice"]
    assert news["wordCount"] == article.word_count > 320
    # 324 words (320 + 4 in the headline) is 97.2 s, plus 12 s for the image.
    assert news["timeRequired"] == "PT1M49S"
    (crumbs,) = of_type(data, "BreadcrumbList")
    assert [c["position"] for c in crumbs["itemListElement"]] == [1, 2, 3]
    assert crumbs["itemListElement"][2]["item"] == url


@pytest.mark.django_db
def test_json_ld_cannot_be_closed_by_a_headline(client, article):
    _, html = extract(client, article.get_absolute_url())
    tree = lxml.html.fromstring(html)
    for text in tree.xpath("//script[@type='application/ld+json']/text()"):
        assert "<" not in text and ">" not in text
        assert json.loads(text)[0]["headline"].startswith("Council & court")
    # Every other script is a file of ours: nothing was injected inline.
    others = tree.xpath("//script[not(@type='application/ld+json')]")
    assert [script.get("src") for script in others] == ["/static/masthead/js/embed.js"]


@pytest.mark.django_db
def test_open_graph_and_twitter_card(client, article):
    data, html = extract(client, article.get_absolute_url())
    og = dict(data["opengraph"])
    assert og["og:type"] == "article"
    assert og["og:title"] == article.headline
    assert og["og:url"] == "http://127.0.0.1:8000" + article.get_absolute_url()
    assert og["og:image"] == "http://127.0.0.1:8000/media/articles/lead.jpg"
    assert ISO_8601.match(og["article:published_time"])
    assert ISO_8601.match(og["article:modified_time"])
    assert og["article:section"] == article.section.name
    tree = lxml.html.fromstring(html)
    assert tree.xpath("//meta[@property='article:author']/@content") == [
        "http://127.0.0.1:8000" + author.get_absolute_url() for author in article.byline
    ]
    assert tree.xpath("//meta[@property='article:tag']/@content") == [
        "Courts",
        "Justice",
    ]
    names = {
        meta.get("name"): meta.get("content") for meta in tree.xpath("//meta[@name]")
    }
    assert names["twitter:card"] == "summary_large_image"
    assert names["twitter:site"] == "@dailytest"
    assert names["description"] == "Three days of testimony begin."
    assert tree.xpath("//link[@rel='canonical']/@href") == [og["og:url"]]
    assert tree.xpath("//title/text()")[0].startswith("Council & court")


@pytest.mark.django_db
def test_article_without_image_or_standfirst_describes_itself(client, make_article):
    bare = make_article(
        "Plain story",
        body_source="First sentence here. Second one follows! " + "More words. " * 40,
    )
    data, html = extract(client, bare.get_absolute_url())
    (news,) = of_type(data, "NewsArticle")
    assert "image" not in news
    assert news["description"].startswith("First sentence here. Second one follows!")
    assert len(news["description"]) <= 160
    assert lxml.html.fromstring(html).xpath(
        "//meta[@name='twitter:card']/@content"
    ) == ["summary"]


@pytest.mark.django_db
def test_ten_thousand_word_article_keeps_valid_metadata(client, make_article):
    long = make_article("Long read", body_source=("A sentence of words. " * 2500))
    data, _ = extract(client, long.get_absolute_url())
    (news,) = of_type(data, "NewsArticle")
    assert news["wordCount"] == 10_000 + 2
    assert news["timeRequired"] == "PT50M1S"


@pytest.mark.django_db
def test_author_page_is_a_profile_page_of_a_person(client, make_author, make_article):
    author = make_author("Mariam Said", bio="Reports on water.")
    AuthorLink.objects.create(author=author, label="Site", url="https://example.org/m")
    make_article(authors=[author])
    data, _ = extract(client, author.get_absolute_url())
    (profile,) = of_type(data, "ProfilePage")
    person = profile["mainEntity"]
    assert (person["@type"], person["name"], person["description"]) == (
        "Person",
        "Mariam Said",
        "Reports on water.",
    )
    assert person["sameAs"] == ["https://example.org/m"]


@pytest.mark.django_db
def test_home_is_a_website_of_an_organization(client, settings):
    settings.MASTHEAD_SOCIAL_LINKS = ["https://social.example/@daily"]
    data, _ = extract(client, "/")
    (website,) = of_type(data, "WebSite")
    (organization,) = of_type(data, "Organization")
    assert website["url"] == "http://127.0.0.1:8000/"
    assert organization["sameAs"] == ["https://social.example/@daily"]


@pytest.mark.django_db
def test_every_json_ld_property_is_a_schema_org_term(client, article, make_author):
    terms = schema_org_terms() | {"@context", "@type", "@id"}
    for url in [article.get_absolute_url(), "/", article.byline[0].get_absolute_url()]:
        for item in extract(client, url)[0]["json-ld"]:
            unknown = set(keys_of(item)) - terms
            assert not unknown, (url, unknown)


@pytest.mark.django_db
def test_preview_carries_no_metadata_and_asks_not_to_be_indexed(
    client, admin_user, make_article
):
    draft = make_article("Draft", status=Article.Status.DRAFT)
    client.force_login(admin_user)
    data, html = extract(client, draft.get_preview_url())
    assert data["json-ld"] == []
    tree = lxml.html.fromstring(html)
    assert tree.xpath("//meta[@name='robots']/@content") == ["noindex, nofollow"]
    assert tree.xpath("//link[@rel='canonical']") == []


def test_dates_carry_the_site_time_zone(settings):
    from masthead.seo.structured import iso_duration
    from masthead.templating import iso_datetime

    settings.TIME_ZONE = "Asia/Tokyo"
    moment = datetime.datetime(2026, 11, 24, 20, 0, tzinfo=datetime.UTC)
    assert iso_datetime(moment) == "2026-11-25T05:00:00+09:00"
    assert [iso_duration(s) for s in (0, 45, 60, 97)] == [
        "PT0S",
        "PT45S",
        "PT1M0S",
        "PT1M37S",
    ]
