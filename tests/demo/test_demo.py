"""The demo newsroom: complete, original, and loaded only once."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from masthead.articles.models import Article, Section
from masthead.authors.models import Author
from masthead.demo.images import picture_jpeg, portrait_jpeg
from masthead.demo.loader import demo_load
from masthead.pages.models import Page
from masthead.text.readtime import count_words


def run_demo():
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loading_twice_adds_nothing_and_shows_the_password_once():
    first = run_demo()
    counts = [model.objects.count() for model in (Article, Author, Section, Page)]
    second = run_demo()
    assert [
        model.objects.count() for model in (Article, Author, Section, Page)
    ] == counts
    assert "password: " in first
    assert "password: " not in second
    assert "masthead changepassword admin" in second


@pytest.mark.django_db
def test_second_load_leaves_an_editors_changes_alone():
    demo_load()
    article = Article.objects.get(slug="how-we-verify-videos-readers-send")
    article.headline = "Edited by the desk"
    article.save()
    demo_load()
    article.refresh_from_db()
    assert article.headline == "Edited by the desk"


@pytest.mark.django_db
def test_demo_has_every_kind_of_content():
    demo_load()
    published = Article.objects.published()
    assert published.count() >= 12
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1
    assert sum(article.is_scheduled for article in Article.objects.all()) == 1
    assert (Author.objects.count(), Section.objects.count(), Page.objects.count()) == (
        3,
        3,
        2,
    )
    assert all(author.photo and author.bio for author in Author.objects.all())
    assert published.filter(is_lead=True).count() == 1
    assert any(count_words(a.body_html)[1] > 200 for a in published)  # CJK
    assert published.filter(headline__regex=r"[А-Яа-я]").exists()  # Russian
    media = published.get(
        slug="river-towns-count-cost-of-summer-without-rain"
    ).body_html
    assert media.count('class="figure"') == 2
    assert 'data-embed-provider="youtube"' in media
    assert published.filter(bylines__position=1).exists()  # two authors


def test_pictures_are_jpegs_drawn_the_same_every_time():
    spec = {
        "width": 320,
        "height": 180,
        "seed": 3,
        "palette": ["#112233", "#445566", "#778899", "#aabbcc"],
    }
    for kind in ["landscape", "city", "harbour", "abstract"]:
        data = picture_jpeg(kind=kind, **spec)
        assert data == picture_jpeg(kind=kind, **spec)
        assert Image.open(io.BytesIO(data)).format == "JPEG"
    assert portrait_jpeg(seed=1, hue=10) == portrait_jpeg(seed=1, hue=10)
    assert portrait_jpeg(seed=1, hue=10) != portrait_jpeg(seed=2, hue=10)
