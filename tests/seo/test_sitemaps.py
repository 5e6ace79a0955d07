"""Sitemaps and robots.txt, validated against the sitemaps.org schemas."""

import datetime

import pytest
from django.utils import timezone
from lxml import etree

from masthead.articles.models import Article
from masthead.pages.models import Page
from masthead.seo.sitemaps import ArticleSitemap
from masthead.seo.views import sitemap_summary
from tests.plans import sqlite_plans, unindexed_reads
from tests.schemas import xml_schema

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "n": "http://www.google.com/schemas/sitemap-news/0.9"}  # fmt: skip


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return etree.fromstring(response.content)


def locs(document):
    return [loc.text for loc in document.xpath("//s:loc", namespaces=NS)]


@pytest.fixture
def site(make_article, make_author):
    now = timezone.now()
    author = make_author("Zara")
    live = make_article("Live", tags=["Climate"], authors=[author],
                        published_at=now - datetime.timedelta(days=5),
                        updated_at=now - datetime.timedelta(days=1))  # fmt: skip
    recent = make_article(
        "Recent & <new>", published_at=now - datetime.timedelta(hours=3)
    )
    draft = make_article("Draft", status=Article.Status.DRAFT, tags=["Secret"])
    future = make_article("Future", published_at=now + datetime.timedelta(days=1))
    Page.objects.create(title="About", slug="about")
    Page.objects.create(title="Hidden", slug="hidden", is_published=False)
    return {"live": live, "recent": recent, "draft": draft, "future": future}


@pytest.mark.django_db
def test_index_lists_only_sitemaps_with_urls_and_validates(client, site):
    index = xml(client, "/sitemap.xml")
    assert xml_schema("siteindex.xsd").validate(index), xml_schema(
        "siteindex.xsd"
    ).error_log
    listed = locs(index)
    kinds = {url.rsplit("/", 1)[1] for url in listed}
    expected = ["articles", "sections", "authors", "tags", "pages"]
    assert kinds == {f"sitemap-{kind}.xml" for kind in expected}
    for url in listed:
        document = xml(client, url.replace("http://testserver", ""))
        assert xml_schema("sitemap.xsd").validate(document), (
            url,
            xml_schema("sitemap.xsd").error_log,
        )
        assert locs(document), url  # never an empty <urlset/>


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-news.xml", "/robots.txt"]
)
def test_head_is_answered_as_get_is(client, site, url):
    """Crawlers and link checkers ask with HEAD; HTTP servers must answer it."""
    got, head = client.get(url), client.head(url)
    assert (head.status_code, got.status_code) == (200, 200)
    assert head["Content-Type"] == got["Content-Type"]
    assert head.content == b""


@pytest.mark.django_db
def test_the_index_says_what_each_file_holds(client, site, make_article):
    # A tag whose only article is not out yet is in no file.
    later = make_article("Later", tags=["Embargoed"], published_at=timezone.now()
                         + datetime.timedelta(hours=2))  # fmt: skip
    unseen = later.tags.get()
    index = xml(client, "/sitemap.xml")
    for entry in index.xpath("//s:sitemap", namespaces=NS):
        [url] = entry.xpath("s:loc/text()", namespaces=NS)
        [stated] = entry.xpath("s:lastmod/text()", namespaces=NS) or [None]
        document = xml(client, url.replace("http://testserver", ""))
        dates = document.xpath("//s:lastmod/text()", namespaces=NS)
        newest = max(map(datetime.datetime.fromisoformat, dates), default=None)
        assert (stated and datetime.datetime.fromisoformat(stated)) == newest, url
    assert f"/tag/{unseen.slug}/" not in client.get("/sitemap-tags.xml").text


@pytest.mark.django_db
def test_the_index_reads_no_whole_table(site):
    """Every figure of the index is read from an index of the database: the
    maximum of every article's date took 1.1 s at 100,000 articles."""
    plans = sqlite_plans(sitemap_summary)
    for sql in plans:
        if "articles_article" in sql and "MIN(" not in sql:  # MIN: the clock's
            assert "MAX(" not in sql, sql  # next change (pagecache.expiry)
    assert unindexed_reads(plans, "articles_article") == []


@pytest.mark.django_db
def test_articles_sitemap_has_published_articles_with_lastmod(client, site):
    document = xml(client, "/sitemap-articles.xml")
    urls = locs(document)
    assert urls == [
        f"http://testserver{site[k].get_absolute_url()}" for k in ("recent", "live")
    ]
    lastmods = document.xpath("//s:lastmod/text()", namespaces=NS)
    live_lastmod = datetime.datetime.fromisoformat(lastmods[1])
    assert abs(live_lastmod - site["live"].updated_at) < datetime.timedelta(seconds=1)


@pytest.mark.django_db
def test_drafts_previews_admin_and_hidden_things_appear_in_no_sitemap(client, site):
    everything = " ".join(
        " ".join(locs(xml(client, url.replace("http://testserver", ""))))
        for url in locs(xml(client, "/sitemap.xml"))
    )
    for forbidden in ["/admin/", "/preview/", site["draft"].slug, site["future"].slug,
                      "/hidden/", "/tag/secret/"]:  # fmt: skip
        assert forbidden not in everything
    assert "/tag/climate/" in everything and "/about/" in everything


@pytest.mark.django_db
def test_a_kind_with_nothing_to_list_is_not_found(client):
    assert client.get("/sitemap-articles.xml").status_code == 404
    assert locs(xml(client, "/sitemap.xml")) == []


def test_articles_are_split_at_the_protocols_limit():
    assert ArticleSitemap.limit == 50_000


@pytest.mark.django_db
def test_pages_past_the_limit_go_to_a_second_file(client, site, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 1)
    index = locs(xml(client, "/sitemap.xml"))
    assert "http://testserver/sitemap-articles.xml?p=2" in index
    second = xml(client, "/sitemap-articles.xml?p=2")
    assert locs(second) == [f"http://testserver{site['live'].get_absolute_url()}"]


@pytest.mark.django_db
def test_news_sitemap_lists_the_last_two_days(client, site):
    document = xml(client, "/sitemap-news.xml")
    # No schema of Google's extension is at hand: check the urlset without it,
    # and the news elements one by one below.
    bare = etree.fromstring(etree.tostring(document))
    for news in bare.xpath("//n:news", namespaces=NS):
        news.getparent().remove(news)
    assert xml_schema("sitemap.xsd").validate(bare), xml_schema("sitemap.xsd").error_log
    (url,) = document.xpath("//s:url", namespaces=NS)
    assert url.findtext("s:loc", namespaces=NS).endswith(
        site["recent"].get_absolute_url()
    )
    news = url.find("n:news", namespaces=NS)
    assert news.findtext("n:title", namespaces=NS) == "Recent & <new>"
    assert news.findtext("n:publication/n:name", namespaces=NS) == "Masthead"
    assert news.findtext("n:publication/n:language", namespaces=NS) == "en"
    datetime.datetime.fromisoformat(news.findtext("n:publication_date", namespaces=NS))


@pytest.mark.django_db
def test_news_sitemap_without_recent_news_is_not_an_empty_urlset(client, make_article):
    make_article(published_at=timezone.now() - datetime.timedelta(days=3))
    assert client.get("/sitemap-news.xml").status_code == 404


@pytest.mark.django_db
def test_robots_names_the_sitemaps_and_keeps_crawlers_out_of_the_newsroom(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    assert {"Disallow: /admin/", "Disallow: /preview/"} <= set(lines)
