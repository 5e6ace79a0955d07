"""The reader pages' template helpers: addresses and dates, worked out quickly."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse, set_script_prefix

from masthead.templating import date_text, dates_writer, iso_datetime, url


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


MOMENTS = [
    datetime(2026, 11, 27, 8, 30, 5, 999_999, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # an hour before London's change
    datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),  # the change
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # the hour London repeats
    datetime(1835, 6, 1, 12, 0, tzinfo=UTC),  # local mean time: seconds in the offset
    datetime(9, 1, 1, 0, 0, 1, tzinfo=UTC),  # a year of one digit
]
ZONES = ["UTC", "Europe/London", "Europe/Amsterdam", "Asia/Kolkata",
         "America/St_Johns", "Pacific/Chatham", "Asia/Kathmandu"]  # fmt: skip


@pytest.mark.parametrize("zone", ZONES)
def test_iso_dates_are_what_isoformat_writes(settings, zone):
    settings.TIME_ZONE = zone
    for moment in MOMENTS:
        local = moment.astimezone(ZoneInfo(zone))
        expected = local.isoformat(timespec="seconds")
        assert iso_datetime(moment) == expected
        assert dates_writer("said")(moment)[0] == expected


@pytest.mark.parametrize(
    ("style", "written"),
    [
        ("date", "27 November 2026"),
        ("minute", "27 November 2026, 09:05"),
        ("said", "27 November 2026 at 09:05"),
    ],
)
def test_dates_are_written_in_the_sites_zone_and_language(settings, style, written):
    settings.TIME_ZONE = "Europe/Amsterdam"  # one hour ahead of UTC in November
    moment = datetime(2026, 11, 27, 8, 5, 59, tzinfo=UTC)
    assert date_text(moment, style) == written
    assert dates_writer(style)(moment) == ("2026-11-27T09:05:59+01:00", written)
    settings.LANGUAGE_CODE = "de"
    assert date_text(datetime(2026, 3, 2, 12, tzinfo=UTC), "date") == "2 März 2026"
