"""publish-files: the site written as files, then kept current change by change."""

import datetime
import gzip
import time

import brotli
import pytest
from django.utils import timezone

from masthead.articles.models import Article, ArticleAuthor, Tag
from masthead.articles.services import article_publish, article_unpublish
from masthead.comments.models import Comment
from masthead.comments.services import comments_moderate
from masthead.publishing import build
from masthead.publishing.build import Watcher, build_all
from masthead.publishing.writer import file_for


@pytest.fixture
def site_dir(tmp_path, settings, in_process_requests):
    settings.MASTHEAD_SITE_URL = "https://news.example.org"
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.STATIC_ROOT = tmp_path / "collected"
    (tmp_path / "collected" / "masthead").mkdir(parents=True)
    (tmp_path / "collected" / "masthead" / "site.css").write_text("body{}")
    return tmp_path / "site"


def read(site_dir, path, content_type="text/html") -> str:
    return (site_dir / file_for(path, content_type)).read_text()


@pytest.mark.parametrize(
    ("path", "content_type", "expected"),
    [
        ("/", "text/html; charset=utf-8", "index.html"),
        ("/2026/11/24/a-story/", "text/html", "2026/11/24/a-story/index.html"),
        ("/feed/", "application/rss+xml; charset=utf-8", "feed/index.rss"),
        ("/feed/atom/", "application/atom+xml", "feed/atom/index.atom"),
        ("/feed.json", "application/feed+json", "feed.json"),
        ("/sitemap.xml", "application/xml", "sitemap.xml"),
    ],
)
def test_each_address_has_one_file_nginx_can_find(path, content_type, expected):
    assert file_for(path, content_type) == expected


def test_a_path_cannot_leave_the_folder():
    with pytest.raises(ValueError):
        file_for("/../../etc/passwd/", "text/html")


def test_full_build_writes_what_readers_get(site_dir, client, make_article, settings):
    settings.MASTHEAD_FILES_BROTLI = True
    article = make_article("Harbour reopens", tags=["Ports"])
    draft = make_article("Not yet", status=Article.Status.DRAFT)
    counts = build_all(site_dir, processes=1, report=lambda _: None)
    assert counts["written"] > 10
    url = article.get_absolute_url()
    page = read(site_dir, url)
    served = client.get(url, HTTP_HOST="news.example.org", secure=True)
    assert page == served.content.decode()
    # Rendered with only the middleware a file needs: the same bytes.
    home = client.get("/", HTTP_HOST="news.example.org", secure=True)
    assert read(site_dir, "/") == home.content.decode()
    assert "Harbour reopens" in read(site_dir, "/")
    assert "Harbour reopens" in read(site_dir, "/feed/", "application/rss+xml")
    assert "https://news.example.org" + url in read(site_dir, "/sitemap-articles.xml")
    assert (site_dir / "static" / "masthead" / "site.css").exists()
    name = site_dir / file_for(url, "text/html")
    assert (
        gzip.decompress(name.with_name("index.html.gz").read_bytes()) == page.encode()
    )
    assert (
        brotli.decompress(name.with_name("index.html.br").read_bytes()) == page.encode()
    )
    assert not (site_dir / file_for(draft.get_preview_url(), "text/html")).exists()
    assert not (site_dir / "admin").exists()
    # Nothing changed: a second build writes nothing.
    again = build_all(site_dir, processes=1, report=lambda _: None)
    assert again.get("written", 0) == 0


@pytest.fixture
def watcher(site_dir, make_article, monkeypatch):
    """A watcher whose every step writes all that its changes affect."""
    make_article("Older report")
    monkeypatch.setattr(build, "SLICE_SECONDS", 600)
    return Watcher(site_dir, processes=1, report=lambda _: None)


def test_nothing_changed_nothing_written(watcher):
    assert watcher.step() is None


def test_a_publication_reaches_the_files(watcher, site_dir, make_article):
    old = Article.objects.get()
    new = make_article("Dam holds", status=Article.Status.DRAFT, section=old.section)
    watcher.step()
    article_publish(article=Article.objects.get(pk=new.pk))
    counts = watcher.step()
    assert counts["written"] >= 4
    new.refresh_from_db()
    assert "Dam holds" in read(site_dir, new.get_absolute_url())
    assert "Dam holds" in read(site_dir, "/")
    assert "Dam holds" in read(site_dir, "/feed/", "application/rss+xml")
    assert "Dam holds" in read(site_dir, old.section.get_absolute_url())
    # The older article's "Latest articles" box names the new one.
    assert "Dam holds" in read(site_dir, old.get_absolute_url())


