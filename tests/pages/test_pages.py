"""Static pages: their own addresses, the footer menu, reserved slugs."""

import lxml.html
import pytest

from masthead.pages.admin import PageForm
from masthead.pages.models import Page


@pytest.mark.django_db
def test_static_page_has_its_own_address_and_is_in_the_footer(client):
    Page.objects.create(title="About us", slug="about", body_source="We **report**.")
    tree = lxml.html.fromstring(client.get("/about/").content)
    assert tree.xpath("//h1/text()") == ["About us"]
    assert tree.xpath("//div[@class='article__body']//strong/text()") == ["report"]
    assert tree.xpath("//footer//nav//a/@href") == ["/about/"]


@pytest.mark.django_db
def test_unpublished_page_is_not_found(client):
    Page.objects.create(title="Hidden", slug="hidden", is_published=False)
    assert client.get("/hidden/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["admin", "media"])
def test_page_slug_taken_by_another_route_is_refused(slug):
    form = PageForm(
        data={"title": "X", "slug": slug, "source_format": "markdown", "position": 0}
    )
    assert not form.is_valid()
    assert form.errors.as_data()["slug"][0].code == "reserved"


@pytest.mark.django_db
def test_page_slug_free_of_other_routes_is_accepted():
    form = PageForm(
        data={
            "title": "X",
            "slug": "contact",
            "source_format": "markdown",
            "position": 0,
        }
    )
    assert form.is_valid(), form.errors
