"""The reader pages' template helpers that remember what they work out."""

from django.urls import reverse, set_script_prefix

from masthead.templating import url


def test_url_is_reverse_for_any_arguments():
    assert url("articles:home") == reverse("articles:home") == "/"
    assert url("comments:create", 850) == reverse("comments:create", args=[850])
    assert url("comments:create", "851") == "/comments/851/"


def test_url_follows_the_script_prefix():
    url("articles:home")  # remembered under "/"
    set_script_prefix("/news/")
    try:
        assert url("articles:home") == "/news/"
        assert url("comments:create", 850) == "/news/comments/850/"
    finally:
        set_script_prefix("/")
    assert url("articles:home") == "/"


def test_url_follows_a_new_urlconf(settings):
    assert url("articles:home") == "/"
    settings.ROOT_URLCONF = "tests.urls_moved"
    assert url("articles:home") == "/moved/"
