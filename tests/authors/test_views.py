"""Author pages: photo, bio, links and their published articles."""

import lxml.html
import pytest

from masthead.articles.models import Article
from masthead.authors.models import AuthorLink


@pytest.mark.django_db
def test_author_page_shows_profile_links_and_articles(
    client, make_author, make_article
):
    author = make_author("Mariam Said", bio="Reports on water and drought.")
    AuthorLink.objects.create(
        author=author, label="Website", url="https://example.org/m"
    )
    make_article("Her story", authors=[author])
    make_article("Her draft", authors=[author], status=Article.Status.DRAFT)
    make_article("Someone else's story")

    tree = lxml.html.fromstring(client.get(author.get_absolute_url()).content)

    assert tree.xpath("//h1/text()") == ["Mariam Said"]
    assert tree.xpath("//p[@class='author-profile__bio']/text()") == [
        "Reports on water and drought."
    ]
    assert tree.xpath("//ul[@class='author-profile__links']//a/@href") == [
        "https://example.org/m"
    ]
    assert [h.text_content() for h in tree.xpath("//h3[@class='card__headline']")] == [
        "Her story"
    ]


@pytest.mark.django_db
def test_guest_author_needs_no_login(make_author):
    assert make_author("Guest Writer").user is None
