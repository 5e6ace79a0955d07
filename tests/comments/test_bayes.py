"""The naive Bayes model behind the learned filter, and its quality bar."""

import sys
from pathlib import Path

import pytest

from masthead.comments.spam.bayes import BayesModel, tokenize

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from spamgen import comments  # noqa: E402


def test_tokens_are_lowercased_words_hosts_and_markers():
    tokens = tokenize("Visit WWW.Casino-Spins.example.NET now for $500 FREE")
    assert "url:casino-spins.example.net" in tokens
    assert "visit" in tokens and "free" in tokens
    assert "has:shouting" in tokens  # FREE
    assert "has:money" in tokens
    assert "links:1" in tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Спасибо за статью", ["спасибо", "за", "статью"]),
        ("新闻自由", ["新", "闻", "自", "由"]),
        ("", []),
    ],
)
def test_cyrillic_words_and_cjk_characters_are_tokens(text, expected):
    assert tokenize(text)[: len(expected)] == expected
    assert tokenize(text)[-1] == "links:0"


def test_untrained_model_says_nothing():
    assert BayesModel().spam_probability("buy cheap pills") == 0.5
    one_sided = BayesModel()
    one_sided.train("buy cheap pills", is_spam=True)
    assert one_sided.spam_probability("buy cheap pills") == 0.5


def trained_model() -> BayesModel:
    model = BayesModel()
    model.train("buy cheap pills at pills.example.com", is_spam=True)
    model.train("casino bonus, cheap spins", is_spam=True)
    model.train("thank you for the reporting on the council", is_spam=False)
    model.train("the council minutes disagree with the figure", is_spam=False)
    return model


def test_trained_model_leans_the_right_way_and_ignores_unseen_words():
    model = trained_model()
    assert model.spam_probability("cheap pills") > 0.8
    assert model.spam_probability("the council reporting") < 0.2
    # Words never seen weigh nothing: only the always-present markers count.
    assert model.spam_probability("zebra quantum") == model.spam_probability("")


def test_untrain_takes_a_decision_back_exactly():
    model = trained_model()
    before = model.to_dict()
    model.train("a moderator's mistake", is_spam=True)
    model.untrain("a moderator's mistake", is_spam=True)
    assert model.to_dict() == before


def test_model_survives_a_round_trip_through_json_data():
    model = trained_model()
    copy = BayesModel.from_dict(model.to_dict())
    assert copy.spam_probability("cheap council") == model.spam_probability(
        "cheap council"
    )
    assert BayesModel.from_dict({}).spam_probability("anything") == 0.5


def test_prune_keeps_the_most_frequent_tokens():
    model = trained_model()
    model.prune(3)
    kept = model.spam_counts.keys() | model.ham_counts.keys()
    assert len(kept) == 3
    assert "cheap" in kept  # seen twice, in spam
    model.prune(100)  # below the limit: nothing changes
    assert model.spam_counts.keys() | model.ham_counts.keys() == kept


def test_quality_on_held_out_comments_with_unseen_phrasings():
    """The bar the benchmark reports on (bench/spam_filter.py), at a smaller size."""
    model = BayesModel()
    for sample in comments(1500, seed=11):
        model.train(sample.text, is_spam=sample.is_spam)
    held_out = comments(1000, seed=12, unseen=True)
    flagged = [s for s in held_out if model.spam_probability(s.text) >= 0.9]
    spam = [s for s in held_out if s.is_spam]
    good = [s for s in held_out if not s.is_spam]
    caught = sum(s.is_spam for s in flagged)
    assert caught / len(flagged) >= 0.97  # precision
    assert caught / len(spam) >= 0.8  # recall
    assert sum(not s.is_spam for s in flagged) / len(good) <= 0.02