def test_unpublishing_removes_the_files(watcher, site_dir):
    article = Article.objects.get()
    path = site_dir / file_for(article.get_absolute_url(), "text/html")
    assert path.exists()
    article_unpublish(article=article)
    watcher.step()
    assert not path.exists()
    assert not path.with_name("index.html.gz").exists()
    assert "Older report" not in read(site_dir, "/")


def test_an_address_gone_is_removed_quietly(db, site_dir, caplog):
    import logging

    from masthead.publishing.targets import Target
    from masthead.publishing.writer import Publisher

    publisher = Publisher(site_dir)
    assert publisher.publish(Target("/sitemap-pages.xml")) == "skipped"  # no pages
    assert publisher.publish(Target("/no-such-page/")) == "skipped"
    assert not [r for r in caplog.records if r.name == "django.request"]
    # Only while publishing: a reader's 404 is logged as Django logs it.
    requests = logging.getLogger("django.request")
    assert not requests.filters
    requests.warning("Not Found: /x/", extra={"status_code": 404})
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert [r.status_code for r in logged] == [404]


def test_unpublishing_takes_the_article_off_its_listings(
    watcher, site_dir, make_article
):
    kept = Article.objects.get()
    gone = make_article("Retracted story", section=kept.section, tags=["Courts"],
                        authors=kept.byline)  # fmt: skip
    alone = make_article("Only one here", tags=["Harbours"])
    watcher.step()
    listings = [kept.section.get_absolute_url(), "/tag/courts/",
                kept.byline[0].get_absolute_url()]  # fmt: skip
    for url in listings:
        assert "Retracted story" in read(site_dir, url)
    article_unpublish(article=gone)
    article_unpublish(article=alone)
    watcher.step()
    for url in listings:
        assert "Retracted story" not in read(site_dir, url)
    # Listings left with no article: rewritten too (an empty page, not stale).
    for url in ("/tag/harbours/", alone.section.get_absolute_url()):
        assert "Only one here" not in read(site_dir, url)


def test_a_deleted_article_leaves_its_listings(watcher, site_dir, make_article):
    kept = Article.objects.get()
    doomed = make_article("Deleted story", section=kept.section, tags=["Ports"],
                          authors=kept.byline)  # fmt: skip
    make_article("Still here", tags=["Ports"])
    watcher.step()
    listings = [kept.section.get_absolute_url(), "/tag/ports/",
                kept.byline[0].get_absolute_url()]  # fmt: skip
    for url in listings:
        assert "Deleted story" in read(site_dir, url)
    doomed.delete()
    watcher.step()
    for url in listings:
        assert "Deleted story" not in read(site_dir, url), url


def test_a_listing_one_page_shorter_loses_its_last_page(
    watcher, site_dir, make_article, settings
):
    section = Article.objects.get().section
    per_page = settings.MASTHEAD_ARTICLES_PER_PAGE
    extra = [make_article(section=section) for _ in range(per_page)]
    watcher.step()
    last_page = site_dir / file_for(f"{section.get_absolute_url()}page/2/", "text/html")
    assert last_page.exists()
    article_unpublish(article=extra[0])
    watcher.step()
    assert not last_page.exists()


def test_a_listing_pages_shorter_loses_every_page_past_its_last(
    watcher, site_dir, make_article, settings
):
    section = Article.objects.get().section
    per_page = settings.MASTHEAD_ARTICLES_PER_PAGE
    extra = [make_article(section=section) for _ in range(3 * per_page)]
    watcher.step()
    pages = [site_dir / file_for(f"{section.get_absolute_url()}page/{n}/", "text/html")
             for n in (2, 3, 4)]  # fmt: skip
    assert all(page.exists() for page in pages)
    for article in extra[: per_page + 5]:  # a bulk unpublish: 4 pages to 2
        article_unpublish(article=article)
    watcher.step()
    assert pages[0].exists()
    assert not pages[1].exists() and not pages[2].exists()
    assert not pages[2].with_name("index.html.gz").exists()


def test_an_article_that_moves_leaves_its_old_listings(
    watcher, site_dir, make_article, make_section, make_author
):
    kept = Article.objects.get()
    old_section, old_author = kept.section, kept.byline[0]
    moving = make_article("Moving story", section=old_section, tags=["Ports", "Rail"],
                          authors=[old_author])  # fmt: skip
    # Where it goes exists already (a new section would rebuild everything).
    new_section, new_author = make_section("Business"), make_author("New Writer")
    make_article("Business as usual", section=new_section, authors=[new_author])
    watcher.step()
    old_listings = [old_section.get_absolute_url(), "/tag/ports/",
                    old_author.get_absolute_url()]  # fmt: skip
    for url in old_listings:
        assert "Moving story" in read(site_dir, url)
    moving.section = new_section
    moving.save()
    moving.tags.set([Tag.objects.get(name="Rail")])
    moving.bylines.all().delete()
    ArticleAuthor.objects.create(article=moving, author=new_author)
    counts = watcher.step()
    for url in old_listings:  # rewritten without it, or gone with the listing
        path = site_dir / file_for(url, "text/html")
        assert not path.exists() or "Moving story" not in read(site_dir, url), url
    for url in (new_section.get_absolute_url(), "/tag/rail/",
                new_author.get_absolute_url()):  # fmt: skip
        assert "Moving story" in read(site_dir, url), url
    assert counts["written"] < 40  # the listings involved, not the whole site


