"""Reader pages for articles: what readers see, and what they must not."""

import datetime

import lxml.html
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from masthead.articles.models import Article


def page(response):
    """Parse a response's HTML with lxml."""
    return lxml.html.fromstring(response.content)


def texts(tree, xpath):
    return [" ".join(node.text_content().split()) for node in tree.xpath(xpath)]


@pytest.mark.django_db
def test_article_page_shows_what_a_reader_expects(client, make_article, make_author):
    writer = make_author("Zara Okafor", bio="Covers courts and prisons.")
    guest = make_author("Ilya Petrov")
    article = make_article(
        "Court hears the case",
        authors=[writer, guest],
        standfirst="Three days of testimony begin.",
        body_source="A [link](https://example.org).\n\n> A quote.\n\n" + "word " * 316,
        tags=["Justice"],
    )
    older = make_article(
        "Older story", published_at=timezone.now() - datetime.timedelta(days=3)
    )

    tree = page(client.get(article.get_absolute_url()))

    assert texts(tree, "//h1") == ["Court hears the case"]
    assert texts(tree, "//p[@class='article__section']/a") == [article.section.name]
    assert texts(tree, "//p[@class='article__standfirst']") == [
        "Three days of testimony begin."
    ]
    assert texts(tree, "//p[@class='byline']/a") == ["Zara Okafor", "Ilya Petrov"]
    assert tree.xpath("//p[@class='byline']/a/@href") == [
        writer.get_absolute_url(),
        guest.get_absolute_url(),
    ]
    # 4 + 2 + 2 + 316 = 324 words at 200 a minute: 97.2 s.
    assert texts(tree, "//p[@class='read-time']") == ["Read time: 1 minute, 37 seconds"]
    published = tree.xpath("//p[@class='dateline']/time/@datetime")[0]
    assert datetime.datetime.fromisoformat(published) == article.published_at.replace(
        microsecond=0
    )
    assert tree.xpath("//div[@class='article__body']//a/@href") == [
        "https://example.org"
    ]
    assert texts(tree, "//div[@class='article__body']//blockquote") == ["A quote."]
    assert texts(tree, "//section[@class='about-authors']/h2") == ["About the authors"]
    assert texts(tree, "//h3[@class='author-box__name']") == [
        "Zara Okafor",
        "Ilya Petrov",
    ]
    assert "Covers courts and prisons." in texts(
        tree, "//div[@class='author-box__text']/p"
    )
    assert texts(tree, "//aside[@class='latest-articles']/h2") == ["Latest articles"]
    assert texts(tree, "//aside[@class='latest-articles']//li/a") == ["Older story"]
    assert tree.xpath("//ul[@class='tags']//a/@href") == ["/tag/justice/"]
    assert older.get_absolute_url() in tree.xpath("//aside//a/@href")


