"""bench/run.py: how a case's rounds become its figures."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import run  # noqa: E402


def round_of(rps, ratio, p99):
    return {"rps": rps, "p50_ms": 0.2, "p99_ms": p99, "ratio": ratio, "non_2xx": 0}


def test_the_median_round_by_ratio_with_the_median_tail():
    runs = [round_of(900, 0.45, 0.6), round_of(1000, 0.50, 8.1),
            round_of(1100, 0.55, 1.2)]  # fmt: skip
    figures = run.summary(runs)
    # The round with the median ratio gives the rate...
    assert (figures["rps"], figures["ratio"]) == (1000, 0.50)
    # ...but not its hiccup of a tail: the rounds' median p99 does.
    assert figures["p99_ms"] == 1.2
    assert figures["all_ratios"] == [0.45, 0.50, 0.55]
    assert figures["all_p99_ms"] == [0.6, 8.1, 1.2]


def test_an_even_number_of_rounds():
    runs = [round_of(1000, 0.5, 1.0), round_of(1000, 0.6, 3.0)]
    figures = run.summary(runs)
    assert figures["ratio"] == 0.6  # the upper of the two middle rounds
    assert figures["p99_ms"] == 2.0


def test_one_round_is_its_own_summary():
    figures = run.summary([round_of(500, 0.3, 4.5)])
    assert (figures["rps"], figures["p99_ms"]) == (500, 4.5)
