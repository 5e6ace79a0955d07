"""Precision and recall of the learned spam filter on held-out comments.

Usage: python bench/spam_filter.py [--train N] [--test N]

Trains Masthead's naive Bayes model (masthead.comments.spam.bayes) on comments
from bench/spamgen.py with one seed, then judges comments made with another
seed that it never saw. Prints, for each threshold the site uses, how many
spam it catches (recall), how much of what it flags is really spam
(precision) and how many good comments it wrongly flags (false-positive rate);
then the same after only a few moderator decisions, and the speed.
No database, no network: the model is plain Python.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from spamgen import comments  # noqa: E402

from masthead.comments.spam.bayes import MAX_TOKENS, BayesModel  # noqa: E402

# The learned filter marks spam at 0.99 and holds for a moderator at 0.9
# (masthead/comments/spam/learned.py); 0.5 is the textbook cut.
THRESHOLDS = (0.99, 0.9, 0.5)
TRAIN_SEED, TEST_SEED = 1, 2


def trained(samples) -> BayesModel:
    model = BayesModel()
    for sample in samples:
        model.train(sample.text, is_spam=sample.is_spam)
    model.prune(MAX_TOKENS)
    return model


def scores(model: BayesModel, samples) -> list[tuple[float, bool]]:
    return [(model.spam_probability(s.text), s.is_spam) for s in samples]


def rates(scored, threshold: float) -> dict:
    tp = sum(1 for p, spam in scored if spam and p >= threshold)
    fp = sum(1 for p, spam in scored if not spam and p >= threshold)
    fn = sum(1 for p, spam in scored if spam and p < threshold)
    tn = sum(1 for p, spam in scored if not spam and p < threshold)
    return {
        "threshold": threshold,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "false_positive_rate": fp / (fp + tn) if fp + tn else 0.0,
        "spam": tp + fn,
        "ham": fp + tn,
    }


def report(title: str, scored) -> list[dict]:
    print(f"\n{title}")
    print(f"{'threshold':>10} {'precision':>10} {'recall':>8} {'FPR':>8}")
    rows = [rates(scored, t) for t in THRESHOLDS]
    for r in rows:
        print(
            f"{r['threshold']:>10} {r['precision']:>10.3f} {r['recall']:>8.3f}"
            f" {r['false_positive_rate']:>8.4f}"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=4000)
    parser.add_argument("--test", type=int, default=4000)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    training = comments(args.train, seed=TRAIN_SEED)
    held_out = comments(args.test, seed=TEST_SEED, unseen=True)
    spam_count = sum(s.is_spam for s in held_out)
    print(
        f"training: {len(training)} comments (seed {TRAIN_SEED}); held out:"
        f" {len(held_out)} ({spam_count} spam, seed {TEST_SEED}, a third of the"
        " phrasings never seen in training)"
    )

    started = time.perf_counter()
    model = trained(training)
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    scored = scores(model, held_out)
    judge_seconds = time.perf_counter() - started
    full = report(f"after {len(training)} moderator decisions", scored)

    # A newsroom starts small: the filter speaks once moderators have judged
    # MASTHEAD_COMMENTS_LEARNED_MINIMUM (20) of each kind.
    few = [s for s in training if s.is_spam][:20] + [
        s for s in training if not s.is_spam
    ][:20]
    early = report(
        "after 20 spam and 20 good decisions", scores(trained(few), held_out)
    )

    size = len(json.dumps(model.to_dict()).encode())
    print(
        f"\nspeed: trained {len(training) / train_seconds:,.0f} comments/s,"
        f" judged {len(held_out) / judge_seconds:,.0f} comments/s;"
        f" stored model {size / 1024:,.0f} KB"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"full": full, "early": early, "model_bytes": size}, indent=2)
        )


if __name__ == "__main__":
    main()
