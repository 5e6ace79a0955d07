"""Read time: the rule and the way it is written."""

import pytest

from masthead.text.readtime import (
    count_words,
    format_read_time,
    image_seconds,
    read_time_seconds,
)


@pytest.mark.parametrize(
    ("count", "seconds"),
    [(0, 0), (1, 12), (2, 23), (3, 33), (10, 75), (12, 81), (13, 84)],
)
def test_image_seconds_follow_mediums_rule(count, seconds):
    assert image_seconds(count) == seconds


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (45, "45 seconds"),
        (59, "59 seconds"),
        (60, "1 minute"),
        (61, "1 minute, 1 second"),
        (97, "1 minute, 37 seconds"),
        (120, "2 minutes"),
        (121, "2 minutes, 1 second"),
        (180, "3 minutes"),
        (3600, "60 minutes"),
    ],
)
def test_read_time_is_written_in_minutes_and_seconds(seconds, text):
    assert format_read_time(seconds) == text


@pytest.mark.parametrize(
    ("text", "images", "seconds"),
    [
        ("", 0, 0),  # empty body
        ("word", 0, 0),  # 0.3 s rounds down
        ("two words", 0, 1),  # 0.6 s rounds up
        ("word " * 200, 0, 60),  # exactly one minute
        ("word " * 324, 0, 97),  # 97.2 s
        ("word " * 325, 0, 98),  # 97.5 s: halves round up
        ("", 1, 12),
        ("word " * 200, 2, 83),
    ],
)
def test_read_time_seconds(text, images, seconds):
    assert read_time_seconds(text, image_count=images) == seconds


def test_twenty_images_count_three_seconds_each_after_the_tenth():
    assert read_time_seconds("", image_count=20) == 75 + 10 * 3


@pytest.mark.parametrize(
    ("text", "words", "cjk"),
    [
        ("", 0, 0),
        ("   \n\t ", 0, 0),
        ("One", 1, 0),
        ("Hello, world — again.", 3, 0),  # the dash alone is not a word
        ("Правозащитники сообщили о новых задержаниях", 5, 0),
        ("記者が現地から報告した。", 0, 11),  # 。is punctuation, not read
        ("人权组织发表报告", 0, 8),
        ("서울에서 기자회견", 0, 8),
        ("Hello 世界 world", 2, 2),
        ("Report: 東京 and Москва, 2026", 4, 2),
    ],
)
def test_count_words_counts_cjk_characters_apart(text, words, cjk):
    assert count_words(text) == (words, cjk)


def test_cyrillic_is_read_at_the_word_speed():
    assert read_time_seconds("слово " * 200) == 60


def test_cjk_is_read_at_the_character_speed():
    assert read_time_seconds("字" * 500) == 60


def test_mixed_scripts_add_up():
    # 100 words at 200/min (30 s) + 250 characters at 500/min (30 s).
    assert read_time_seconds("word " * 100 + "字" * 250) == 60


def test_speeds_are_configurable():
    text = "word " * 300 + "字" * 300
    assert (
        read_time_seconds(text, words_per_minute=300, cjk_characters_per_minute=600)
        == 90
    )


@pytest.mark.parametrize(
    "speeds", [{"words_per_minute": 0}, {"cjk_characters_per_minute": -1}]
)
def test_a_speed_that_is_not_positive_is_refused(speeds):
    with pytest.raises(ValueError):
        read_time_seconds("text", **speeds)
