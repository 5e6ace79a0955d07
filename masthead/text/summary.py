"""Summaries for meta descriptions: whole sentences, as many as fit."""

import re

SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def summary(text: str, *, max_chars: int = 160) -> str:
    """Return the first sentences of `text` that fit in `max_chars`.

    A first sentence longer than that is cut at a word and ends with "…".
    """
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    kept = ""
    for sentence in SENTENCE_END.split(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > max_chars:
            break
        kept = candidate
    if kept:
        return kept
    return text[: max_chars - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
