"""Read time: how long an article takes to read ("Read time: 1 minute, 37 seconds").

The rule, computed once when an article is saved:

- words of the headline and the body text (markup stripped), at
  ``words_per_minute`` (default 200); a word is a run of non-space characters
  holding at least one letter or digit, so a lone dash is not a word;
- Chinese, Japanese and Korean characters, written without spaces between
  words, counted one by one at ``cjk_characters_per_minute`` (default 500);
- plus time for images, Medium's published rule: 12 seconds for the first
  image, one second less for each next one, never under 3 seconds;
- rounded to the nearest second, halves up.
"""

import re
from functools import lru_cache

from django.utils.translation import get_language, ngettext

# Han ideographs (with extensions A–G and compatibility forms), Hiragana,
# Katakana, Hangul syllables and Jamo. CJK punctuation is not in these ranges,
# so "。" and "、" are not counted as characters read.
CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u309f\u30a0-\u30ff\u3130-\u318f\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
WORD = re.compile(r"\S*[^\W_]\S*")


def image_seconds(count: int) -> int:
    """Return seconds for `count` images: 12 for the first, 1 less each next, ≥ 3."""
    return sum(max(12 - i, 3) for i in range(count))


def count_words(text: str) -> tuple[int, int]:
    """Return (words, CJK characters) in `text`; CJK characters are not words."""
    cjk_characters = len(CJK.findall(text))
    words = len(WORD.findall(CJK.sub(" ", text)))
    return words, cjk_characters


def read_time_seconds(
    text: str,
    *,
    image_count: int = 0,
    words_per_minute: int = 200,
    cjk_characters_per_minute: int = 500,
) -> int:
    """Return the seconds needed to read `text` and look at `image_count` images.

    Raise ValueError when a reading speed is not positive.
    """
    if words_per_minute <= 0 or cjk_characters_per_minute <= 0:
        raise ValueError("reading speeds must be positive")
    words, cjk_characters = count_words(text)
    seconds = (
        words * 60 / words_per_minute
        + cjk_characters * 60 / cjk_characters_per_minute
        + image_seconds(image_count)
    )
    return int(seconds + 0.5)


def format_read_time(seconds: int) -> str:
    """Return `seconds` as "1 minute, 37 seconds", "45 seconds" or "3 minutes".

    Kept per language: a listing prints ten, each three translation lookups.
    """
    return _read_time(seconds, get_language())


@lru_cache(maxsize=4096)
def _read_time(seconds: int, language: str) -> str:
    minutes, seconds = divmod(seconds, 60)
    minutes_text = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {
        "count": minutes
    }
    seconds_text = ngettext("%(count)d second", "%(count)d seconds", seconds) % {
        "count": seconds
    }
    if not minutes:
        return seconds_text
    if not seconds:
        return minutes_text
    return ngettext("%(minutes)s, %(seconds)s", "%(minutes)s, %(seconds)s", seconds) % {
        "minutes": minutes_text,
        "seconds": seconds_text,
    }