@pytest.mark.django_db
def test_article_url_is_year_month_day_slug_in_site_time_zone(make_article, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    published_at = datetime.datetime(2026, 11, 23, 20, 0, tzinfo=datetime.UTC)
    article = make_article(published_at=published_at, slug="late-news")

    # 20:00 UTC is already the 24th in Tokyo.
    assert article.get_absolute_url() == "/2026/11/24/late-news/"
    # The address is formatted for speed; it must be what the URLconf reverses.
    assert article.get_absolute_url() == reverse(
        "articles:detail",
        kwargs={"year": 2026, "month": "11", "day": "24", "slug": "late-news"},
    )


@pytest.mark.django_db
def test_section_tag_and_author_urls_are_what_the_urlconf_reverses(make_article):
    article = make_article(tags=["Human rights"])
    section, tag, author = article.section, article.tags.get(), article.byline[0]
    # Formatted for speed, like the article's address.
    assert section.get_absolute_url() == reverse(
        "articles:section", kwargs={"slug": section.slug}
    )
    assert tag.get_absolute_url() == reverse("articles:tag", kwargs={"slug": tag.slug})
    assert author.get_absolute_url() == reverse(
        "authors:detail", kwargs={"slug": author.slug}
    )


@pytest.mark.django_db
def test_article_under_a_wrong_date_redirects_permanently(client, make_article):
    article = make_article()
    response = client.get(f"/1999/01/01/{article.slug}/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.django_db
def test_edited_article_shows_updated_time(client, make_article):
    article = make_article(updated_at=timezone.now())
    tree = page(client.get(article.get_absolute_url()))
    assert texts(tree, "//span[@class='dateline__updated']")[0].startswith("Updated ")


@pytest.mark.django_db
def test_latest_articles_are_the_five_newest_others(client, make_article):
    now = timezone.now()
    article = make_article(published_at=now - datetime.timedelta(minutes=1))
    for hours in range(1, 8):
        make_article(
            f"Story {hours}", published_at=now - datetime.timedelta(hours=hours)
        )
    make_article("Draft story", status=Article.Status.DRAFT)

    tree = page(client.get(article.get_absolute_url()))

    assert texts(tree, "//aside[@class='latest-articles']//li/a") == [
        f"Story {hours}" for hours in range(1, 6)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("extra_authors", [0, 6])
def test_article_page_queries_do_not_grow_with_data(
    client, django_assert_num_queries, make_article, make_author, extra_authors
):
    authors = [make_author() for _ in range(1 + extra_authors)]
    article = make_article(
        authors=authors, tags=[f"t{n}" for n in range(extra_authors)]
    )
    for _ in range(extra_authors * 2):
        make_article(authors=authors)
    # article + section, bylines + authors, tags, comments; the first view in a
    # content generation also reads the latest articles and the two menus, and
    # asks when the clock next changes the site.
    with django_assert_num_queries(4 + 4):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    with django_assert_num_queries(4):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + datetime.timedelta(hours=2)},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_article_is_hidden_everywhere(client, make_article, state):
    hidden = make_article("Hidden story", tags=["Secret"], **state)
    visible = make_article("Visible story", section=hidden.section, tags=["Secret"])
    author = hidden.byline[0]
    hidden_url = f"/2026/01/01/{hidden.slug}/"

    assert client.get(hidden_url).status_code == 404
    for url in [
        "/",
        hidden.section.get_absolute_url(),
        "/tag/secret/",
        author.get_absolute_url(),
        visible.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Hidden story" not in response.content.decode(), url


@pytest.mark.django_db
def test_scheduled_article_appears_by_itself_when_its_time_comes(
    client, make_article, monkeypatch
):
    publish_at = timezone.now() + datetime.timedelta(hours=1)
    article = make_article("Embargoed", published_at=publish_at)
    assert client.get(article.get_absolute_url()).status_code == 404

    later = publish_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert client.get(article.get_absolute_url()).status_code == 200
    assert texts(page(client.get("/")), "//h2[@class='card__headline']") == [
        "Embargoed"
    ]


@pytest.mark.django_db
def test_draft_preview_is_for_staff_only(client, make_article, admin_user):
    draft = make_article("Work in progress", status=Article.Status.DRAFT)

    response = client.get(draft.get_preview_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

    client.force_login(admin_user)
    tree = page(client.get(draft.get_preview_url()))
    assert texts(tree, "//h1") == ["Work in progress"]
    assert "a draft" in texts(tree, "//p[@class='preview-banner']")[0]
    assert tree.xpath("//meta[@name='robots']/@content") == ["noindex, nofollow"]


@pytest.mark.django_db
def test_home_shows_the_lead_then_the_latest(client, make_article):
    now = timezone.now()
    lead = make_article(
        "The lead", is_lead=True, published_at=now - datetime.timedelta(days=2)
    )
    newest = make_article("Newest", published_at=now - datetime.timedelta(minutes=5))
    make_article("Older", published_at=now - datetime.timedelta(days=1))

    tree = page(client.get("/"))

    assert texts(tree, "//section[@class='lead']//h2") == ["The lead"]
    assert texts(tree, "//section[@class='latest']//h3") == ["Newest", "Older"]
    assert lead.get_absolute_url() in tree.xpath("//section[@class='lead']//a/@href")
    assert newest.get_absolute_url() in tree.xpath(
        "//section[@class='latest']//a/@href"
    )


@pytest.mark.django_db
def test_without_a_lead_the_newest_article_leads(client, make_article):
    now = timezone.now()
    make_article("Newest", published_at=now - datetime.timedelta(minutes=5))
    make_article("Older", published_at=now - datetime.timedelta(days=1))
    tree = page(client.get("/"))
    assert texts(tree, "//section[@class='lead']//h2") == ["Newest"]
    assert texts(tree, "//section[@class='latest']//h3") == ["Older"]


@pytest.mark.django_db
def test_home_with_no_articles_says_so(client):
    tree = page(client.get("/"))
    assert texts(tree, "//p[@class='empty']") == [
        "No articles have been published here yet."
    ]


@pytest.mark.django_db
def test_listings_paginate_with_rel_prev_next(
    client, make_article, make_section, settings
):
    settings.MASTHEAD_ARTICLES_PER_PAGE = 2
    section = make_section("World")
    now = timezone.now()
    for n in range(5):
        make_article(
            f"World {n}",
            section=section,
            published_at=now - datetime.timedelta(hours=n),
        )
    base = section.get_absolute_url()

    first = page(client.get(base))
    second = page(client.get(f"{base}page/2/"))
    last = page(client.get(f"{base}page/3/"))

    assert texts(first, "//h2[@class='card__headline']") == ["World 0", "World 1"]
    assert first.xpath("//link[@rel='prev']") == []
    assert first.xpath("//link[@rel='next']/@href") == [f"{base}page/2/"]
    assert texts(second, "//h2[@class='card__headline']") == ["World 2", "World 3"]
    assert second.xpath("//link[@rel='prev']/@href") == [base]
    assert second.xpath("//a[@rel='next']/@href") == [f"{base}page/3/"]
    assert texts(last, "//h2[@class='card__headline']") == ["World 4"]
    assert last.xpath("//link[@rel='next']") == []
    assert client.get(f"{base}page/4/").status_code == 404
    assert client.get(f"{base}page/1/").status_code == 404


@pytest.mark.django_db
def test_home_page_two_has_no_lead(client, make_article, settings):
    settings.MASTHEAD_ARTICLES_PER_PAGE = 1
    now = timezone.now()
    for n in range(3):
        make_article(f"Story {n}", published_at=now - datetime.timedelta(hours=n))
    tree = page(client.get("/page/2/"))
    assert tree.xpath("//section[@class='lead']") == []
    assert texts(tree, "//section[@class='latest']//h3") == ["Story 2"]
    assert tree.xpath("//link[@rel='prev']/@href") == ["/"]


@pytest.mark.django_db
def test_tag_page_lists_tagged_articles(client, make_article):
    make_article("Tagged", tags=["Climate"])
    make_article("Untagged")
    tree = page(client.get("/tag/climate/"))
    assert texts(tree, "//h1") == ["Climate"]
    assert texts(tree, "//h2[@class='card__headline']") == ["Tagged"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/section/nope/", "/tag/nope/", "/author/nope/", "/nope/"]
)
def test_unknown_listing_is_the_sites_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert texts(page(response), "//h1") == ["Page not found"]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["home", "section", "tag", "author"])
def test_listing_queries_do_not_grow_with_data(
    client, django_assert_num_queries, make_article, make_author, make_section, url_name
):
    section = make_section()
    author = make_author()
    for _ in range(12):
        make_article(section=section, authors=[author, make_author()], tags=["Busy"])
    url = {
        "home": "/",
        "section": section.get_absolute_url(),
        "tag": "/tag/busy/",
        "author": author.get_absolute_url(),
    }[url_name]
    # Page 1: the object (home: the lead and its bylines), the page, its
    # bylines. Deeper pages: the object (home: none), the page, its bylines.
    warm = {"home": (4, 2), "section": (3, 3), "tag": (3, 3), "author": (4, 4)}
    first, deeper = warm[url_name]
    # The first view of a page in a content generation also counts the
    # listing and reads its newest ids (page 1), or reads its order (deeper
    # pages); the first of all also reads the two menus and asks when the
    # clock next changes the site, and the home page finds its lead (no
    # article is marked lead here, so the newest is looked up too). Then none.
    cold = 7 if url_name == "home" else 5
    for page, extra, queries in ((url, cold, first), (f"{url}page/2/", 1, deeper)):
        with django_assert_num_queries(queries + extra):
            assert client.get(page).status_code == 200
        with django_assert_num_queries(queries):
            assert client.get(page).status_code == 200
    for _ in range(30):
        make_article(section=section, authors=[author, make_author()], tags=["Busy"])
    cache.clear()  # the stored counts and page starts go too
    for page, extra, queries in ((url, cold, first), (f"{url}page/4/", 1, deeper)):
        with django_assert_num_queries(queries + extra):
            assert client.get(page).status_code == 200
        with django_assert_num_queries(queries):
            assert client.get(page).status_code == 200


@pytest.mark.django_db
def test_text_from_the_newsroom_is_escaped_on_every_reader_page(
    client, make_article, make_author, make_section
):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    author = make_author(f"Writer {hostile}", bio=f"Bio {hostile}")
    section = make_section(f"World {hostile}", description=f"About {hostile}")
    article = make_article(
        f"Headline {hostile}",
        section=section,
        authors=[author],
        tags=[f"Tag {hostile}"],
        standfirst=f"Standfirst {hostile}",
    )
    tag = article.tags.get()
    urls = ["/", article.get_absolute_url(), section.get_absolute_url(),
            tag.get_absolute_url(), author.get_absolute_url()]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        tree = page(response)
        # Printed as text, never as markup.
        assert not tree.xpath("//body//script[contains(., 'alert')]"), url
        assert not tree.xpath("//img[@onerror]"), url
        assert hostile in response.content.decode().replace("&lt;", "<").replace(
            "&gt;", ">"
        ).replace("&#34;", '"'), url
