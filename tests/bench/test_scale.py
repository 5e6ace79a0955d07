"""bench/scale.py: how a case's rounds on the two sites become its figures."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import run  # noqa: E402
import scale  # noqa: E402


def rounds(*pairs):
    return [{"rps": rps, "p50_ms": 0.4, "p99_ms": p99} for rps, p99 in pairs]


def test_both_ratios_of_the_tails_and_the_ratio_of_the_rates():
    small = rounds((1000, 1.0), (1000, 2.0), (1000, 3.0))
    large = rounds((900, 3.0), (1100, 1.0), (1000, 6.0))
    figures = scale.compared(small, large)
    # Each site's median p99 (2.0 and 3.0), then their ratio...
    assert (figures["p99_small_ms"], figures["p99_large_ms"]) == (2.0, 3.0)
    assert figures["p99_ratio"] == 1.5
    # ...and the median of the rounds' own ratios (3.0, 0.5, 2.0).
    assert figures["p99_ratio_of_rounds"] == 2.0
    assert figures["rps_ratio"] == 1.0


def test_rounds_missing_on_one_site_are_an_error():
    with pytest.raises(ValueError):
        scale.compared(rounds((1000, 1.0)), rounds((1000, 1.0), (1000, 2.0)))


def test_both_sites_measure_the_same_pages_under_the_same_names():
    urls = {"article": "/a/", "section": "/s/", "section_deep": "/s/page/18/",
            "section_deep_number": "18"}  # fmt: skip
    small = scale.page_cases(urls, 1, 2, Path("post.lua"), scale.DEEP)
    deeper = {**urls, "section_deep": "/s/page/1944/", "section_deep_number": "1944"}
    large = scale.page_cases(deeper, 3, 4, Path("post.lua"), scale.DEEP)
    assert [case[0] for case in small] == [case[0] for case in large]
    # run.py names the deep page by its number; its other pages are the same.
    alone = run.page_cases(urls, 1, 2, Path("post.lua"))
    assert alone[5][0] == "section page 18, cache miss"
    assert [c for i, c in enumerate(alone) if i != 5] == [
        c for i, c in enumerate(small) if i != 5
    ]