def test_a_new_change_goes_ahead_of_a_long_queue(
    watcher, site_dir, make_article, monkeypatch
):
    monkeypatch.setattr(build, "SLICE_SECONDS", 0)  # one address a step
    section = Article.objects.get().section
    for n in range(12):
        make_article(f"Background story {n}", section=section)
    watcher.step()
    # A publication: every article page's "Latest articles" must change.
    first = make_article("First scoop", status=Article.Status.DRAFT, section=section)
    article_publish(article=Article.objects.get(pk=first.pk))
    steps = 1
    watcher.step()
    while "First scoop" not in read(site_dir, "/"):
        watcher.step()
        steps += 1
    assert steps <= 2 and watcher.busy  # the home page first, the rest queued
    second = make_article("Second scoop", status=Article.Status.DRAFT,
                          section=section)  # fmt: skip
    article_publish(article=Article.objects.get(pk=second.pk))
    watcher.step()
    # The next step takes the new change in, and its home page goes first,
    # ahead of the article pages still queued for the first one.
    assert "Second scoop" in read(site_dir, "/")
    assert watcher.busy
    while watcher.busy:
        watcher.step()
    for article in Article.objects.published():
        page = read(site_dir, article.get_absolute_url())
        assert "Second scoop" in page or article.pk == second.pk, article.headline
    first.refresh_from_db()
    assert "Second scoop" in read(site_dir, first.get_absolute_url())
    assert watcher.step() is None


def test_an_approved_comment_rewrites_its_article_only(watcher, site_dir, make_comment):
    article = Article.objects.get()
    held = make_comment(article, status=Comment.Status.PENDING, body="Well said.")
    assert watcher.step() is None  # a held comment changes no page
    comments_moderate(comments=[held], status=Comment.Status.APPROVED)
    counts = watcher.step()
    assert "Well said." in read(site_dir, article.get_absolute_url())
    assert counts["written"] < 15


def test_an_author_rename_reaches_their_articles(watcher, site_dir):
    article = Article.objects.get()
    author = article.byline[0]
    author.name = "Renamed Writer"
    author.save()
    watcher.step()
    assert "Renamed Writer" in read(site_dir, article.get_absolute_url())
    assert "Renamed Writer" in read(site_dir, author.get_absolute_url())


def test_a_section_rename_rebuilds_every_page(watcher, site_dir):
    article = Article.objects.get()
    section = article.section
    section.name = "Renamed Desk"
    section.save()
    counts = watcher.step()
    assert counts["written"] >= 3  # the menus are on every page
    assert "Renamed Desk" in read(site_dir, article.get_absolute_url())
    assert "Renamed Desk" in read(site_dir, "/")


def test_a_scheduled_article_reaches_the_files_at_its_time(
    watcher, site_dir, make_article
):
    due = timezone.now() + datetime.timedelta(seconds=1)
    scheduled = make_article("Embargoed report", published_at=due)
    watcher.step()  # the change log: saved, but not yet public
    assert "Embargoed report" not in read(site_dir, "/")
    time.sleep(max((due - timezone.now()).total_seconds(), 0) + 0.1)
    watcher.step()  # the clock: it went live
    assert "Embargoed report" in read(site_dir, "/")
    assert (site_dir / file_for(scheduled.get_absolute_url(), "text/html")).exists()


def test_brotli_copies_only_when_asked_for(site_dir, make_article, settings):
    url = make_article("Harbour reopens").get_absolute_url()
    build_all(site_dir, processes=1, report=lambda _: None)
    name = site_dir / file_for(url, "text/html")
    assert name.with_name("index.html.gz").exists()
    assert not name.with_name("index.html.br").exists()  # nginx would not send it
    settings.MASTHEAD_FILES_BROTLI = True
    build_all(site_dir, processes=1, report=lambda _: None)  # no content change
    assert name.with_name("index.html.br").exists()
    settings.MASTHEAD_FILES_BROTLI = False
    build_all(site_dir, processes=1, report=lambda _: None)
    assert not name.with_name("index.html.br").exists()  # never a stale copy
