"""The newsroom's article desk in the admin: write, find, schedule, publish."""

import datetime

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.articles.models import Article
from tests.plans import sqlite_plans, unindexed_reads


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


def add_form(section, author, **fields):
    return {
        "headline": "Council votes on the river plan",
        "slug": "council-votes",
        "section": section.pk,
        "standfirst": "",
        "body_source": "The council met on **Tuesday**.",
        "source_format": "markdown",
        "image_alt": "",
        "image_caption": "",
        "image_credit": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "comments_open": "on",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-author": author.pk,
        "bylines-0-position": "0",
        **fields,
    }


@pytest.mark.django_db
def test_editor_writes_a_draft_in_markdown(editor, make_section, make_author):
    section, author = make_section(), make_author()
    response = editor.post("/admin/articles/article/add/", add_form(section, author))
    assert response.status_code == 302
    article = Article.objects.get(slug="council-votes")
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert "<strong>Tuesday</strong>" in article.body_html
    assert article.byline == [author]


@pytest.mark.django_db
def test_publishing_without_a_time_publishes_now(editor, make_section, make_author):
    before = timezone.now()
    editor.post(
        "/admin/articles/article/add/",
        add_form(make_section(), make_author(), status="published"),
    )
    article = Article.objects.get(slug="council-votes")
    assert article.is_live
    assert before <= article.published_at <= timezone.now()


@pytest.mark.django_db
def test_publishing_with_a_future_time_schedules(
    editor, make_section, make_author, settings
):
    when = timezone.localtime(timezone.now() + datetime.timedelta(days=1))
    editor.post(
        "/admin/articles/article/add/",
        add_form(
            make_section(),
            make_author(),
            status="published",
            published_at_0=when.strftime("%Y-%m-%d"),
            published_at_1=when.strftime("%H:%M:%S"),
        ),
    )
    article = Article.objects.get(slug="council-votes")
    assert article.is_scheduled
    changelist = lxml.html.fromstring(
        editor.get("/admin/articles/article/?state=scheduled").content
    )
    assert changelist.xpath("//th[contains(@class,'field-headline')]//a/text()") == [
        "Council votes on the river plan"
    ]


@pytest.mark.django_db
def test_article_without_an_author_is_refused_and_keeps_the_text(
    editor, make_section, make_author
):
    form = add_form(make_section(), make_author())
    form["bylines-0-author"] = ""
    response = editor.post("/admin/articles/article/add/", form)
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content)
    (body,) = tree.xpath("//textarea[@name='body_source']/text()")
    assert body.strip() == "The council met on **Tuesday**."
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_changelist_filters_searches_and_links_to_drafts(editor, make_article):
    draft = make_article("Draft on floods", status=Article.Status.DRAFT)
    make_article("Published on fires")

    drafts = lxml.html.fromstring(
        editor.get("/admin/articles/article/?state=draft").content
    )
    found = lxml.html.fromstring(editor.get("/admin/articles/article/?q=fires").content)

    assert drafts.xpath("//th[contains(@class,'field-headline')]//a/text()") == [
        "Draft on floods"
    ]
    assert drafts.xpath("//td[contains(@class,'field-view_link')]/a/@href") == [
        draft.get_preview_url()
    ]
    assert found.xpath("//th[contains(@class,'field-headline')]//a/text()") == [
        "Published on fires"
    ]


@pytest.mark.django_db
def test_changelist_reads_no_bodies_and_still_searches_them(editor, make_article):
    make_article("On the river", body_source="The **ferry** stopped at noon.")
    make_article("On the road")
    with CaptureQueriesContext(connection) as queries:
        found = lxml.html.fromstring(
            editor.get("/admin/articles/article/?q=ferry").content
        )
    assert found.xpath("//th[contains(@class,'field-headline')]//a/text()") == [
        "On the river"
    ]
    # What each read of articles selects (before its FROM): never the bodies,
    # which sorting 100,000 articles for a page carried along.
    selected = [
        query["sql"].split(" FROM ")[0]
        for query in queries.captured_queries
        if ' FROM "articles_article"' in query["sql"]
    ]
    assert any('"articles_article"."headline"' in columns for columns in selected)
    assert not any("body_" in columns for columns in selected)


