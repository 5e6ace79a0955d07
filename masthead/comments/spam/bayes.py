"""A naive Bayes spam filter (multinomial, Laplace smoothing), trained locally.

The model is two word-count tables, one for spam and one for good comments
("ham"). A comment's spam probability compares how likely its tokens are under
each table, with the share of spam seen so far as the prior. Everything is
plain counting, so a moderator's decision can be taken back exactly (`untrain`).
"""

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# Word counts a stored model keeps at most, so its row stays a few hundred KB.
MAX_TOKENS = 20_000

MONEY = re.compile(r"[$€£₽]\s?\d|\d\s?(?:usd|eur|btc|%)", re.IGNORECASE)


def tokenize(text: str) -> list[str]:
    """Return the tokens of `text` the filter counts.

    Words are lowercased (Cyrillic included; CJK one character a token); a URL
    counts as its host (``url:example.com``); a few markers describe the
    whole text: links, money amounts, shouting in capitals.
    """
    tokens = []
    links = URL.findall(text)
    for link in links:
        host = urlsplit(link if "://" in link else f"http://{link}").hostname or ""
        tokens.append(f"url:{host.removeprefix('www.')}")
    text_without_links = URL.sub(" ", text)
    for word in WORD.findall(text_without_links):
        if CJK.search(word):
            tokens.extend(CJK.findall(word))
            continue
        tokens.append(word.lower())
        if len(word) > 3 and word.isupper():
            tokens.append("has:shouting")
    tokens.append(f"links:{min(len(links), 3)}")
    if MONEY.search(text):
        tokens.append("has:money")
    return tokens


@dataclass
class BayesModel:
    spam_docs: int = 0
    ham_docs: int = 0
    spam_counts: Counter = field(default_factory=Counter)
    ham_counts: Counter = field(default_factory=Counter)

    def train(self, text: str, *, is_spam: bool) -> None:
        """Count `text` as spam or as a good comment."""
        counts = self.spam_counts if is_spam else self.ham_counts
        counts.update(tokenize(text))
        if is_spam:
            self.spam_docs += 1
        else:
            self.ham_docs += 1

    def untrain(self, text: str, *, is_spam: bool) -> None:
        """Take back an earlier `train(text, is_spam=...)`."""
        counts = self.spam_counts if is_spam else self.ham_counts
        counts.subtract(tokenize(text))
        for token in [t for t, n in counts.items() if n <= 0]:
            del counts[token]
        if is_spam:
            self.spam_docs = max(self.spam_docs - 1, 0)
        else:
            self.ham_docs = max(self.ham_docs - 1, 0)

    def spam_probability(self, text: str) -> float:
        """Return the probability that `text` is spam, 0.5 before any training."""
        if not self.spam_docs or not self.ham_docs:
            return 0.5
        vocabulary = len(self.spam_counts.keys() | self.ham_counts.keys()) + 1
        spam_total = self.spam_counts.total() + vocabulary
        ham_total = self.ham_counts.total() + vocabulary
        log_odds = math.log(self.spam_docs / self.ham_docs)
        for token in set(tokenize(text)):
            if token not in self.spam_counts and token not in self.ham_counts:
                continue  # an unseen token says nothing either way
            log_odds += math.log((self.spam_counts[token] + 1) / spam_total)
            log_odds -= math.log((self.ham_counts[token] + 1) / ham_total)
        return 1 / (1 + math.exp(-max(min(log_odds, 700), -700)))

    def prune(self, max_tokens: int) -> None:
        """Keep only the `max_tokens` tokens seen most often, so storage stays small."""
        seen = self.spam_counts + self.ham_counts
        if len(seen) <= max_tokens:
            return
        keep = {token for token, _ in seen.most_common(max_tokens)}
        self.spam_counts = Counter(
            {t: n for t, n in self.spam_counts.items() if t in keep}
        )
        self.ham_counts = Counter(
            {t: n for t, n in self.ham_counts.items() if t in keep}
        )

    def to_dict(self) -> dict:
        return {
            "spam_docs": self.spam_docs,
            "ham_docs": self.ham_docs,
            "spam_counts": dict(self.spam_counts),
            "ham_counts": dict(self.ham_counts),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "BayesModel":
        return cls(
            data.get("spam_docs", 0),
            data.get("ham_docs", 0),
            Counter(data.get("spam_counts", {})),
            Counter(data.get("ham_counts", {})),
        )
