"""Article model rules that hold whatever creates the article."""

import pytest

from masthead.articles.models import Article


@pytest.mark.django_db
def test_an_article_saved_without_a_slug_gets_one(make_section):
    latin = Article(headline="Dam holds after the storm", section=make_section())
    latin.save()
    cyrillic = Article(headline="Плотина выдержала", section=latin.section)
    cyrillic.save()
    assert latin.slug == "dam-holds-after-the-storm"
    assert cyrillic.slug.startswith("article-")
    assert cyrillic.get_absolute_url()