@pytest.mark.django_db
def test_publish_now_action_brings_a_draft_live(editor, make_article):
    draft = make_article(status=Article.Status.DRAFT, body_source="A **bold** move.")
    body_html = draft.body_html
    editor.post(
        "/admin/articles/article/",
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_live
    # Published from the list, read without its body: the body is kept whole.
    assert draft.body_source == "A **bold** move."
    assert draft.body_html == body_html and "<strong>bold</strong>" in body_html


@pytest.mark.django_db
def test_unpublish_action_hides_the_article_and_keeps_its_date(
    editor, make_article, client
):
    article = make_article()
    url, published_at = article.get_absolute_url(), article.published_at
    editor.post(
        "/admin/articles/article/",
        {"action": "unpublish", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at == published_at
    editor.logout()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_editing_a_live_article_marks_it_updated(editor, make_article):
    article = make_article()
    form = add_form(
        article.section,
        article.byline[0],
        headline="Corrected headline",
        slug=article.slug,
        status="published",
        published_at_0=timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
        published_at_1=timezone.localtime(article.published_at).strftime("%H:%M:%S"),
    )
    form.update(
        {
            "bylines-INITIAL_FORMS": "1",
            "bylines-0-id": article.bylines.get().pk,
            "bylines-0-article": article.pk,
        }
    )
    response = editor.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Corrected headline"
    assert article.updated_at is not None


@pytest.mark.django_db
def test_the_desk_lists_by_year_then_month_in_the_site_s_time_zone(
    editor, make_article, settings
):
    settings.TIME_ZONE = "Asia/Tbilisi"  # UTC+4
    utc = datetime.UTC
    # 22:00 UTC on 31 December is 02:00 on 1 January in Tbilisi.
    make_article(
        "New year", published_at=datetime.datetime(2024, 12, 31, 22, tzinfo=utc)
    )
    make_article(
        "Old year", published_at=datetime.datetime(2024, 12, 31, 19, tzinfo=utc)
    )
    make_article("March", published_at=datetime.datetime(2023, 3, 10, 12, tzinfo=utc))
    make_article("Undated draft", status=Article.Status.DRAFT)

    def listed(query):
        page = lxml.html.fromstring(
            editor.get(f"/admin/articles/article/{query}").content
        )
        headlines = page.xpath("//th[contains(@class,'field-headline')]//a/text()")
        choices = page.xpath(
            "//details[@data-filter-title='publication date']//a/text()"
        )
        return sorted(headlines), [choice.strip() for choice in choices]

    everything, years = listed("")
    assert len(everything) == 4
    assert years == ["All", "2025", "2024", "2023"]
    assert listed("?published=2025")[0] == ["New year"]
    assert listed("?published=2024")[0] == ["Old year"]
    headlines, choices = listed("?published=2023")
    assert headlines == ["March"]
    assert choices[:4] == ["All", "2025", "2024", "2023"]
    assert choices[4:6] == ["January 2023", "February 2023"] and len(choices) == 16
    assert listed("?published=2023-03")[0] == ["March"]
    assert listed("?published=2023-02")[0] == []
    assert listed("?published=2024-12")[0] == ["Old year"]
    for wrong in ("2023-13", "year", "2023-3-1", "0", "99999999999999999999"):
        assert listed(f"?published={wrong}")[0] == [], wrong


@pytest.mark.django_db
def test_the_desk_reads_articles_through_indexes_only(editor, make_article):
    for n in range(3):
        make_article(f"Story {n}")
    make_article("A draft", status=Article.Status.DRAFT)
    plans = sqlite_plans(lambda: editor.get("/admin/articles/article/"))
    reads = {sql: plan for sql, plan in plans.items() if '"articles_article"' in sql}
    # The list in the desk's order, its count, and the years' first and last:
    # none sorts the articles or reads their table whole (the date hierarchy
    # did, through a date function on every article).
    assert reads
    assert unindexed_reads(reads, "articles_article") == []
